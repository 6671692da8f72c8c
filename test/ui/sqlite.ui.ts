// UI cases for the SQLite era (OpenClaw 2026.8+): the Sessions view of a 2026.9.6 state dir
// (databases with the real schema, a live stand-in gateway) with a hung run, a tombstone, an
// idle session and a leftover lock file; its tooltip and its context menu. Each case points
// the workbench's user settings at that state dir and puts them back after.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { node24Binary } from '../fixtures/real-openclaw';
import { standInGateway, writeSqliteWorld } from '../fixtures/sqlite-world';
import type { UiBox, UiCase, UiContext, UiPage } from './types';
import { WAIT_MS, boxOf, closeMenus, contextMenuEntry, openViewContainer, parkMouse, regionAround, treeRow, waitForWorkbench, widenSideBar } from './workbench';

const MIN = 60_000;
const SIDE_BAR_WIDTH = 560;

let world: { stateDir: string; stop: () => Promise<void> } | undefined;

/** One SQLite-era state dir for every case of this file, beside the runner's sample. */
async function sqliteWorld(ctx: UiContext): Promise<string> {
  if (world && fs.existsSync(world.stateDir)) return world.stateDir;
  const stateDir = path.join(path.dirname(ctx.stateDir), 'openclaw-sqlite-state');
  const now = Date.now();
  writeSqliteWorld(stateDir, {
    agents: {
      main: [
        { key: 'agent:main:discord:ops', sessionId: 's-ops', label: 'Ops Discord', channel: 'discord', status: 'running', runId: 'run-8f3c', startedAt: now - 7 * MIN - 5_000, updatedAt: now - 7 * MIN, queued: 3, events: [{ type: 'session', version: 3, id: 's-ops' }] },
        { key: 'agent:main:main', sessionId: 's-main', label: 'Main chat', status: 'failed', tombstone: { reason: 'restart limit reached' }, updatedAt: now - 42 * MIN },
        { key: 'agent:main:telegram:team', sessionId: 's-team', label: 'Team Telegram', channel: 'telegram', status: 'done', updatedAt: now - 3 * MIN },
        { key: 'agent:main:cron:nightly', sessionId: 's-nightly', label: 'Nightly digest', channel: 'cron', status: 'done', updatedAt: now - 9 * 60 * MIN },
      ],
    },
    leftovers: { main: [{ name: '3f2a9c1e-old.jsonl.lock', pid: 999_999 }] },
  });
  const gateway = await standInGateway(stateDir);
  world = { stateDir, stop: gateway.kill };
  return stateDir;
}

/** The code-server's user settings (the runner's `user/User/settings.json` beside the sample). */
function userSettingsFile(ctx: UiContext): string {
  return path.join(path.dirname(ctx.stateDir), 'user', 'User', 'settings.json');
}

async function withSqliteState(page: UiPage, ctx: UiContext, run: () => Promise<void>): Promise<void> {
  const stateDir = await sqliteWorld(ctx);
  const file = userSettingsFile(ctx);
  const before = fs.readFileSync(file, 'utf8');
  const settings = JSON.parse(before) as Record<string, unknown>;
  try {
    // The open workbench does not always see settings.json change on disk (the first change of
    // a run was missed): write it, load again, and write once more if the view did not follow.
    for (let attempt = 1; ; attempt++) {
      // nodePath: VS Code 1.100's extension host (Node 20) has no node:sqlite and reads through a child on Node 24.
      fs.writeFileSync(file, JSON.stringify({ ...settings, 'openclawSessions.stateDir': stateDir, 'openclawSessions.nodePath': node24Binary() }, null, attempt % 2 === 0 ? 4 : 2));
      await page.waitForTimeout(1_000);
      await page.reload();
      await waitForWorkbench(page);
      await openViewContainer(page, 'OpenClaw');
      const era = page.locator('.pane-body .monaco-list-row', { hasText: 'SQLite era' }).first();
      if (await era.waitFor({ timeout: 15_000 }).then(() => true, () => false)) break;
      ctx.log(`attempt ${attempt}: the view still shows the sample; writing the setting again`);
      if (attempt >= 4) throw new Error('the workbench never took openclawSessions.stateDir from settings.json');
    }
    await run();
  } finally {
    fs.writeFileSync(file, before);
  }
}

async function openSqliteSessions(page: UiPage): Promise<void> {
  await page.locator('.pane-body .monaco-list-row', { hasText: 'hung' }).first().waitFor({ timeout: WAIT_MS });
  await widenSideBar(page, SIDE_BAR_WIDTH);
}

