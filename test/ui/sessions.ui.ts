// UI cases for the Sessions view, the lock badge and the lock commands, on the sample state
// dir the runner built (healthy sessions, a live holder, a dead holder's 22-minute-old lock,
// a lock held too long). Cases that change the sample undo what they did.
import * as fs from 'node:fs';
import { leaveDeadHolderLock } from '../fixtures';
import type { UiBox, UiCase, UiContext, UiLocator, UiPage } from './types';
import {
  WAIT_MS, activityBarItem, boxOf, closeMenus, contextMenuEntry, openViewContainer, parkMouse, regionAround, runCommand,
  treeRow, waitForNotification, waitForOutput, waitForWorkbench, widenSideBar,
} from './workbench';

const STATUS_ITEM = '.statusbar-item[id*="openclawSessions.status"]';
/** Wide enough for the longest sample description ("held too long · … · pid … · too-old"). */
const SIDE_BAR_WIDTH = 600;

async function openSessions(page: UiPage): Promise<void> {
  await waitForWorkbench(page);
  await openViewContainer(page, 'OpenClaw');
  await treeRow(page, 'Ops Discord').waitFor({ timeout: WAIT_MS });
}

/** Opens the view with the side bar wide enough that no row's description is cut off. */
async function openWideSessions(page: UiPage): Promise<void> {
  await openSessions(page);
  await widenSideBar(page, SIDE_BAR_WIDTH);
  const cut = await page.evaluate(() => {
    // The test tsconfig has no DOM lib: just the members used here.
    type Label = { scrollWidth: number; clientWidth: number; textContent: string | null };
    const doc = (globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<Label> } }).document;
    return Array.from(doc.querySelectorAll('.pane-body .monaco-list-row .monaco-icon-label-container'))
      .filter((label) => label.scrollWidth > label.clientWidth + 1)
      .map((label) => label.textContent ?? '');
  });
  if (cut.length > 0) throw new Error(`rows still cut off in a ${SIDE_BAR_WIDTH}px side bar: ${JSON.stringify(cut)}`);
}

/** The side bar from its title down to `bottom` (page y), with the activity bar on its left. */
async function sideBarRegion(page: UiPage, bottom: number): Promise<UiBox> {
  const activityBar = await boxOf(page.locator('.part.activitybar').first());
  const sideBar = await boxOf(page.locator('.part.sidebar').first());
  return { x: activityBar.x, y: sideBar.y, width: sideBar.x + sideBar.width - activityBar.x, height: bottom - sideBar.y };
}

const bottomOf = (box: UiBox): number => box.y + box.height;

/**
 * Hovers `target` until its tooltip opens, checks the tooltip's text and screenshots it with
 * the region `around` gives; hovers again when the tooltip closed before the screenshot was
 * taken (the status item is refreshed every second while a lock's age ticks).
 */
