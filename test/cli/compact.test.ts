// `openclaw-locks compact` end to end: resolving a session by key, id or path in a fixture
// state dir, trimming, JSON output, --summarize through the fake openclaw, and errors.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { makeTempDir, transcriptText } from '../transcripts/fixtures';

const FAKE_DIR = resolve(__dirname, '../../../test/fixtures/fake-openclaw');
// The shipped CLI bundle, run as a process: exit codes and output as a user sees them.
const CLI = resolve(__dirname, '../../../dist/cli.js');

function makeStateDir(root: string): { stateDir: string; transcript: string; workTranscript: string } {
  const stateDir = join(root, 'state');
  const sessions = join(stateDir, 'agents', 'main', 'sessions');
  const work = join(stateDir, 'agents', 'work', 'sessions');
  mkdirSync(sessions, { recursive: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(sessions, 'sessions.json'), JSON.stringify({ 'agent:main:main': { sessionId: 'sess-main-1', updatedAt: 1, totalTokens: 48210, futureField: { kept: true } } }, null, 2));
  writeFileSync(join(work, 'sessions.json'), JSON.stringify({ 'agent:work:telegram:group:42': { sessionId: 'sess-work-1', updatedAt: 1 } }, null, 2));
  const transcript = join(sessions, 'sess-main-1.jsonl');
  const workTranscript = join(work, 'sess-work-1.jsonl');
  writeFileSync(transcript, transcriptText(30));
  writeFileSync(workTranscript, transcriptText(30));
  return { stateDir, transcript, workTranscript };
}

function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...argv], { env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env }, timeout: 60_000 }, (error, out, err) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out, err });
    });
  });
}

describe('openclaw-locks compact', () => {
  test('trims a session named by key, reports lines, bytes and the archive', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const { stateDir, transcript } = makeStateDir(dir);
      const { code, out } = await cli(['compact', 'agent:main:main', '--max-lines', '5', '--state-dir', stateDir]);
      assert.equal(code, 0);
      assert.match(out, /^Compacted agent:main:main: 30 → 5 lines, [\d.]+ KB → \d+ B\.$/m);
      assert.match(out, /Original kept as .*sess-main-1\.jsonl\.bak\./);
      assert.equal(readFileSync(transcript, 'utf8').trimEnd().split('\n').length, 5);
      assert.ok(JSON.parse(readFileSync(join(stateDir, 'agents/main/sessions/sessions.json'), 'utf8'))['agent:main:main'].futureField.kept, 'sessions.json untouched');
    } finally {
      cleanup();
    }
  });

  test('by session id and by path, with --json; a second run has nothing to do', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const { stateDir, workTranscript } = makeStateDir(dir);
      const first = await cli(['compact', 'sess-work-1', '--max-lines', '10', '--state-dir', stateDir, '--json']);
      assert.equal(first.code, 0, first.err);
      const json = JSON.parse(first.out);
      assert.deepEqual([json.method, json.key, json.agentId, json.compacted, json.linesBefore, json.linesAfter], ['trim', 'agent:work:telegram:group:42', 'work', true, 30, 10]);
      const again = await cli(['compact', workTranscript, '--max-lines', '10', '--state-dir', stateDir]);
      assert.equal(again.code, 0);
      assert.match(again.out, /Nothing to do: .* has 10 lines, at most --max-lines 10/);
    } finally {
      cleanup();
    }
  });

  test('--summarize runs the openclaw CLI with the key (and --agent for other agents)', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const { stateDir, transcript } = makeStateDir(dir);
      const log = join(dir, 'calls.jsonl');
      const env = { PATH: `${FAKE_DIR}:${process.env.PATH}`, FAKE_OPENCLAW_LOG: log };
      const main = await cli(['compact', 'agent:main:main', '--summarize', '--state-dir', stateDir], env);
      assert.equal(main.code, 0, main.err);
      // What the real 2026.7.35 reports: the count before only.
      assert.match(main.out, /OpenClaw compacted agent:main:main: 48,210 tokens before \(OpenClaw reported no count after\)\./);
      const work = await cli(['compact', 'sess-work-1', '--summarize', '--state-dir', stateDir, '--json'], { ...env, FAKE_OPENCLAW_TOKENS: '48210,6120' });
      assert.equal(JSON.parse(work.out).tokensAfter, 6120);
      // Each scan first asks `openclaw --version` (the storage era); read-only, so left out here.
      const argvs = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l).argv).filter((argv) => argv.join(' ') !== '--version');
      assert.deepEqual(argvs, [
        ['gateway', 'status', '--json'],
        ['sessions', 'compact', 'agent:main:main', '--json'],
        ['gateway', 'status', '--json'],
        ['sessions', 'compact', 'agent:work:telegram:group:42', '--json', '--agent', 'work'],
      ]);
      assert.equal(readFileSync(transcript, 'utf8'), transcriptText(30), 'the transcript is the gateway\'s business');
      const down = await cli(['compact', 'agent:main:main', '--summarize', '--state-dir', stateDir], { ...env, FAKE_OPENCLAW_GATEWAY: 'down' });
      assert.equal(down.code, 2);
      assert.match(down.err, /gateway does not answer: gateway not running/);
      const failing = await cli(['compact', 'agent:main:main', '--summarize', '--state-dir', stateDir], { ...env, FAKE_OPENCLAW_COMPACT_ERROR: 'no model configured' });
      assert.equal(failing.code, 2);
      assert.match(failing.err, /no model configured/);
      const missing = await cli(['compact', 'agent:main:main', '--summarize', '--state-dir', stateDir], { PATH: '/nonexistent' });
      assert.match(missing.err, /openclaw CLI not found on PATH/);
    } finally {
      cleanup();
    }
  });

  test('usage errors and unknown sessions exit 2 and change nothing', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const { stateDir } = makeStateDir(dir);
      for (const argv of [
        ['compact', '--state-dir', stateDir],
        ['compact', 'agent:main:main', '--max-lines', '0', '--state-dir', stateDir],
        ['compact', 'agent:main:main', '--max-lines', 'ten', '--state-dir', stateDir],
        ['compact', 'agent:main:main', '--timeout', '-1', '--state-dir', stateDir],
        ['compact', 'no-such-session', '--state-dir', stateDir],
      ]) {
        const { code, err } = await cli(argv);
        assert.equal(code, 2, `${argv.join(' ')}: ${err}`);
        assert.ok(err.length > 0);
      }
      const missingFile = await cli(['compact', join(dir, 'gone.jsonl'), '--state-dir', stateDir]);
      assert.equal(missingFile.code, 2);
      assert.match(missingFile.err, /does not exist/);
      assert.deepEqual(readdirSync(join(stateDir, 'agents/main/sessions')).sort(), ['sess-main-1.jsonl', 'sessions.json']);
    } finally {
      cleanup();
    }
  });
});


