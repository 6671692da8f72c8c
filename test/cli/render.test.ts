import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { scanStateDir, type SessionsSnapshot } from '../../src/sessions';
import { makePalette } from '../../src/cli/format';
import { renderStatus } from '../../src/cli/status';
import { deadPid } from '../fixtures/live-holder';
import { isoAgo, makeSessionsDir, makeTempRoot, writeLock, writeTranscript } from '../fixtures/state-dir';

describe('status rendering (what a terminal shows)', () => {
  const { root, cleanup } = makeTempRoot('oc-render-');
  let snapshot: SessionsSnapshot;
  before(async () => {
    const stateDir = path.join(root, 'state');
    const dir = makeSessionsDir(stateDir, 'main');
    writeTranscript(dir, 'a.jsonl');
    writeLock(path.join(dir, 'a.jsonl.lock'), { pid: deadPid(), createdAt: isoAgo(5_000) });
    snapshot = await scanStateDir({ stateDir, gatewayLockDir: path.join(root, 'none') });
  });
  after(cleanup);
  const thresholds = { warnMs: 60_000, errorMs: 300_000 };

  it('colours severities on a terminal and nothing otherwise', () => {
    const coloured = renderStatus(snapshot, { now: snapshot.scannedAt, all: false, thresholds, palette: makePalette(true) }).join('\n');
    assert.match(coloured, /\x1b\[31mstale\x1b\[39m/);
    const plain = renderStatus(snapshot, { now: snapshot.scannedAt, all: false, thresholds, palette: makePalette(false) }).join('\n');
    assert.doesNotMatch(plain, /\x1b\[/);
    assert.match(plain, /^main\s+a\s+stale\s+\d+\s+5s\s+stale: dead-pid; safe to clear$/m);
  });

  it('lets ages tick from the scan time without rescanning', () => {
    const later = renderStatus(snapshot, { now: snapshot.scannedAt + 125_000, all: false, thresholds, palette: makePalette(false) }).join('\n');
    assert.match(later, /^main\s+a\s+stale\s+\d+\s+2m 10s\s+/m);
  });
});
