// Runs every built benchmark (out/bench/*.bench.js) as its own child process, one after the
// other, with inherited stdio. Builds nothing: `npm run bench` builds first.
//   node out/bench/run.js [--only <name>] [-- args for the benchmarks]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function main(): number {
  const args = process.argv.slice(2);
  const onlyIndex = args.indexOf('--only');
  const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;
  const separator = args.indexOf('--');
  const passThrough = separator >= 0 ? args.slice(separator + 1) : [];
  const dir = __dirname;
  const benches = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.bench.js')).sort() : [];
  const selected = only ? benches.filter((name) => name === `${only}.bench.js` || name === only) : benches;
  if (selected.length === 0) {
    console.error(only ? `no benchmark named "${only}" (have: ${benches.map((b) => b.replace(/\.bench\.js$/, '')).join(', ') || 'none'})` : 'no benchmarks built in out/bench');
    return 1;
  }
  let failed = 0;
  for (const name of selected) {
    const began = Date.now();
    console.log(`\n### ${name.replace(/\.bench\.js$/, '')}`);
    const result = spawnSync(process.execPath, [join(dir, name), ...passThrough], { stdio: 'inherit' });
    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    if (result.status !== 0) failed++;
    console.log(`### ${name.replace(/\.bench\.js$/, '')}: ${result.status === 0 ? 'done' : `failed (exit ${result.status ?? result.signal})`} in ${seconds}s`);
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = main();
