// Workbench helpers for UI cases, with selectors proven on code-server 4.100 and 4.139.
// Every wait has a generous timeout: under load a slow workbench is not a failure, a
// missing element is.
import type { UiBox, UiLocator, UiPage } from './types';

export const WAIT_MS = 60_000;

export async function waitForWorkbench(page: UiPage): Promise<void> {
  await page.locator('.monaco-workbench').first().waitFor({ timeout: WAIT_MS });
  // The status bar is drawn once the layout is done; extensions start after it.
  await page.locator('.part.statusbar').first().waitFor({ timeout: WAIT_MS });
}

/** Runs a command from the F1 palette by its full title, e.g. "OpenClaw: Show Log". */
export async function runCommand(page: UiPage, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input.input, .quick-input-box input').first();
  // Wait for the exact row so Enter does not run a partial match.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: WAIT_MS });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      // The palette lists the commands known when it opened: right after startup an
      // extension's contributions may not be there yet. Close it and look again.
      if (Date.now() > deadline) throw new Error(`command "${title}" is not in the palette: ${(error as Error).message.split('\n')[0]}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: WAIT_MS });
}

/** The activity-bar entry of a view container, by its title ("OpenClaw"). */
export function activityBarItem(page: UiPage, title: string): UiLocator {
  return page.locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item [aria-label^="${title}"]`).first();
}

export async function openViewContainer(page: UiPage, title: string): Promise<void> {
  const item = activityBarItem(page, title);
  await item.waitFor({ timeout: WAIT_MS });
  const selected = await item.locator('xpath=ancestor-or-self::li[contains(@class,"checked")]').count();
  const sideBar = page.locator('.part.sidebar').first();
  // After a reload VS Code 1.100 can restore the container as selected with the side bar hidden
  // (CI, a failure screenshot): a click then shows it.
  if (selected === 0 || !(await sideBar.isVisible())) await item.click();
  await sideBar.waitFor({ timeout: WAIT_MS });
}

/** A row of a tree view in the side bar (or panel), by text it contains. */
export function treeRow(page: UiPage, text: string | RegExp): UiLocator {
  return page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
}

export function statusBarItem(page: UiPage, text: string | RegExp): UiLocator {
  return page.locator('.statusbar-item', { hasText: text }).first();
}

/** Opens the context menu of `target` and returns the entry with `label` (after the menu's fade-in). */
export async function contextMenuEntry(page: UiPage, target: UiLocator, label: string | RegExp): Promise<UiLocator> {
  await target.click({ button: 'right' });
  const entry = page.locator('.monaco-menu .action-item', { hasText: label }).first();
  await entry.waitFor({ timeout: WAIT_MS });
  await page.waitForTimeout(400);
  return entry;
}

export async function closeMenus(page: UiPage): Promise<void> {
  await page.keyboard.press('Escape');
}

/**
 * A notification with `text`, as a toast or (on 1.139 in development mode, where toasts do
 * not show) in the notification center.
 */
export async function waitForNotification(page: UiPage, text: string | RegExp, timeoutMs = 15_000): Promise<void> {
  try {
    await page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first().waitFor({ timeout: timeoutMs });
    return;
  } catch {
    // fall through to the center
  }
  await page.locator('.statusbar-item[id$="notifications"] a, .statusbar-item[id$="notifications"]').first().click();
  await page.locator('.notifications-center .notification-list-item', { hasText: text }).first().waitFor({ timeout: timeoutMs });
}

/** The Output panel showing `channel`, containing `text` in its editor. */
export async function waitForOutput(page: UiPage, channel: string, text: string | RegExp): Promise<void> {
  const panel = page.locator('.part.panel').first();
  await panel.waitFor({ timeout: WAIT_MS });
  // 1.100 shows the channel in a <select>, 1.139 in a picker button: both carry its name.
  await panel.locator('.monaco-select-box, .action-item, .monaco-dropdown', { hasText: channel }).first()
    .waitFor({ timeout: WAIT_MS })
    .catch(async () => {
      const titles = await panel.locator('select option:checked').allInnerTexts();
      if (!titles.some((t) => t.includes(channel))) throw new Error(`Output panel does not show channel "${channel}" (selected: ${titles.join(', ') || 'none'})`);
    });
  await panel.locator('.view-lines', { hasText: text }).first().waitFor({ timeout: WAIT_MS });
}

export async function boxOf(target: UiLocator): Promise<UiBox> {
  await target.waitFor({ timeout: WAIT_MS });
  const box = await target.boundingBox({ timeout: WAIT_MS });
  if (!box) throw new Error('element has no box (not visible)');
  return box;
}

/**
 * Drags the sash on the side bar's right edge until the side bar is `width` px wide, so tree
 * rows show their descriptions in full. A fresh browser context starts at the default width
 * (the layout lives in the browser's storage), so every case that needs it widens again.
 */
export async function widenSideBar(page: UiPage, width: number): Promise<void> {
  const sideBar = page.locator('.part.sidebar').first();
  for (let attempt = 0; ; attempt++) {
    const box = await boxOf(sideBar);
    if (box.width >= width - 2) return;
    // The sash is a few px wide and centred on the edge; pick a slightly different spot
    // next time in case the first one missed it.
    const edgeX = box.x + box.width + [0, -1, 1, 2][attempt % 4];
    const y = box.y + box.height / 2;
    await page.mouse.move(edgeX, y);
    await page.mouse.down();
    await page.mouse.move(edgeX + (width - box.width) / 2, y, { steps: 4 });
    await page.mouse.move(box.x + width, y, { steps: 4 });
    await page.mouse.up();
    if (attempt >= 7) {
      const now = await boxOf(sideBar);
      if (now.width < width - 2) throw new Error(`side bar stays ${now.width}px wide after dragging its sash to ${width}px`);
    }
  }
}

interface BrowserWindow { innerWidth: number; innerHeight: number }

/** The page's viewport in CSS px (the test tsconfig has no DOM lib, hence the local type). */
export async function viewportSize(page: UiPage): Promise<{ width: number; height: number }> {
  return page.evaluate(() => {
    const view = globalThis as unknown as BrowserWindow;
    return { width: view.innerWidth, height: view.innerHeight };
  });
}

/** Parks the mouse over the empty editor so no row is hovered or highlighted in a screenshot. */
export async function parkMouse(page: UiPage): Promise<void> {
  const size = await viewportSize(page);
  await page.mouse.move(size.width - 40, Math.round(size.height / 2));
  await page.waitForTimeout(300);
}

/** The smallest page region holding every box, grown by `padding` and kept inside the viewport. */
export async function regionAround(page: UiPage, boxes: UiBox[], padding = 8): Promise<UiBox> {
  const size = await viewportSize(page);
  const left = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.x)) - padding));
  const top = Math.max(0, Math.floor(Math.min(...boxes.map((b) => b.y)) - padding));
  const right = Math.min(size.width, Math.ceil(Math.max(...boxes.map((b) => b.x + b.width)) + padding));
  const bottom = Math.min(size.height, Math.ceil(Math.max(...boxes.map((b) => b.y + b.height)) + padding));
  return { x: left, y: top, width: right - left, height: bottom - top };
}
