// Child process for tests: takes the session write lock of argv[2] through the lock core,
// prints "held", and releases when its stdin says "release" or closes.
import { acquireSessionWriteLock } from '../../src/lock';

async function main(): Promise<void> {
  const transcriptPath = process.argv[2];
  const lock = await acquireSessionWriteLock({ sessionFile: transcriptPath, timeoutMs: 30_000 });
  process.stdout.write('held\n');
  let input = '';
  process.stdin.setEncoding('utf8');
  const done = new Promise<void>((resolve) => {
    process.stdin.on('data', (text: string) => {
      input += text;
      if (input.includes('release')) resolve();
    });
    process.stdin.on('end', () => resolve());
  });
  await done;
  await lock.release();
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`lock holder failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
