// Crash safety of trim compaction across real processes: a compacting child is killed with
// SIGKILL at every named step and at random moments. Whatever the moment, the transcript is
// either the original or the complete compacted file, an archive (when present) is the
// complete original, and the next run leaves no lock and no temp file behind.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trimTranscript } from '../../src/transcripts/trim';
import { makeTempDir, transcriptText } from './fixtures';

const MAX_LINES = 50;
const ORIGINAL = transcriptText(4000, 300); // about 1.5 MB
const COMPACTED = (() => {
  const lines = ORIGINAL.trimEnd().split('\n');
  return [lines[0], ...lines.slice(lines.length - (MAX_LINES - 1))].join('\n') + '\n';
})();
const STEPS = ['locked', 'cleaned', 'scanned', 'temp-written', 'archived', 'verified', 'renamed'];

interface Run {
  pauseAt?: string;
  killAfterMs?: number;
  archiveBy: 'link' | 'copy';
}

async function runAndKill(path: string, run: Run): Promise<string> {
  const child = spawn(process.execPath, [join(__dirname, 'trim-crash-child.js'), path, String(MAX_LINES), run.pauseAt ?? 'none', run.archiveBy], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8');
  const exited = once(child, 'exit');
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (text: string) => {
      output += text;
      if (run.pauseAt && output.includes('paused\n')) resolve();
    });
    child.once('exit', () => resolve());
    if (run.killAfterMs !== undefined) setTimeout(resolve, run.killAfterMs);
  });
  child.kill('SIGKILL');
  await exited;
  return output;
}

function checkInvariants(dir: string, path: string, label: string): void {
  const transcript = readFileSync(path, 'utf8');
  assert.ok(transcript === ORIGINAL || transcript === COMPACTED, `${label}: transcript is neither the original nor the compacted file (${transcript.length} bytes)`);
  for (const name of readdirSync(dir).filter((n) => /\.bak\.[^.]+Z$/.test(n))) {
    assert.equal(readFileSync(join(dir, name), 'utf8'), ORIGINAL, `${label}: archive ${name} is incomplete`);
  }
  if (transcript === COMPACTED) {
    assert.ok(readdirSync(dir).some((n) => n.includes('.bak.')), `${label}: compacted without an archive`);
  }
}

describe('trim compaction survives SIGKILL', () => {
  const runs: Run[] = [];
  for (const step of STEPS) {
    runs.push({ pauseAt: step, archiveBy: 'link' });
    runs.push({ pauseAt: step, archiveBy: 'copy' });
  }
  // Random moments, including mid-read and mid-write; the seed is fixed so a failure replays.
  let seed = 20261122;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 26; i++) runs.push({ killAfterMs: Math.floor(random() * 400), archiveBy: i % 3 === 0 ? 'copy' : 'link' });

  test(`${runs.length} killed runs: original or complete result, complete archive, clean after the next run`, { timeout: 600_000 }, async () => {
    const { dir: root, cleanup } = makeTempDir('oc-crash-');
    const reached = new Set<string>();
    try {
      for (const [index, run] of runs.entries()) {
        const dir = join(root, `run-${index}`);
        mkdirSync(dir);
        const path = join(dir, 'agent-session.jsonl');
        writeFileSync(path, ORIGINAL);
        const label = `run ${index} (${run.pauseAt ? `paused at ${run.pauseAt}` : `killed after ${run.killAfterMs} ms`}, ${run.archiveBy})`;
        const output = await runAndKill(path, run);
        for (const match of output.matchAll(/^step (\S+)$/gm)) reached.add(match[1]);
        if (run.pauseAt) assert.match(output, new RegExp(`step ${run.pauseAt}\\n`), `${label}: never reached the step`);
        checkInvariants(dir, path, label);

        // The next run reclaims the dead child's lock, cleans up, and finishes the job.
        // A kill between creating the lock file and writing its payload leaves it empty: the
        // core reclaims such a lock after the torn grace, shortened here to keep the test quick.
        const result = await trimTranscript({ transcriptPath: path, maxLines: MAX_LINES, timeoutMs: 60_000, lockOptions: { tornGraceMs: 2_000 } });
        assert.equal(readFileSync(path, 'utf8'), COMPACTED, `${label}: not compacted after the next run`);
        checkInvariants(dir, path, `${label}, after the next run`);
        const left = readdirSync(dir).filter((n) => n !== 'agent-session.jsonl');
        assert.equal(left.length, 1, `${label}: expected exactly one archive, found ${left.join(', ')}`);
        assert.match(left[0], /^agent-session\.jsonl\.bak\./);
        assert.ok(!existsSync(`${path}.lock`));
        if (!result.compacted) assert.equal(result.linesBefore, MAX_LINES);
      }
      for (const step of STEPS) assert.ok(reached.has(step), `step ${step} was never reached`);
    } finally {
      cleanup();
    }
  });
});
