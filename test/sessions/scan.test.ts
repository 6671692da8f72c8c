import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allLocks, CommandLineLookup, findLock, findSession, readGatewayInfo, scanStateDir, type AgentInfo, type JsonlSession, type SessionsSnapshot } from '../../src/sessions';
import { reageAgent } from '../../src/sessions/jsonl/update';
import { readCommandLine } from '../../src/lock';
import { deadPid } from '../fixtures/live-holder';
import {
  buildRichFixture,
  isoAgo,
  makeSessionsDir,
  makeTempRoot,
  writeLock,
  writeStore,
  writeTranscript,
  type RichFixture,
} from '../fixtures/state-dir';

const noProcessListing = () => new CommandLineLookup(0, async () => new Map());

describe('scanStateDir on a rich fixture', () => {
  let fx: RichFixture;
  let snap: SessionsSnapshot;
  let main: AgentInfo;
  before(async () => {
    fx = await buildRichFixture();
    snap = await scanStateDir({ stateDir: fx.stateDir, gatewayLockDir: fx.gatewayLockDir, commandLines: noProcessListing() });
    main = snap.agents.find((a) => a.id === 'main')!;
  });
  after(() => fx.cleanup());

  const session = (key: string) => main.sessions.find((s): s is JsonlSession => s.key === key && !s.sqlite)!;

  it('finds every agent, with its layout', () => {
    assert.deepEqual(snap.agents.map((a) => [a.id, a.layout]), [['bare', 'missing'], ['main', 'jsonl'], ['ops', 'jsonl']]);
    assert.equal(snap.layout, 'jsonl');
    assert.equal(snap.resolution.source, 'explicit');
  });

  it('joins sessions.json entries with their transcripts, keeping the fields people see', () => {
    const s = session('agent:main:main');
    assert.equal(s.sessionId, 's-live');
    assert.equal(s.title, 'Main chat');
    assert.equal(s.label, 'Main chat');
    assert.equal(s.chatType, 'direct');
    assert.equal(s.channel, 'webchat');
    assert.equal(s.inputTokens, 1200);
    assert.equal(s.outputTokens, 340);
    assert.equal(s.totalTokens, 1540);
    assert.equal(s.contextTokens, 200000);
    assert.equal(s.compactionCount, 2);
    assert.equal(s.inStore, true);
    assert.equal(s.transcriptExists, true);
    assert.equal(s.transcriptPath, path.join(fx.main, 's-live.jsonl'));
    assert.equal(s.sizeBytes, readFileSync(s.transcriptPath).length);
    assert.ok(s.mtimeMs! > 0);
    const group = session('agent:main:telegram:group:42');
    assert.equal(group.title, 'Family group');
    assert.equal(group.channel, 'telegram');
    assert.equal(session('cron:nightly').title, 'cron:nightly');
  });

  it('uses the entry\'s sessionFile (Telegram topics) for transcript and lock', () => {
    const topic = session('agent:main:telegram:group:42:topic:7');
    assert.equal(topic.transcriptPath, fx.paths.topicTranscript);
    assert.equal(topic.lockPath, `${fx.paths.topicTranscript}.lock`);
    assert.equal(topic.lock.level, 'free');
    assert.equal(topic.transcriptExists, true);
  });

  it('lists transcripts no entry names, and keeps side files out of the sessions', () => {
    const loose = main.sessions.find((s) => s.sessionId === 'loose-1')!;
    assert.equal(loose.inStore, false);
    assert.equal(loose.key, undefined);
    assert.equal(loose.title, 'loose-1');
    assert.equal(main.sessions.length, 10);
    assert.deepEqual(main.sideFiles.map((f) => [path.basename(f.path), f.kind]), [
      ['notes.txt', 'other'],
      ['s-idle.jsonl.deleted.2026-11-03T00-00-00.000Z', 'deleted'],
      ['s-live.checkpoint.5d1f0a8e-1111-4222-8333-944444444444.jsonl', 'checkpoint'],
      ['s-live.jsonl.bak.2026-11-01T00-00-00.000Z', 'bak'],
      ['s-live.jsonl.compact.5d1f0a8e-1111-4222-8333-944444444444.tmp', 'compact-tmp'],
      ['s-live.jsonl.reset.2026-11-02T00-00-00.000Z', 'reset'],
      ['s-live.trajectory.jsonl', 'trajectory'],
      ['sessions.json.4242.5d1f0a8e-1111-4222-8333-944444444444.tmp', 'store-tmp'],
    ]);
    for (const s of main.sessions) assert.ok(!/checkpoint|trajectory|\.bak\.|\.tmp$/.test(s.transcriptPath), s.transcriptPath);
  });

  it('gives each lock its verdict in OpenClaw\'s words', () => {
    const live = session('agent:main:main').lock;
    assert.equal(live.level, 'held');
    assert.equal(live.severity, 'info');
    assert.equal(live.pid, fx.holder.pid);
    assert.match(live.commandLine ?? '', /openclaw-test-holder/);
    assert.equal(live.maxHoldMs, 300_000);

    const dead = session('agent:main:telegram:group:42').lock;
    assert.equal(dead.level, 'stale');
    assert.deepEqual(dead.reasons, ['dead-pid']);
    assert.equal(dead.pid, fx.deadPid);

    const recycled = session('cron:nightly').lock;
    assert.equal(recycled.level, 'stale');
    assert.deepEqual(recycled.reasons, ['recycled-pid']);

    const torn = session('hook:0b7c2a1e-4f7e-4d0a-9a41-111111111111').lock;
    assert.equal(torn.level, 'stale');
    assert.ok(torn.reasons.includes('missing-pid'));

    const init = session('agent:main:fresh').lock;
    assert.equal(init.level, 'initialising');
    assert.equal(init.severity, 'info');

    const long = session('agent:main:long').lock;
    assert.equal(long.level, 'held-too-long');
    assert.equal(long.severity, 'error');
    assert.ok(long.reasons.includes('too-old'));

    const warn = session('agent:main:warn').lock;
    assert.equal(warn.level, 'held-long');
    assert.equal(warn.severity, 'warning');

    assert.equal(session('agent:main:idle').lock.level, 'free');
    assert.equal(session('agent:main:idle').lock.severity, 'none');
  });

  it('shows lock files with no session and the sessions.json lock', () => {
    assert.deepEqual(main.orphanLocks.map((v) => [v.lockPath, v.level]), [[fx.paths.orphanLock, 'stale']]);
    assert.equal(main.storeLock?.lockPath, fx.paths.storeLock);
    assert.equal(main.storeLock?.level, 'stale');
    assert.equal(allLocks(snap).length, 9);
  });

  it('reports a malformed sessions.json as a problem and still lists its transcripts', () => {
    const ops = snap.agents.find((a) => a.id === 'ops')!;
    assert.equal(ops.problems.length, 1);
    assert.match(ops.problems[0]!.message, /not valid JSON.*listed from transcripts only/);
    assert.deepEqual(ops.sessions.map((s) => [s.sessionId, s.inStore]), [['ops-1', false]]);
  });

  it('reads the gateway lock: live pid and port', () => {
    assert.equal(snap.gateway.alive, true);
    assert.equal(snap.gateway.pid, fx.holder.pid);
    assert.equal(snap.gateway.port, 18789);
    assert.equal(snap.gateway.lockPath, path.join(fx.gatewayLockDir, 'gateway.1a2b3c4d.lock'));
  });

  it('finds sessions and locks by key, id, transcript path and lock path', () => {
    assert.equal(findSession(snap, 'agent:main:main')?.sessionId, 's-live');
    assert.equal(findSession(snap, 's-warn')?.key, 'agent:main:warn');
    assert.equal(findSession(snap, path.join(fx.main, 's-torn.jsonl'))?.sessionId, 's-torn');
    assert.equal(findSession(snap, fx.paths.deadLock)?.key, 'agent:main:telegram:group:42');
    assert.equal(findSession(snap, 'nope'), undefined);
    assert.equal(findLock(snap, fx.paths.orphanLock)?.kind, 'orphan');
    assert.equal(findLock(snap, fx.paths.storeLock)?.kind, 'store');
    const both = findLock(snap, fx.paths.deadLock)!;
    assert.equal(both.kind, 'session');
    assert.deepEqual(both.sessions.map((s) => s.key), ['agent:main:telegram:group:42']);
  });

  it('scans only the agents asked for', async () => {
    const only = await scanStateDir({ stateDir: fx.stateDir, agents: ['ops'], gatewayLockDir: fx.gatewayLockDir });
    assert.deepEqual(only.agents.map((a) => a.id), ['ops']);
  });

  it('ages reused agents for a partial rescan without touching the earlier snapshot', () => {
    const later = reageAgent(main, 4 * 60_000, { warnMs: 60_000, errorMs: 300_000 });
    const warnNow = later.sessions.find((s) => s.key === 'agent:main:warn')!.lock!;
    assert.equal(warnNow.level, 'held-too-long');
    assert.equal(session('agent:main:warn').lock.level, 'held-long');
  });

  it('does not modify anything it scans', () => {
    assert.equal(readFileSync(fx.paths.deadLock, 'utf8').includes(`"pid": ${fx.deadPid}`), true);
    assert.equal(readFileSync(path.join(fx.ops, 'sessions.json'), 'utf8'), '{"agent:ops:main": {"sessionId": "ops-1", ');
  });
});

