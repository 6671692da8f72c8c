// Builds the .vsix exactly as a release does (`npm run package`) and checks what is in it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './env.mjs';

export const VSIX_NAME = 'openclaw-session-locks.vsix';

/** What `npm run package` reads: sources, build scripts, manifest, docs, media. */
const PACKAGE_INPUTS = ['package.json', 'package.nls.json', 'package-lock.json', 'tsconfig.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', 'media', 'scripts', 'src'];

/** What the package may contain: the bundle, media, the manifest and the three documents. */
const ALLOWED_ENTRIES = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/changelog\.md$/i,
  /^extension\/LICENSE(\.txt|\.md)?$/i,
  /^extension\/dist\/extension\.js$/,
  // The SQLite-era child reader: VS Code 1.100's extension host (Node 20) has no node:sqlite.
  /^extension\/dist\/sqlite-reader\.js$/,
  /^extension\/media\/.+/,
];
const REQUIRED_ENTRIES = ['extension/package.json', 'extension/package.nls.json', 'extension/dist/extension.js', 'extension/dist/sqlite-reader.js', 'extension/media/openclaw.svg', 'extension/media/icon.png'];
/** "Small": the bundle is a few hundred KB; a stray node_modules or out/ would blow far past this. */
export const MAX_VSIX_BYTES = 2 * 1024 * 1024;

/**
 * Runs `npm run package` on a copy of the working tree in `stagingDir` (node_modules
 * linked), so the shared checkout's dist/ is never deleted under someone else's running
 * tests. Returns the .vsix path and vsce's warnings (npm's own config notices are not vsce's).
 */
export function packageVsix(stagingDir) {
  for (const name of PACKAGE_INPUTS) {
    if (existsSync(join(projectRoot, name))) cpSync(join(projectRoot, name), join(stagingDir, name), { recursive: true });
  }
  symlinkSync(join(projectRoot, 'node_modules'), join(stagingDir, 'node_modules'));
  const result = spawnSync('npm', ['run', 'package'], { cwd: stagingDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`npm run package failed (exit ${result.status}):\n${output.split('\n').slice(-30).join('\n')}`);
  const warnings = output.split('\n').filter((line) => /warn/i.test(line) && !/^npm warn/i.test(line.trim()));
  const vsixPath = join(stagingDir, 'dist', VSIX_NAME);
  if (!existsSync(vsixPath)) throw new Error(`npm run package succeeded but wrote no ${vsixPath}`);
  return { vsixPath, output, warnings };
}

/** Entry names from a zip's central directory (a .vsix is a zip). */
export function listZipEntries(file) {
  const zip = readFileSync(file);
  const eocdSignature = 0x06054b50;
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i -= 1) {
    if (zip.readUInt32LE(i) === eocdSignature) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip (no end-of-central-directory record)`);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: corrupt central directory at entry ${i}`);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({ name: zip.toString('utf8', offset + 46, offset + 46 + nameLength), size });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Problems with the package's contents and size (empty when it is as intended). */
export function checkVsixContents(file) {
  const entries = listZipEntries(file);
  const names = entries.map((e) => e.name);
  const problems = [];
  for (const name of names) if (!ALLOWED_ENTRIES.some((pattern) => pattern.test(name))) problems.push(`unexpected file in the .vsix: ${name}`);
  for (const name of REQUIRED_ENTRIES) if (!names.includes(name)) problems.push(`missing from the .vsix: ${name}`);
  const bytes = statSync(file).size;
  if (bytes > MAX_VSIX_BYTES) problems.push(`the .vsix is ${bytes} bytes, over ${MAX_VSIX_BYTES}`);
  return { entries, bytes, problems };
}
