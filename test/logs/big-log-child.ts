// Child process for the 200 MB test: reads argv[2] with the log reader (the whole file when
// argv[3] is "all", else the default first window) and prints the counts, the time and its
// peak RSS before and after (process.resourceUsage().maxRSS, in KiB). Without arguments
// (node --test runs every file under test/) it does nothing.
import { readFailureLog } from '../../src/logs/watch';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) return;
  const before = process.resourceUsage().maxRSS;
  const began = process.hrtime.bigint();
  const { tally, lastPoll } = await readFailureLog({ logFile: file, since: 0, ...(process.argv[3] === 'all' ? { firstWindowBytes: Number.MAX_SAFE_INTEGER } : {}) });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ beforeKiB: before, afterKiB: after, ms, total: tally.total, sessions: tally.sessions.size, locks: tally.locks.size, bytesRead: lastPoll?.bytesRead, lines: lastPoll?.lines }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
