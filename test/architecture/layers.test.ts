// The architecture, enforced: data flows one way (lock core and OpenClaw's facts → its log
// reader, session model and transcripts → CLI and extension; wording beside them all), only src/extension
// imports `vscode`, no production file reads a test hook, grading has one place, and no empty lock path stands in for a lock a session has not got.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** The layer of a file: its first folder under src/. */
const layerOf = (file: string) => relative(src, file).split(sep)[0]!;

/** What each layer may import from the others. */
const ALLOWED: Record<string, readonly string[]> = {
  wording: ['lock'], // types of lock verdicts only
  'sqlite-store': [],
  lock: [],
  openclaw: ['lock', 'wording'],
  transcripts: ['lock', 'wording'],
  logs: ['lock', 'openclaw', 'wording'],
  sessions: ['lock', 'logs', 'openclaw', 'sqlite-store', 'wording'],
  cli: ['lock', 'logs', 'openclaw', 'sessions', 'sqlite-store', 'transcripts', 'wording'],
  extension: ['lock', 'logs', 'openclaw', 'sessions', 'sqlite-store', 'transcripts', 'wording'],
};

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n|;)\s*(?:import|export)\b[^'";]*?from\s+'([^']+)'|require\('([^']+)'\)|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const files = sourceFiles(src);

test('every layer is known', () => {
  assert.ok(files.length > 50, `found ${files.length} source files`);
  const layers = new Set(files.map(layerOf));
  for (const layer of layers) assert.ok(layer in ALLOWED, `src/${layer} has no place in the layer table`);
});

test('only src/extension imports vscode', () => {
  const offenders = files.filter((f) => layerOf(f) !== 'extension' && importsOf(f).includes('vscode'));
  assert.deepEqual(offenders.map((f) => relative(root, f)), []);
});

test('data flows one way: no layer imports one it feeds', () => {
  const offenders: string[] = [];
  for (const file of files) {
    const layer = layerOf(file);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = join(file, '..', spec);
      if (!target.startsWith(src + sep)) continue; // package.json and the like
      const targetLayer = layerOf(target);
      if (targetLayer !== layer && !ALLOWED[layer]!.includes(targetLayer)) offenders.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('no production file reads a test hook', () => {
  const offenders = files.filter((f) => /testHooks|Symbol\.for\('openclawSessions\./.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => relative(root, f)), []);
});

test('grading has one place: outside src/sessions only the graded entries age a lock or grade a finding', () => {
  // sessions/grade.ts (gradeSnapshot, gradeLocks) for the CLI, extension/graded-entries.ts once per
  // tick for the extension; lock-presentation.ts defines lockMoment over the model's own rule.
  const allowed = new Set([join(src, 'extension', 'graded-entries.ts'), join(src, 'extension', 'lock-presentation.ts')]);
  const grading = /(?<!function )\b(?:lockMoment|ageLockView|regradeLockView|gradeFindings|lockLevel)\(/;
  const offenders = files.filter((f) => layerOf(f) !== 'sessions' && !allowed.has(f) && grading.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => relative(root, f)), []);
});

test('a session without a lock file has no lock: no empty lock path stands in for one', () => {
  // SessionInfo is JsonlSession | SqliteSession; only the JSONL kind has `lock` and `lockPath`.
  const standIn = /lockPath:\s*''|freeLockView\(''\)|lockPath\s*[!=]==?\s*''/;
  const offenders = files.filter((f) => standIn.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => relative(root, f)), []);
});

test('file names are kebab-case in src/, test/ and bench/ (one convention, so a name is found by guessing it)', () => {
  const kebab = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+)*$/;
  const offenders = ['src', 'test', 'bench'].flatMap((dir) => sourceFiles(join(root, dir))).filter((f) => !kebab.test(f.split(sep).pop()!));
  assert.deepEqual(offenders.map((f) => relative(root, f)), []);
});
