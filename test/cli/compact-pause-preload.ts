// Preloaded into the real CLI process (`node --require`) to pause a compaction right after
// its temp file is written (PAUSE_AT_STEP=temp-written: at the archive's hard link), so a
// test can signal the process while it holds the session lock. It wraps the fs call from
// outside: the product has no test hook to read.
import * as fs from 'node:fs';

const pauseAt = process.env.PAUSE_AT_STEP;
const pauseMs = Number(process.env.PAUSE_MS ?? 3000);
const link = fs.promises.link.bind(fs.promises);
fs.promises.link = async (existing: fs.PathLike, target: fs.PathLike): Promise<void> => {
  if (pauseAt === 'temp-written' && String(target).includes('.bak.')) {
    process.stderr.write(`paused at ${pauseAt}\n`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return link(existing, target);
};
