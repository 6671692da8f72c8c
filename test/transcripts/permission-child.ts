// Child process for the permission tests: runs one transcript operation (as whatever user
// the parent chose) and prints {code, message} or {ok: true} as JSON.
import { trimTranscript } from '../../src/transcripts/trim';
import { readTranscriptSnapshot, safeSaveTranscript } from '../../src/transcripts/save';
import { TranscriptError } from '../../src/transcripts/errors';

async function main(): Promise<void> {
  const [operation, transcriptPath] = process.argv.slice(2);
  try {
    if (operation === 'save') {
      const { content, snapshot } = await readTranscriptSnapshot(transcriptPath!);
      await safeSaveTranscript({ transcriptPath: transcriptPath!, content: Buffer.concat([content, Buffer.from('{"type":"custom"}\n')]), expected: snapshot, timeoutMs: 5_000 });
    } else if (operation === 'read') {
      await readTranscriptSnapshot(transcriptPath!);
    } else {
      await trimTranscript({ transcriptPath: transcriptPath!, maxLines: 3, timeoutMs: 5_000 });
    }
    process.stdout.write(JSON.stringify({ ok: true }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ code: error instanceof TranscriptError ? error.code : 'untyped', message: (error as Error).message }));
  }
}

void main();
