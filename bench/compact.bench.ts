// Trim-compaction throughput and peak memory on a 1 GB transcript, against a naive
// read-all baseline (what a simple implementation does: read the file into one string,
// split, slice, write). Each case runs in its own child process so that its peak RSS is its
// own. `npm run bench -- --only compact`; COMPACT_BENCH_MB=<n> changes the big file's size.
import { execFileSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trimTranscript } from '../src/transcripts/trim';

const MAX_LINES = 400;
const BIG_MB = Number(process.env.COMPACT_BENCH_MB ?? 1024);
const SMALL_MB = Math.min(256, BIG_MB);

interface Measurement {
  ok: boolean;
  seconds: number;
  rssBeforeMiB: number;
  peakRssMiB: number;
  linesBefore?: number;
  bytesAfter?: number;
  error?: string;
}

async function child(mode: string, path: string): Promise<void> {
  const rssBeforeMiB = process.resourceUsage().maxRSS / 1024;
  const began = process.hrtime.bigint();
  let linesBefore: number | undefined;
  let bytesAfter: number | undefined;
  try {
    if (mode === 'naive') {
      // OpenClaw's own maxLines code path reads the whole file like this.
      const text = readFileSync(path, 'utf8');
      const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
      linesBefore = lines.length;
      const kept = lines.length <= MAX_LINES ? lines : [lines[0]!, ...lines.slice(-(MAX_LINES - 1))];
      const out = `${kept.join('\n')}\n`;
      copyFileSync(path, `${path}.bak.naive`);
      writeFileSync(`${path}.naive.tmp`, out, { mode: 0o600 });
      renameSync(`${path}.naive.tmp`, path);
      bytesAfter = Buffer.byteLength(out);
    } else {
      const result = await trimTranscript({
        transcriptPath: path,
        maxLines: MAX_LINES,
        archiveBy: mode === 'copy' ? 'copy' : 'link',
        countLines: mode !== 'tail-only',
      });
      linesBefore = result.linesBefore;
      bytesAfter = result.bytesAfter;
    }
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    process.stdout.write(JSON.stringify({ ok: true, seconds, rssBeforeMiB, peakRssMiB: process.resourceUsage().maxRSS / 1024, linesBefore, bytesAfter } satisfies Measurement));
  } catch (error) {
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    process.stdout.write(JSON.stringify({ ok: false, seconds, rssBeforeMiB, peakRssMiB: process.resourceUsage().maxRSS / 1024, error: (error as Error).message.split('\n')[0] } satisfies Measurement));
  }
}

function generate(path: string, megabytes: number): number {
  const fd = openSync(path, 'w');
  const header = `${JSON.stringify({ type: 'session', version: 3, id: '0b9b6f52-7a43-4d43-9a0e-6f1f3c2a7d10', timestamp: '2026-11-22T10:00:00.000Z', cwd: '/home/user' })}\n`;
  writeSync(fd, header);
  let written = header.length;
  let index = 1;
  const target = megabytes * 2 ** 20;
  while (written < target) {
    const batch: string[] = [];
    for (let i = 0; i < 4000; i++, index++) {
      batch.push(JSON.stringify({
        type: 'message', id: index.toString(16).padStart(8, '0'), parentId: (index - 1).toString(16).padStart(8, '0'),
        timestamp: new Date(Date.UTC(2026, 10, 22, 10, 0, 0, index)).toISOString(),
        message: { role: index % 2 ? 'user' : 'assistant', content: `message ${index} ${'lorem ipsum '.repeat(10 + (index % 120))}` },
      }));
    }
    const text = `${batch.join('\n')}\n`;
    writeSync(fd, text);
    written += Buffer.byteLength(text);
  }
  closeSync(fd);
  return index;
}

