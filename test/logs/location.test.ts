// Where OpenClaw's file log is, decided as OpenClaw decides it, every input injected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeProfileSegment, logFileFor, loggingFileFromConfig, resolveLogDir, resolveLogLocation, rotatedLogFile, type DirStat } from '../../src/logs/location';

const dir = (over: Partial<DirStat> = {}): DirStat => ({ isDirectory: true, isSymbolicLink: false, uid: 1000, mode: 0o40700, ...over });
const base = { platform: 'linux' as const, uid: 1000, tmpdir: () => '/var/tmp/x', env: {}, homedir: '/home/u', readFile: () => undefined };
const noon = new Date(2026, 11, 1, 12, 0, 0); // local time: the file is named by the local date

test('/tmp/openclaw when it is a real directory of this user; else <tmpdir>/openclaw-<uid>', () => {
  assert.equal(resolveLogDir({ ...base, lstat: (p) => (p === '/tmp/openclaw' ? dir() : undefined) }), '/tmp/openclaw');
  assert.equal(resolveLogDir({ ...base, lstat: (p) => (p === '/tmp/openclaw' ? dir({ uid: 0 }) : undefined) }), '/var/tmp/x/openclaw-1000', 'someone else\'s');
  assert.equal(resolveLogDir({ ...base, lstat: (p) => (p === '/tmp/openclaw' ? dir({ isSymbolicLink: true, isDirectory: false }) : undefined) }), '/var/tmp/x/openclaw-1000', 'a symlink');
  assert.equal(resolveLogDir({ ...base, lstat: (p) => (p === '/tmp/openclaw' ? dir({ isDirectory: false }) : undefined) }), '/var/tmp/x/openclaw-1000', 'a file');
  // OpenClaw chmods its own directory to 700 and then uses it (tmp-openclaw-dir.js tryRepairWritableBits).
  assert.equal(resolveLogDir({ ...base, lstat: (p) => (p === '/tmp/openclaw' ? dir({ mode: 0o40777 }) : undefined) }), '/tmp/openclaw');
  assert.equal(resolveLogDir({ ...base, lstat: () => undefined }), '/tmp/openclaw', 'missing: OpenClaw creates it');
  assert.equal(resolveLogDir({ ...base, lstat: (p) => (p === '/var/tmp/x/openclaw-1000' ? dir() : undefined) }), '/var/tmp/x/openclaw-1000', 'missing, but the fallback exists: OpenClaw could not create it');
  assert.equal(resolveLogDir({ ...base, platform: 'win32', tmpdir: () => 'C:\\Temp', uid: null, lstat: () => dir() }), 'C:\\Temp\\openclaw');
});

test('the default name carries the local date, and a 9.6 profile other than default', () => {
  const at = (env: NodeJS.ProcessEnv) => resolveLogLocation({ ...base, env, lstat: () => dir() }, noon);
  assert.equal(at({}).configured, '/tmp/openclaw/openclaw-2026-12-01.log');
  assert.equal(at({}).source, 'default');
  assert.equal(at({ OPENCLAW_PROFILE: 'default' }).configured, '/tmp/openclaw/openclaw-2026-12-01.log');
  assert.equal(at({ OPENCLAW_PROFILE: 'Work_2' }).configured, '/tmp/openclaw/openclaw--1work-02-2026-12-01.log');
  assert.equal(encodeProfileSegment('a-b.c'), 'a--b-22e-c');
  assert.match(encodeProfileSegment('x'.repeat(300)), /^-3[0-9a-f]{64}$/);
});

test('with a profile, 7.35 (which ignores it) writes the plain name: used when only that one exists', () => {
  const location = resolveLogLocation({ ...base, env: { OPENCLAW_PROFILE: 'work' }, lstat: () => dir() }, noon);
  assert.equal(logFileFor(location, noon, () => false), '/tmp/openclaw/openclaw-work-2026-12-01.log');
  assert.equal(logFileFor(location, noon, (p) => p === '/tmp/openclaw/openclaw-2026-12-01.log'), '/tmp/openclaw/openclaw-2026-12-01.log');
});

test('logging.file in openclaw.json overrides it, read as JSON5, with ~ expanded; $OPENCLAW_CONFIG_PATH first', () => {
  const files: Record<string, string> = {
    '/state/openclaw.json': `// my config\n{\n  gateway: { port: 18789, },\n  logging: { level: 'info', file: '~/logs/oc.log', },\n}\n`,
    '/etc/oc.json5': '{ "logging": { "file": "/var/log/openclaw/openclaw-2026-01-01.log" } }',
  };
  const readFile = (p: string) => files[p];
  const fromState = resolveLogLocation({ ...base, stateDir: '/state', readFile, lstat: () => dir() }, noon);
  assert.deepEqual([fromState.source, fromState.configured, fromState.rolling, fromState.configPath], ['config', '/home/u/logs/oc.log', false, '/state/openclaw.json']);
  assert.equal(logFileFor(fromState, new Date(2026, 11, 2)), '/home/u/logs/oc.log', 'a name of its own does not roll');
  const fromEnv = resolveLogLocation({ ...base, env: { OPENCLAW_CONFIG_PATH: '/etc/oc.json5' }, stateDir: '/state', readFile, lstat: () => dir() }, noon);
  assert.equal(fromEnv.configured, '/var/log/openclaw/openclaw-2026-01-01.log');
  assert.equal(logFileFor(fromEnv, noon), '/var/log/openclaw/openclaw-2026-12-01.log', 'the default shape rolls daily');
  const setting = resolveLogLocation({ ...base, logFile: '~/x.log', stateDir: '/state', readFile, lstat: () => dir() }, noon);
  assert.deepEqual([setting.source, setting.configured], ['setting', '/home/u/x.log']);
});

test('the tolerant config read: comments, trailing commas, quotes; broken JSON5 still found by the look-up; none', () => {
  assert.equal(loggingFileFromConfig('{"logging":{"file":"/a.log"}}'), '/a.log');
  assert.equal(loggingFileFromConfig('{ /* c */ logging: { file: "/b.log", }, }'), '/b.log');
  assert.equal(loggingFileFromConfig("{ logging: { file: 'it\\'s.log' } }"), "it's.log");
  assert.equal(loggingFileFromConfig('{ url: "http://x//y", logging: { file: "/c.log" } }'), '/c.log', '// inside a string is no comment');
  assert.equal(loggingFileFromConfig('{ logging: { file: "/d.log" }, models: { bad: +Infinity x } }'), '/d.log');
  assert.equal(loggingFileFromConfig('{ logging: { level: "debug" } }'), undefined);
  assert.equal(loggingFileFromConfig('not a config'), undefined);
});

test('rotated names: file.1.log … file.5.log', () => {
  assert.equal(rotatedLogFile('/tmp/openclaw/openclaw-2026-09-24.log', 1), '/tmp/openclaw/openclaw-2026-09-24.1.log');
  assert.equal(rotatedLogFile('/x/oc', 3), '/x/oc.3');
});