describe('scanStateDir on odd layouts', () => {
  const { root, cleanup } = makeTempRoot('oc-scan-odd-');
  after(cleanup);
  let n = 0;
  const fresh = () => path.join(root, `state-${n++}`);

  it('reports a missing state dir as layout missing, not a crash', async () => {
    const snap = await scanStateDir({ stateDir: path.join(root, 'does-not-exist'), gatewayLockDir: path.join(root, 'none') });
    assert.equal(snap.layout, 'missing');
    assert.equal(snap.resolution.exists, false);
    assert.deepEqual(snap.agents, []);
  });

  it('reports a state dir without sessions as empty', async () => {
    const stateDir = fresh();
    mkdirSync(path.join(stateDir, 'agents', 'main', 'sessions'), { recursive: true });
    const snap = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none') });
    assert.equal(snap.layout, 'empty');
    assert.equal(snap.agents[0]!.layout, 'jsonl');
  });

  it('detects the SQLite era (2026.8.1+) even with old transcripts left behind', async () => {
    const stateDir = fresh();
    const dir = makeSessionsDir(stateDir, 'main');
    writeTranscript(dir, 'old-1.jsonl');
    mkdirSync(path.join(stateDir, 'agents', 'main', 'agent'), { recursive: true });
    writeFileSync(path.join(stateDir, 'agents', 'main', 'agent', 'openclaw-agent.sqlite'), 'SQLite format 3\0');
    mkdirSync(path.join(stateDir, 'agents', 'work', 'agent'), { recursive: true });
    writeFileSync(path.join(stateDir, 'agents', 'work', 'agent', 'openclaw-agent.sqlite'), 'SQLite format 3\0');
    const snap = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none'), readVersion: false });
    assert.equal(snap.layout, 'sqlite');
    assert.deepEqual({ era: snap.era.era, decidedBy: snap.era.decidedBy }, { era: 'sqlite', decidedBy: 'disk' });
    assert.deepEqual(snap.agents.map((a) => a.layout), ['sqlite', 'sqlite']);
    // The old transcript is a leftover the doctor did not archive, not a session: sessions come
    // from the database, and one that cannot be read is said so, never shown as an empty list.
    assert.equal(snap.agents[0]!.sessions.length, 0);
    assert.ok(snap.agents[0]!.database?.failure, 'the unreadable database is reported');
    assert.deepEqual(snap.findings.filter((f) => f.agentId === 'main').map((f) => f.severity === 'error' || f.severity === 'warning'), [true]);
  });

  it('finds a legacy ~/.clawdbot home through HOME', async () => {
    const home = path.join(root, 'legacy-home');
    const dir = makeSessionsDir(path.join(home, '.clawdbot'), 'main');
    writeStore(dir, { 'agent:main:main': { sessionId: 'legacy-1', updatedAt: 1 } });
    const snap = await scanStateDir({ env: { HOME: home }, gatewayLockDir: path.join(root, 'none') });
    assert.equal(snap.resolution.source, 'legacy');
    assert.equal(snap.resolution.stateDir, path.join(home, '.clawdbot'));
    assert.equal(snap.agents[0]!.sessions[0]!.sessionId, 'legacy-1');
  });

  it('follows a symlinked sessions folder and names locks by its real path', async () => {
    const stateDir = fresh();
    const real = path.join(root, 'real-sessions');
    mkdirSync(real);
    writeTranscript(real, 'a.jsonl');
    writeLock(path.join(real, 'a.jsonl.lock'), { pid: deadPid(), createdAt: isoAgo(1000) });
    mkdirSync(path.join(stateDir, 'agents', 'main'), { recursive: true });
    symlinkSync(real, path.join(stateDir, 'agents', 'main', 'sessions'));
    const snap = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none') });
    const s = snap.agents[0]!.sessions[0]!;
    assert.equal(s.lockPath, path.join(real, 'a.jsonl.lock'));
    assert.equal(s.lock.level, 'stale');
  });

  it('does not follow a symlinked lock file: it is unreadable, and the target is untouched', async () => {
    const stateDir = fresh();
    const dir = makeSessionsDir(stateDir, 'main');
    writeTranscript(dir, 'a.jsonl');
    const target = path.join(root, 'precious.txt');
    writeFileSync(target, '{"pid": 1, "createdAt": "2026-01-01T00:00:00.000Z"}');
    symlinkSync(target, path.join(dir, 'a.jsonl.lock'));
    const snap = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none') });
    const lock = snap.agents[0]!.sessions[0]!.lock!;
    assert.equal(lock.level, 'unreadable');
    assert.equal(lock.inspection.reclaimable, false);
    assert.equal(readFileSync(target, 'utf8'), '{"pid": 1, "createdAt": "2026-01-01T00:00:00.000Z"}');
  });

  it('turns bad sessions.json shapes and entries into problems', async () => {
    const cases: [string, RegExp][] = [
      ['', /is empty/],
      ['[1,2]', /not a JSON object/],
      ['{"k": 5, "j": {"label": "no id"}, "bad": {"sessionId": "../../etc/passwd"}, "ok": {"sessionId": "fine"}}', /entry "k" is not an object/],
    ];
    for (const [content, pattern] of cases) {
      const stateDir = fresh();
      const dir = makeSessionsDir(stateDir, 'main');
      writeFileSync(path.join(dir, 'sessions.json'), content);
      const snap = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none') });
      const agent = snap.agents[0]!;
      assert.match(agent.problems.map((p) => p.message).join('\n'), pattern);
      if (content.startsWith('{"k"')) {
        const messages = agent.problems.map((p) => p.message).join('\n');
        assert.match(messages, /entry "j" has no sessionId/);
        assert.match(messages, /entry "bad" has an invalid sessionId/);
        assert.deepEqual(agent.sessions.map((s) => s.sessionId), ['fine']);
        assert.equal(agent.sessions[0]!.transcriptExists, false);
      }
    }
  });

  it('refuses a sessions.json larger than any real store without reading it', async () => {
    const stateDir = fresh();
    const dir = makeSessionsDir(stateDir, 'main');
    // Sparse: 300 MB on paper, nothing on disk, so the test stays cheap.
    writeFileSync(path.join(dir, 'sessions.json'), '');
    truncateSync(path.join(dir, 'sessions.json'), 300 * 1024 * 1024);
    writeTranscript(dir, 'kept.jsonl');
    const snap = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none') });
    const agent = snap.agents[0]!;
    assert.match(agent.problems[0]!.message, /sessions\.json is 314572800 bytes, larger than any real store; sessions listed from transcripts only/);
    assert.deepEqual(agent.sessions.map((s) => s.sessionId), ['kept']);
  });

  it('reports a sessions path that is a file, and a lock path that is a folder, per item', async () => {
    const stateDir = fresh();
    mkdirSync(path.join(stateDir, 'agents', 'broken'), { recursive: true });
    writeFileSync(path.join(stateDir, 'agents', 'broken', 'sessions'), 'not a dir');
    const dir = makeSessionsDir(stateDir, 'main');
    writeTranscript(dir, 'a.jsonl');
    mkdirSync(path.join(dir, 'a.jsonl.lock'));
    const snap = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none') });
    const broken = snap.agents.find((a) => a.id === 'broken')!;
    assert.match(broken.problems[0]!.message, /not a folder/);
    const main = snap.agents.find((a) => a.id === 'main')!;
    assert.equal(main.sessions[0]!.lock?.level, 'unreadable');
  });
});