function measure(mode: string, path: string): Measurement {
  const output = execFileSync(process.execPath, ['--max-old-space-size=4096', __filename, '--child', mode, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output) as Measurement;
}

/** Puts the original back: the archive (a link or a copy of it) becomes the transcript again. */
function restore(dir: string, path: string, master?: string): void {
  const base = path.slice(dir.length + 1);
  const archives = readdirSync(dir).filter((n) => n.startsWith(`${base}.bak.`));
  if (master) {
    for (const name of archives) unlinkSync(join(dir, name));
    copyFileSync(master, path);
    return;
  }
  if (archives.length !== 1) throw new Error(`expected one archive, found ${archives.join(', ')}`);
  renameSync(join(dir, archives[0]!), path);
}

function row(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

async function main(): Promise<void> {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, 'oc-compact-bench-'));
  try {
    const big = join(dir, 'big.jsonl');
    const small = join(dir, 'small.jsonl');
    const smallMaster = join(dir, 'small.master');
    process.stdout.write(`compact.bench: generating ${BIG_MB} MiB and ${SMALL_MB} MiB transcripts in ${base}...\n`);
    generate(big, BIG_MB);
    generate(smallMaster, SMALL_MB);
    copyFileSync(smallMaster, small);
    const bigBytes = statSync(big).size;
    const smallBytes = statSync(small).size;

    const cases: Array<{ label: string; mode: string; path: string; bytes: number; master?: string }> = [
      { label: `trim, archive by link (${BIG_MB} MiB)`, mode: 'link', path: big, bytes: bigBytes },
      { label: `trim, archive by copy (${BIG_MB} MiB)`, mode: 'copy', path: big, bytes: bigBytes },
      { label: `trim, no line count (${BIG_MB} MiB)`, mode: 'tail-only', path: big, bytes: bigBytes },
      { label: `naive read-all (${BIG_MB} MiB)`, mode: 'naive', path: big, bytes: bigBytes },
      { label: `trim, archive by link (${SMALL_MB} MiB)`, mode: 'link', path: small, bytes: smallBytes, master: smallMaster },
      { label: `naive read-all (${SMALL_MB} MiB)`, mode: 'naive', path: small, bytes: smallBytes, master: smallMaster },
    ];
    const results: Array<{ label: string; m: Measurement; bytes: number; mode: string; path: string }> = [];
    for (const c of cases) {
      const runs: Measurement[] = [];
      // Best of 3 for the fast cases; the naive baseline once (it is slow and memory-hungry).
      for (let i = 0; i < (c.mode === 'naive' ? 1 : 3); i++) {
        const m = measure(c.mode, c.path);
        runs.push(m);
        // A failed naive run fails while reading, before writing anything: nothing to restore.
        if (!m.ok) break;
        restore(dir, c.path, c.master);
      }
      const best = runs.filter((r) => r.ok).sort((a, b) => a.seconds - b.seconds)[0] ?? runs[0]!;
      results.push({ label: c.label, m: best, bytes: c.bytes, mode: c.mode, path: c.path });
    }

    const widths = [34, 9, 9, 10, 14];
    const lines = [
      '',
      `Trim compaction to ${MAX_LINES} lines (header + last ${MAX_LINES - 1}); best of 3 (naive: 1 run); peak RSS of the child process.`,
      row(['case', 'input', 'time', 'MB/s', 'peak RSS'], widths),
      row(['-'.repeat(34), '-'.repeat(9), '-'.repeat(9), '-'.repeat(10), '-'.repeat(14)], widths),
    ];
    for (const r of results) {
      const mb = r.bytes / 1e6;
      lines.push(row([
        r.label,
        `${(r.bytes / 2 ** 20).toFixed(0)} MiB`,
        r.m.ok ? `${r.m.seconds.toFixed(2)} s` : 'failed',
        r.m.ok ? (mb / r.m.seconds).toFixed(0) : '-',
        `${r.m.peakRssMiB.toFixed(0)} MiB`,
      ], widths));
      if (!r.m.ok) lines.push(`    naive failed: ${r.m.error}`);
    }
    const pick = (mode: string, path: string) => results.find((r) => r.mode === mode && r.path === path)?.m;
    const ours = pick('link', small);
    const naive = pick('naive', small);
    if (ours?.ok && naive?.ok) {
      lines.push('');
      lines.push(`On ${SMALL_MB} MiB: trim is ${(naive.seconds / ours.seconds).toFixed(1)}x faster than read-all and peaks at ${(ours.peakRssMiB).toFixed(0)} MiB RSS vs ${naive.peakRssMiB.toFixed(0)} MiB (${(naive.peakRssMiB / ours.peakRssMiB).toFixed(1)}x).`);
    }
    const bigOurs = pick('link', big);
    if (bigOurs?.ok) lines.push(`On ${BIG_MB} MiB: ${(bigBytes / 1e6 / bigOurs.seconds).toFixed(0)} MB/s of input, peak RSS ${bigOurs.peakRssMiB.toFixed(0)} MiB (a fresh node process idles at about ${bigOurs.rssBeforeMiB.toFixed(0)} MiB).`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  void child(process.argv[3]!, process.argv[4]!);
} else {
  main().catch((error) => {
    process.stderr.write(`compact.bench failed: ${(error as Error).stack}\n`);
    process.exitCode = 1;
  });
}