async function sideBarRegion(page: UiPage, bottom: number): Promise<UiBox> {
  const activityBar = await boxOf(page.locator('.part.activitybar').first());
  const sideBar = await boxOf(page.locator('.part.sidebar').first());
  return { x: activityBar.x, y: sideBar.y, width: sideBar.x + sideBar.width - activityBar.x, height: bottom - sideBar.y };
}

const bottomOf = (box: UiBox): number => box.y + box.height;

export const cases: UiCase[] = [
  {
    name: 'SQLite era: the view shows a hung run, a tombstone, idle sessions and the leftover lock file, and names the era',
    async run(page, ctx) {
      await withSqliteState(page, ctx, async () => {
        await openSqliteSessions(page);
        const rows = (await page.locator('.pane-body .monaco-list-row').allInnerTexts()).map((r) => r.replace(/\s+/g, ' '));
        ctx.log(`rows: ${JSON.stringify(rows)}`);
        const order = ['SQLite era', 'Ops Discord', 'Main chat', 'Team Telegram', 'Nightly digest', 'leftover lock file'].map((t) => rows.findIndex((r) => r.includes(t)));
        if (order.some((i, n) => i < 0 || (n > 0 && i < order[n - 1]!))) throw new Error(`rows out of order: ${JSON.stringify(rows)}`);
        if (!rows.some((r) => /Ops Discord.*hung 7m.*3 queued/.test(r))) throw new Error(`no hung row: ${JSON.stringify(rows)}`);
        if (!rows.some((r) => /Main chat.*refuses messages/.test(r))) throw new Error(`no tombstone row: ${JSON.stringify(rows)}`);
        if (!rows.some((r) => /SQLite era.*gateway pid \d+/.test(r))) throw new Error(`the era row does not show the live gateway: ${JSON.stringify(rows)}`);
        await parkMouse(page);
        const lastRow = await boxOf(page.locator('.pane-body .monaco-list-row').last());
        await ctx.screenshot('sqlite-sessions-view', { clip: await regionAround(page, [await sideBarRegion(page, bottomOf(lastRow) + 6)], 4) });
      });
    },
  },
  {
    name: 'SQLite era: hovering the hung run shows its run id, age, queue, what it means and what to do',
    async run(page, ctx) {
      await withSqliteState(page, ctx, async () => {
        await openSqliteSessions(page);
        const row = treeRow(page, /Ops Discord/);
        const above = await sideBarRegion(page, bottomOf(await boxOf(row)));
        const tooltip = page.locator('.workbench-hover, .monaco-hover', { hasText: 'holds the session lane' }).last();
        for (let attempt = 1; ; attempt++) {
          await parkMouse(page);
          await row.hover({ timeout: WAIT_MS });
          if (await tooltip.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false)) {
            const text = (await tooltip.innerText()).replace(/\s+/g, ' ');
            for (const expected of ['Ops Discord', 'Run id: run-8f3c', 'Queued messages: 3', 'Abort the run']) {
              if (!text.includes(expected)) throw new Error(`tooltip lacks "${expected}": ${JSON.stringify(text)}`);
            }
            const box = (await tooltip.boundingBox())!;
            await ctx.screenshot('sqlite-hung-tooltip', { clip: await regionAround(page, [above, box], 4), settleMs: 150 });
            if (await tooltip.isVisible()) return;
          }
          if (attempt >= 5) throw new Error('the hung run\'s tooltip never stayed open');
        }
      });
    },
  },
  {
    name: 'SQLite era: right-click on the hung run offers Abort Run…; on the tombstone, Recover Session',
    async run(page, ctx) {
      await withSqliteState(page, ctx, async () => {
        await openSqliteSessions(page);
        const abort = await contextMenuEntry(page, treeRow(page, /Ops Discord/), /Abort Run/);
        const menu = await boxOf(page.locator('.context-view .monaco-menu').first());
        const row = await boxOf(treeRow(page, /Ops Discord/));
        await abort.waitFor({ timeout: WAIT_MS });
        const items = await page.locator('.context-view .monaco-menu .action-label').allInnerTexts();
        if (items.some((i) => /Clear Stale Lock|Force Release/.test(i))) throw new Error(`JSONL lock actions on a SQLite row: ${JSON.stringify(items)}`);
        await ctx.screenshot('sqlite-abort-menu', { clip: await regionAround(page, [row, menu], 4) });
        await closeMenus(page);
        const recover = await contextMenuEntry(page, treeRow(page, /Main chat/), /Recover Session/);
        await recover.waitFor({ timeout: WAIT_MS });
        const second = await page.locator('.context-view .monaco-menu .action-label').allInnerTexts();
        if (second.some((i) => /Abort Run/.test(i))) throw new Error(`Abort Run offered on a tombstone: ${JSON.stringify(second)}`);
        await closeMenus(page);
      });
    },
  },
];
