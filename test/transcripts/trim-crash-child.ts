// Child process for the crash tests: compacts argv[2] with maxLines argv[3], printing each
// step as it passes it. With argv[4] = a step name it stops there (and waits to be killed).
// argv[5] = 'copy' archives by copying. Prints "result <json>" when done.
import { trimTranscript, type CompactStep } from '../../src/transcripts/trim';

async function main(): Promise<void> {
  const [transcriptPath, maxLines, pauseAt, archiveBy] = process.argv.slice(2);
  const result = await trimTranscript({
    transcriptPath,
    maxLines: Number(maxLines),
    timeoutMs: 60_000,
    archiveBy: archiveBy === 'copy' ? 'copy' : 'link',
    onStep: async (step: CompactStep) => {
      process.stdout.write(`step ${step}\n`);
      if (step === pauseAt) {
        process.stdout.write('paused\n');
        await new Promise(() => setInterval(() => undefined, 1 << 30));
      }
    },
  });
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stdout.write(`error ${(error as Error).message}\n`);
  process.exit(1);
});
