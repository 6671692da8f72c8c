import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { join } from 'node:path';

/**
 * What the parent reads from a worker that, like the benchmark's, reads a 'go' line from stdin,
 * then emits one `bytes`-long message and exits at once (`exit`).
 */
async function readWorker(exit: 'exitAfterOutput(0)' | 'process.exit(0)', bytes: number): Promise<string[]> {
  const module = JSON.stringify(join(__dirname, '../../bench/worker-output.js'));
  const child = spawn(process.execPath, ['-e', `
    const { createInterface } = require('node:readline');
    const { emit, exitAfterOutput } = require(${module});
    emit({ ready: true });
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line !== 'go') return;
      lines.close();
      emit({ padding: 'x'.repeat(${bytes}) });
      ${exit};
    });
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    if (lines.length === 1) child.stdin!.write('go\n');
  });
  await new Promise((resolve) => child.once('close', resolve));
  return lines;
}

test('a worker\'s last message, bigger than the socket\'s buffer, reaches the parent whole before the worker exits', async () => {
  const [ready, last] = await readWorker('exitAfterOutput(0)', 1_000_000);
  assert.equal(ready, '{"ready":true}');
  assert.equal((JSON.parse(last!) as { padding: string }).padding.length, 1_000_000);
});

test('the failure that test guards against: exiting right after the write cuts the message short', async () => {
  // Once stdin is read, writes to stdout are no longer synchronous: what did not fit in the
  // socket's buffer is lost at exit (the bench's parent then failed to parse ~219 KB of ~220 KB).
  const [, last] = await readWorker('process.exit(0)', 1_000_000);
  assert.ok(last !== undefined && last.length < 1_000_000, `the whole message arrived (${last?.length} bytes): exitAfterOutput's test proves nothing here`);
});