async function screenshotTooltip(page: UiPage, ctx: UiContext, options: {
  name: string;
  target: UiLocator;
  text: string;
  check(text: string): void;
  around(tooltip: UiBox): UiBox[];
  /** A tooltip a person can read opens on the first hover or two; default 25 tries. */
  maxAttempts?: number;
}): Promise<void> {
  const tooltip = page.locator('.workbench-hover, .monaco-hover', { hasText: options.text }).last();
  for (let attempt = 1; ; attempt++) {
    await parkMouse(page);
    await options.target.hover({ timeout: WAIT_MS });
    const shown = await tooltip.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
    const text = shown ? await tooltip.innerText({ timeout: 300 }).catch(() => undefined) : undefined;
    const box = text === undefined ? null : await tooltip.boundingBox({ timeout: 300 }).catch(() => null);
    if (text !== undefined && box) {
      options.check(text);
      await ctx.screenshot(options.name, { clip: await regionAround(page, options.around(box), 4), settleMs: 150 });
      if (await tooltip.isVisible()) return;
    }
    ctx.log(`attempt ${attempt}: the tooltip ${shown ? 'closed on a refresh' : 'did not open'}; hovering again`);
    if (attempt >= (options.maxAttempts ?? 25)) throw new Error(`the tooltip with "${options.text}" never stayed open long enough to read`);
  }
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
      await openWideSessions(page);
      const dead = ctx.sessions.find((s) => s.role === 'dead-lock')!;
      const stale = treeRow(page, dead.title);
      const text = await stale.innerText();
      if (!/stale/.test(text) || !text.includes(`pid ${dead.holderPid}`) || !/dead-pid/.test(text)) throw new Error(`stale row reads "${text}"`);
      for (const session of ctx.sessions) await treeRow(page, session.title).waitFor({ timeout: WAIT_MS });
      const rows = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
      const order = ['Ops Discord', 'Nightly digest', 'Team Telegram', 'Main chat'].map((title) => rows.findIndex((r) => r.includes(title)));
      if (order.some((i, n) => i < 0 || (n > 0 && i < order[n - 1]))) throw new Error(`rows out of order: ${JSON.stringify(rows)}`);
      await parkMouse(page);
      const lastRow = await boxOf(page.locator('.pane-body .monaco-list-row').last());
      const container = await boxOf(activityBarItem(page, 'OpenClaw'));
      await ctx.screenshot('sessions-view', { clip: await regionAround(page, [await sideBarRegion(page, Math.max(bottomOf(lastRow), bottomOf(container)) + 6)], 4) });
    },
  },
  {
    name: 'hovering the stale session shows its holder, age and stale reasons',
    async run(page, ctx) {
      await openWideSessions(page);
      const dead = ctx.sessions.find((s) => s.role === 'dead-lock')!;
      const row = treeRow(page, dead.title);
      const above = await sideBarRegion(page, bottomOf(await boxOf(row)));
      await screenshotTooltip(page, ctx, {
        name: 'stale-tooltip',
        target: row,
        text: 'Stale reasons',
        // The row's age reads "22m" for a whole minute, so nothing redraws it under the mouse.
        maxAttempts: 3,
        check(tooltip) {
          const text = tooltip.replace(/\s+/g, ' ');
          for (const expected of [dead.title, `Holder pid: ${dead.holderPid}`, 'dead-pid', 'Provably stale: true']) {
            if (!text.includes(expected)) throw new Error(`tooltip lacks "${expected}": ${JSON.stringify(tooltip)}`);
          }
        },
        around: (tooltip) => [above, tooltip],
      });
    },
  },
  {
    name: 'the status bar item counts the locks',
    async run(page, ctx) {
      await waitForWorkbench(page);
      const text = await waitForText(page, STATUS_ITEM, /\b3\b/);
      ctx.log(`status bar item reads "${text}"`);
      const statusBar = await boxOf(page.locator('.part.statusbar').first());
      await screenshotTooltip(page, ctx, {
        name: 'status-bar',
        target: page.locator(STATUS_ITEM).first(),
        text: 'Click to show the worst lock',
        check(tooltip) {
          for (const session of ctx.sessions.filter((s) => s.role !== 'healthy')) {
            if (!tooltip.includes(session.title)) throw new Error(`the status tooltip does not list "${session.title}": ${JSON.stringify(tooltip)}`);
          }
        },
        around: (tooltip) => [tooltip, { x: statusBar.x, y: statusBar.y, width: tooltip.x + tooltip.width - statusBar.x, height: statusBar.height }],
      });
    },
  },
  {
    name: 'right-click on the stale session shows "Clear Stale Lock"',
    async run(page, ctx) {
      await openWideSessions(page);
      const dead = ctx.sessions.find((s) => s.role === 'dead-lock')!;
      // Right-click near the row's right end: the menu opens beside the side bar and leaves
      // the descriptions readable.
      const staleRow = await boxOf(treeRow(page, dead.title));
      await page.mouse.click(staleRow.x + staleRow.width - 70, staleRow.y + staleRow.height / 2, { button: 'right' });
      await page.locator('.monaco-menu .action-item', { hasText: 'Clear Stale Lock' }).first().waitFor({ timeout: WAIT_MS });
      const copy = page.locator('.monaco-menu .action-item', { hasText: 'Copy Lock Details' }).first();
      await copy.waitFor({ timeout: WAIT_MS });
      const menu = await boxOf(page.locator('.monaco-menu').first());
      const rows = await boxOf(page.locator('.pane-body .monaco-list-row').last());
      await ctx.screenshot('context-menu', { clip: await regionAround(page, [await sideBarRegion(page, Math.max(bottomOf(rows), bottomOf(menu))), menu], 4) });
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
