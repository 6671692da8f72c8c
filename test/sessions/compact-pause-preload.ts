// Preloaded into the real CLI process (`node --require`) to pause a compaction after the step
// named in PAUSE_AT_STEP, so a test can signal the process while it holds the session lock.
const pauseAt = process.env.PAUSE_AT_STEP;
const pauseMs = Number(process.env.PAUSE_MS ?? 3000);
(globalThis as Record<symbol, unknown>)[Symbol.for('openclawSessions.compact.testHooks')] = {
  async onStep(step: string): Promise<void> {
    if (step !== pauseAt) return;
    process.stderr.write(`paused at ${step}\n`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  },
};