describe('openclaw-locks compact, stopped by a signal while it holds the lock', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} (a service manager or Ctrl-C) leaves the transcript, no lock and no temp file`, async () => {
      const { dir, cleanup } = makeTempDir();
      try {
        const { stateDir, transcript } = makeStateDir(dir);
        const original = readFileSync(transcript);
        const child = spawn(
          process.execPath,
          ['--require', join(__dirname, 'compact-pause-preload.js'), CLI, 'compact', 'agent:main:main', '--max-lines', '5', '--state-dir', stateDir],
          { env: { PATH: process.env.PATH, HOME: '/nonexistent', PAUSE_AT_STEP: 'temp-written' }, stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let err = '';
        child.stderr.setEncoding('utf8');
        const paused = new Promise<void>((ready) => child.stderr.on('data', (chunk: string) => {
          err += chunk;
          if (err.includes('paused at temp-written')) ready();
        }));
        const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('close', (code, sig) => done({ code, signal: sig })));
        await paused;
        const sessions = join(stateDir, 'agents', 'main', 'sessions');
        assert.ok(readdirSync(sessions).some((name) => name.endsWith('.jsonl.lock')), 'the CLI holds the lock while paused');
        child.kill(signal);
        const { code, signal: killedBy } = await exited;
        assert.equal(killedBy, null, `the CLI died of ${killedBy} instead of cleaning up; stderr: ${err}`);
        assert.notEqual(code, 0);
        assert.match(err, /cancelled/i);
        assert.deepEqual(readFileSync(transcript), original);
        const left = readdirSync(sessions).filter((name) => name.endsWith('.lock') || name.includes('.compact.'));
        assert.deepEqual(left, []);
      } finally {
        cleanup();
      }
    });
  }
});
