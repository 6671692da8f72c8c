// UI cases: the workbench with the extension loaded, and a command run from the palette.
// Add cases in new files test/ui/<topic>.ui.ts exporting `cases: UiCase[]`.
import type { UiCase } from './types';
import { runCommand, waitForOutput, waitForWorkbench } from './workbench';

export const cases: UiCase[] = [
  {
    name: 'the workbench loads with the extension under development',
    async run(page, ctx) {
      await waitForWorkbench(page);
      // The explorer shows the workspace folder the runner opened: the page is a real workbench, not an error page.
      const title = await page.title();
      if (!/Code|code-server/.test(title)) throw new Error(`unexpected page title "${title}"`);
      await ctx.screenshot('workbench');
    },
  },
  {
    name: 'F1 runs "OpenClaw: Show Log" and its output channel shows the first scan applied after activation',
    async run(page, ctx) {
      await waitForWorkbench(page);
      await runCommand(page, 'OpenClaw: Show Log');
      // The newest line, not the first: the panel draws only the lines in view, and since the
      // log reader and the gateway probe write at activation too, "activated" scrolls out of it.
      // Monaco draws spaces as no-break spaces: \s matches both.
      await waitForOutput(page, 'OpenClaw Session Locks', /first\sscan\sapplied\s\d+\sms\safter\sactivation/);
      await ctx.screenshot('show-log');
    },
  },
];
