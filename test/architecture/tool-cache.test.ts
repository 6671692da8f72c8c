// A fresh machine is the only truth: CI provisions into a private, empty tool cache
// (OPENCLAW_LOCKS_CACHE_DIR), so anything that finds the cache on its own and ignores that
// variable finds a warm ~/.cache here and nothing on a fresh machine.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'out') return [];
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.(ts|mjs|js)$/.test(name) ? [full] : [];
  });
}

test('whatever finds the tool cache under ~/.cache honours OPENCLAW_LOCKS_CACHE_DIR first', () => {
  const offenders = ['src', 'test', 'bench', 'scripts']
    .flatMap((dir) => files(join(root, dir)))
    .filter((file) => {
      const text = readFileSync(file, 'utf8');
      return /['"]\.cache['"]/.test(text) && !text.includes('OPENCLAW_LOCKS_CACHE_DIR');
    });
  assert.deepEqual(offenders.map((f) => relative(root, f)), []);
});
