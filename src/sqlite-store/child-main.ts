// The child reader (`dist/sqlite-reader.js`): runs a store read on a Node that has
// `node:sqlite` for a parent that has none (the CLI on Node 20, VS Code 1.100's extension
// host). Request on stdin, result on stdout, both JSON; exit 3 when this Node has no sqlite.
import { loadSqlite } from './driver';
import { runStoreRead, type ReaderRequest } from './request';
import { readTranscriptEvents } from './transcript';
import { DatabaseReadError } from './read-database';

export const NO_SQLITE_EXIT = 3;

function main(): void {
  const { open, reason } = loadSqlite();
  if (!open) {
    process.stderr.write(`${reason}\n`);
    process.exit(NO_SQLITE_EXIT);
  }
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => { input += chunk; });
  process.stdin.on('end', () => {
    const request = JSON.parse(input) as ReaderRequest;
    if (request.kind === 'transcript') {
      try {
        const result = readTranscriptEvents(open, request.path, request.sessionId, request.maxEvents);
        process.stdout.write(JSON.stringify({ nodeVersion: process.versions.node, ...result }));
      } catch (error) {
        const kind = error instanceof DatabaseReadError ? error.kind : 'other';
        process.stdout.write(JSON.stringify({ nodeVersion: process.versions.node, failure: { kind, message: (error as Error).message } }));
      }
      return;
    }
    const result = runStoreRead(open, request);
    process.stdout.write(JSON.stringify({ nodeVersion: process.versions.node, ...result }));
  });
}

main();
