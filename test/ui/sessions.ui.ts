// UI cases for the Sessions view, the lock badge and the lock commands, on the sample state
// dir the runner built (healthy sessions, a live holder, a dead holder's 22-minute-old lock,
// a lock held too long). Cases that change the sample undo what they did.
import * as fs from 'node:fs';
import { leaveDeadHolderLock } from '../fixtures';
import type { UiCase, UiPage } from './types';
import { WAIT_MS, closeMenus, contextMenuEntry, openViewContainer, runCommand, treeRow, waitForNotification, waitForOutput, waitForWorkbench } from './workbench';

const STATUS_ITEM = '.statusbar-item[id*="openclawSessions.status"]';

async function openSessions(page: UiPage): Promise<void> {
  await waitForWorkbench(page);
  await openViewContainer(page, 'OpenClaw');
  await treeRow(page, 'Ops Discord').waitFor({ timeout: WAIT_MS });
}

async function waitForText(page: UiPage, selector: string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const text = (await page.locator(selector).first().innerText({ timeout: WAIT_MS })).trim();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`${selector} shows "${text}", expected ${pattern}`);
    await page.waitForTimeout(250);
  }
}

export const cases: UiCase[] = [
  {
    name: 'the OpenClaw container shows the sample sessions with the stale lock first',
    async run(page, ctx) {
      await openSessions(page);
      const dead = ctx.sessions.find((s) => s.role === 'dead-lock')!;
      const stale = treeRow(page, dead.title);
      const text = await stale.innerText();
      if (!/stale/.test(text) || !text.includes(`pid ${dead.holderPid}`) || !/dead-pid/.test(text)) throw new Error(`stale row reads "${text}"`);
      for (const session of ctx.sessions) await treeRow(page, session.title).waitFor({ timeout: WAIT_MS });
      const rows = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
      const order = ['Ops Discord', 'Nightly digest', 'Team Telegram', 'Main chat'].map((title) => rows.findIndex((r) => r.includes(title)));
      if (order.some((i, n) => i < 0 || (n > 0 && i < order[n - 1]))) throw new Error(`rows out of order: ${JSON.stringify(rows)}`);
      await ctx.screenshot('sessions-view');
    },
  },
  {
    name: 'the status bar item counts the locks',
    async run(page, ctx) {
      await waitForWorkbench(page);
      const text = await waitForText(page, STATUS_ITEM, /\b3\b/);
      ctx.log(`status bar item reads "${text}"`);
      await ctx.screenshot('status-bar');
    },
  },
  {
    name: 'right-click on the stale session shows "Clear Stale Lock"',
    async run(page, ctx) {
      await openSessions(page);
      const dead = ctx.sessions.find((s) => s.role === 'dead-lock')!;
      await contextMenuEntry(page, treeRow(page, dead.title), 'Clear Stale Lock');
      await page.locator('.monaco-menu .action-item', { hasText: 'Copy Lock Details' }).first().waitFor({ timeout: WAIT_MS });
      await ctx.screenshot('context-menu');
      await closeMenus(page);
    },
  },
  {
    name: 'right-click on a live holder\'s session offers "Force Release Lock…" next to "Clear Stale Lock"',
    async run(page, ctx) {
      await openSessions(page);
      const live = ctx.sessions.find((s) => s.role === 'live-lock')!;
      await contextMenuEntry(page, treeRow(page, live.title), 'Force Release Lock…');
      await page.locator('.monaco-menu .action-item', { hasText: 'Clear Stale Lock' }).first().waitFor({ timeout: WAIT_MS });
      await closeMenus(page);
    },
  },
  {
    name: 'F1 runs "OpenClaw: Refresh"',
    async run(page) {
      await waitForWorkbench(page);
      await waitForText(page, STATUS_ITEM, /\d/);
      await runCommand(page, 'OpenClaw: Refresh');
      await runCommand(page, 'OpenClaw: Show Log');
      await waitForOutput(page, 'OpenClaw Session Locks', 'refresh requested');
    },
  },
  {
    name: 'Clear Stale Lock from the context menu removes a dead holder\'s lock and says so',
    async run(page, ctx) {
      const session = ctx.sessions.find((s) => s.title === 'Research notes')!;
      const dead = await leaveDeadHolderLock({ sessionFile: session.transcriptPath });
      try {
        await openSessions(page);
        const row = treeRow(page, session.title);
        await page.locator('.pane-body .monaco-list-row', { hasText: `pid ${dead.pid}` }).first().waitFor({ timeout: WAIT_MS });
        const entry = await contextMenuEntry(page, row, 'Clear Stale Lock');
        await entry.click();
        const deadline = Date.now() + WAIT_MS;
        while (fs.existsSync(dead.lockPath)) {
          if (Date.now() > deadline) throw new Error('the lock file is still there');
          await page.waitForTimeout(200);
        }
        await waitForNotification(page, `Removed the lock of "${session.title}"`);
      } finally {
        fs.rmSync(dead.lockPath, { force: true });
      }
    },
  },
];
