// SQLite era, change → view: how long from OpenClaw committing a change to a session (here a
// run starting: status running, updated_at bumped) until the live model (what the view shows)
// announces it. The model stats the database files every second and rereads when they change,
// so the expected figure is up to one poll plus one read. Anchor, side by side: the read alone.
// Run from Node 20 (the child reader, as VS Code 1.100 and the CLI on Node 20 read).
//   node out/bench/sqlite-model.bench.js [--runs N] [--sessions N]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { node24Binary } from '../test/fixtures/real-openclaw';
import { runNode24, writeBigAgentDatabase } from '../test/fixtures/sqlite-state-dir';
import { SessionModel } from '../src/sessions/model';
import { readSqliteStore } from '../src/sqlite-store/read-store';
import type { SessionsSnapshot } from '../src/sessions/types';

const argValue = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = argValue('--runs', 5);
const SESSIONS = argValue('--sessions', 1000);
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ocl-sqlite-model-bench-'));
  const env = { ...process.env, PATH: `${path.dirname(node24Binary())}:/usr/bin:/bin` };
  try {
    const written = await writeBigAgentDatabase(path.join(root, 'state'), SESSIONS);
    const database = written.agents[0]!.path;
    const key = written.agents[0]!.sessions[0]!.key;
    const model = new SessionModel({ stateDir: written.stateDir, env, readVersion: false, gatewayLockDir: path.join(root, 'none') });
    await model.start();
    const latencies: number[] = [];
    const reads: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const status = run % 2 === 0 ? 'running' : 'done';
      const seen = new Promise<number>((resolve) => {
        const sub = model.onDidChange((s: SessionsSnapshot) => {
          const row = s.agents[0]?.sessions.find((x) => x.key === key)?.sqlite?.row;
          if (row?.status === status) {
            sub.dispose();
            resolve(performance.now());
          }
        });
      });
      // What a commit of OpenClaw's does to the files: the row changes in one write transaction.
      await runNode24(`const { DatabaseSync } = require('node:sqlite'); const db = new DatabaseSync(process.argv[1]); db.exec('PRAGMA journal_mode=WAL');
        db.prepare("UPDATE session_nodes SET status = ?, updated_at = updated_at + 1 WHERE session_key = ?").run(process.argv[2], process.argv[3]); db.close();`, null, { args: [database, status, key] });
      const committed = performance.now();
      latencies.push((await seen) - committed);
      const t0 = performance.now();
      await readSqliteStore({ agents: [{ agentId: 'main', path: database }], now: Date.now() }, { env, incremental: false });
      reads.push(performance.now() - t0);
    }
    model.dispose();
    console.log(`${SESSIONS} sessions, ${RUNS} changes, Node ${process.versions.node} (child reader), 1 s file poll; load ${os.loadavg()[0]!.toFixed(2)}`);
    console.log(`change -> model announces it: median ${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
    console.log(`anchor, one full read alone: median ${median(reads).toFixed(0)} ms (ratio ${(median(latencies) / median(reads)).toFixed(1)}x)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => { console.error(error); process.exitCode = 1; });
