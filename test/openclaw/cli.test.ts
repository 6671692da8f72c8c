// The "Summarize with OpenClaw" route against a fake `openclaw` executable that records
// its argv and prints JSON like the real CLI.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compactWithOpenClaw, findOpenClawCli, getGatewayStatus, OpenClawCliError, parseCliJson, readTokenCounts } from '../../src/openclaw/cli';
import { makeTempDir } from '../transcripts/fixtures';

// out/test/sessions -> the repository root
const FAKE_DIR = resolve(__dirname, '../../../test/fixtures/fake-openclaw');
const FAKE = join(FAKE_DIR, 'openclaw');

function calls(log: string): string[][] {
  return readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { argv: string[] }).argv);
}

describe('finding the openclaw CLI', () => {
  test('on PATH, by configured absolute path, by configured bare name; undefined when absent or not executable', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = `/nonexistent:${FAKE_DIR}:/usr/bin`;
      assert.equal(await findOpenClawCli({ env: { PATH: path } }), FAKE);
      assert.equal(await findOpenClawCli({ env: { PATH: '/nonexistent' } }), undefined);
      assert.equal(await findOpenClawCli({ configuredPath: FAKE, env: { PATH: '' } }), FAKE);
      mkdirSync(join(dir, 'bin'));
      copyFileSync(FAKE, join(dir, 'bin', 'openclaw-dev'));
      chmodSync(join(dir, 'bin', 'openclaw-dev'), 0o755);
      assert.equal(await findOpenClawCli({ configuredPath: 'openclaw-dev', env: { PATH: join(dir, 'bin') } }), join(dir, 'bin', 'openclaw-dev'));
      writeFileSync(join(dir, 'bin', 'openclaw'), '#!/bin/sh\n');
      chmodSync(join(dir, 'bin', 'openclaw'), 0o644);
      assert.equal(await findOpenClawCli({ env: { PATH: join(dir, 'bin') } }), undefined, 'not executable');
      assert.equal(await findOpenClawCli({ configuredPath: join(dir, 'missing'), env: { PATH: FAKE_DIR } }), undefined, 'a configured path wins, even when wrong');
      assert.equal(await findOpenClawCli({ configuredPath: '~/bin/openclaw-dev', env: { HOME: dir } }), join(dir, 'bin', 'openclaw-dev'));
    } finally {
      cleanup();
    }
  });
});

describe('gateway status and compaction through the CLI', () => {
  test('gateway status: up, and down with OpenClaw\'s message', async () => {
    const up = await getGatewayStatus(FAKE, { env: { ...process.env } });
    assert.deepEqual({ reachable: up.reachable, url: up.url }, { reachable: true, url: 'ws://127.0.0.1:18789' });
    const down = await getGatewayStatus(FAKE, { env: { ...process.env, FAKE_OPENCLAW_GATEWAY: 'down' } });
    assert.equal(down.reachable, false);
    assert.match(down.problem!, /gateway not running \(connect ECONNREFUSED/);
    const missing = await getGatewayStatus('/nonexistent/openclaw');
    assert.equal(missing.reachable, false);
  });

  test('runs `sessions compact <key> --json`, adds --agent for other agents, reports tokens', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const log = join(dir, 'calls.jsonl');
      const env = { ...process.env, FAKE_OPENCLAW_LOG: log, FAKE_OPENCLAW_TOKENS: '52000,7100' };
      const main = await compactWithOpenClaw({ cliPath: FAKE, key: 'agent:main:main', agentId: 'main', env });
      assert.deepEqual({ before: main.tokensBefore, after: main.tokensAfter, compacted: main.compacted }, { before: 52000, after: 7100, compacted: true });
      await compactWithOpenClaw({ cliPath: FAKE, key: 'agent:work:telegram:group:42', agentId: 'work', env });
      assert.deepEqual(calls(log), [
        ['sessions', 'compact', 'agent:main:main', '--json'],
        ['sessions', 'compact', 'agent:work:telegram:group:42', '--json', '--agent', 'work'],
      ]);
    } finally {
      cleanup();
    }
  });

  test('a failure carries OpenClaw\'s own message', async () => {
    const env = { ...process.env, FAKE_OPENCLAW_COMPACT_ERROR: 'session agent:main:main is busy (run in progress)' };
    await assert.rejects(compactWithOpenClaw({ cliPath: FAKE, key: 'agent:main:main', env }), (error: unknown) => {
      assert.ok(error instanceof OpenClawCliError);
      assert.equal(error.code, 'CLI_FAILED');
      assert.match(error.message, /session agent:main:main is busy \(run in progress\) \(exit 1\)/);
      return true;
    });
  });

  test('cancelling stops the CLI', async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const slow = join(dir, 'openclaw');
      writeFileSync(slow, '#!/bin/sh\nexec sleep 30\n');
      chmodSync(slow, 0o755);
      const controller = new AbortController();
      const running = compactWithOpenClaw({ cliPath: slow, key: 'agent:main:main', signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      await assert.rejects(running, (error: unknown) => (error as OpenClawCliError).code === 'ABORTED');
    } finally {
      cleanup();
    }
  });

  test('JSON is found after log lines, and token counts in nested results', () => {
    assert.deepEqual(parseCliJson('[gateway] connecting\n{"ok":true,"tokensBefore":5}\n'), { ok: true, tokensBefore: 5 });
    assert.deepEqual(parseCliJson('log line\n{\n  "ok": true\n}\n'), { ok: true });
    assert.equal(parseCliJson('no json here'), undefined);
    assert.deepEqual(readTokenCounts({ ok: true, result: { compacted: true, tokensBefore: 900, tokensAfter: 120 } }), { compacted: true, tokensBefore: 900, tokensAfter: 120 });
    assert.deepEqual(readTokenCounts({ ok: true }), { compacted: undefined, tokensBefore: undefined, tokensAfter: undefined });
  });
});