describe('readGatewayInfo', () => {
  const { root, cleanup } = makeTempRoot('oc-gateway-');
  after(cleanup);

  it('is not alive without a lock dir or lock', async () => {
    assert.deepEqual(await readGatewayInfo('/state', path.join(root, 'missing')), { alive: false });
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    assert.deepEqual(await readGatewayInfo('/state', empty), { alive: false });
  });

  it('reads OpenClaw\'s real payload (no port) and judges a dead pid', async () => {
    const dir = path.join(root, 'dead');
    mkdirSync(dir);
    const pid = deadPid();
    const createdAt = isoAgo(1000);
    writeFileSync(path.join(dir, 'gateway.deadbeef.lock'), JSON.stringify({ pid, createdAt, configPath: '/state/openclaw.json', startTime: 1 }));
    assert.deepEqual(await readGatewayInfo('/state', dir), { lockPath: path.join(dir, 'gateway.deadbeef.lock'), pid, alive: false, createdAt });
  });

  it('treats a live pid with another start time as not this gateway', async () => {
    const dir = path.join(root, 'recycled');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'gateway.aa.lock'), JSON.stringify({ pid: process.pid, createdAt: isoAgo(1000), configPath: '/state/openclaw.json', startTime: 1 }));
    assert.equal((await readGatewayInfo('/state', dir)).alive, false);
    writeFileSync(path.join(dir, 'gateway.aa.lock'), JSON.stringify({ pid: process.pid, createdAt: isoAgo(1000), configPath: '/state/openclaw.json' }));
    assert.equal((await readGatewayInfo('/state', dir)).alive, true);
  });

  it('takes a live gateway\'s port from its --port, else its config, else 18789', async () => {
    const dir = path.join(root, 'ports');
    mkdirSync(dir);
    const lock = path.join(dir, 'gateway.pp.lock');
    const gateway = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', 'openclaw-gateway', '--port', '19001'], { stdio: 'ignore' });
    try {
      // Until exec completes, /proc shows the parent's command line.
      for (let i = 0; i < 400 && !(readCommandLine(gateway.pid!) ?? '').includes('--port'); i++) await new Promise((r) => setTimeout(r, 25));
      writeFileSync(lock, JSON.stringify({ pid: gateway.pid, createdAt: isoAgo(1), configPath: path.join(dir, 'openclaw.json') }));
      assert.equal((await readGatewayInfo('/state', dir)).port, 19001);
    } finally {
      gateway.kill('SIGKILL');
    }
    // This test process has no --port: its config decides, else the default.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, createdAt: isoAgo(1), configPath: path.join(dir, 'openclaw.json') }));
    assert.equal((await readGatewayInfo('/state', dir)).port, 18789);
    writeFileSync(path.join(dir, 'openclaw.json'), JSON.stringify({ gateway: { port: 18800, bind: 'loopback' } }));
    assert.equal((await readGatewayInfo('/state', dir)).port, 18800);
    writeFileSync(path.join(dir, 'openclaw.json'), '{ gateway: { port: 18800 }, } // JSON5');
    assert.equal((await readGatewayInfo('/state', dir)).port, 18789);
  });

  it('prefers the lock of this state dir\'s config, and survives torn locks', async () => {
    const dir = path.join(root, 'several');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'gateway.00.lock'), '{"pid": 12');
    writeFileSync(path.join(dir, 'gateway.11.lock'), JSON.stringify({ pid: process.pid, createdAt: isoAgo(1), configPath: '/other/openclaw.json', port: 1111 }));
    writeFileSync(path.join(dir, 'gateway.22.lock'), JSON.stringify({ pid: process.pid, createdAt: isoAgo(1), configPath: '/state/openclaw.json', port: 2222 }));
    const info = await readGatewayInfo('/state', dir);
    assert.equal(info.port, 2222);
    assert.equal(info.alive, true);
  });
});
