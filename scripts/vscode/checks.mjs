// The tally of a suite script that checks things itself (not through mocha): one `ok`/`FAIL`
// line per check, then the `suite-result:` line scripts/test.mjs counts, and the exit code.
export function createChecks() {
  const tally = { passed: 0, failed: 0 };
  return {
    tally,
    check(ok, message) {
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
      if (ok) tally.passed += 1;
      else tally.failed += 1;
      return ok;
    },
    /** Adds counts from a run that tallied itself (mocha in the extension host). */
    add(passed, failed) {
      tally.passed += passed;
      tally.failed += failed;
    },
    finish() {
      console.log(`suite-result: ${tally.passed} passed, ${tally.failed} failed`);
      process.exit(tally.failed === 0 && tally.passed > 0 ? 0 : 1);
    },
  };
}
