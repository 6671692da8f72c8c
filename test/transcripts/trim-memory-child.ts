// Child process for the bounded-memory test: compacts argv[2] keeping argv[3] lines and
// prints its peak RSS before and after (process.resourceUsage().maxRSS, in KiB).
import { trimTranscript } from '../../src/transcripts/trim';

async function main(): Promise<void> {
  const before = process.resourceUsage().maxRSS;
  const result = await trimTranscript({ transcriptPath: process.argv[2], maxLines: Number(process.argv[3]), timeoutMs: 60_000 });
  const after = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ beforeKiB: before, afterKiB: after, result }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
