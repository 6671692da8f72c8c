// The contract between UI test cases (test/ui/*.ui.ts) and the runner
// (scripts/vscode/suite-ui.mjs). Playwright itself is not a project dependency (it lives in
// the provisioning cache), so the subset of its Page/Locator API the cases use is declared
// here structurally; add a member when a case needs one (names as in Playwright's docs).
import type { SampleSession } from '../fixtures/state-dir';

export interface UiLocatorOptions {
  hasText?: string | RegExp;
  hasNotText?: string | RegExp;
  has?: UiLocator;
}

export interface UiLocator {
  first(): UiLocator;
  last(): UiLocator;
  nth(index: number): UiLocator;
  locator(selector: string, options?: UiLocatorOptions): UiLocator;
  filter(options: UiLocatorOptions): UiLocator;
  waitFor(options?: { state?: 'attached' | 'detached' | 'visible' | 'hidden'; timeout?: number }): Promise<void>;
  click(options?: { button?: 'left' | 'right' | 'middle'; clickCount?: number; timeout?: number; force?: boolean }): Promise<void>;
  dblclick(options?: { timeout?: number }): Promise<void>;
  hover(options?: { timeout?: number }): Promise<void>;
  fill(value: string, options?: { timeout?: number }): Promise<void>;
  press(key: string, options?: { timeout?: number }): Promise<void>;
  innerText(options?: { timeout?: number }): Promise<string>;
  textContent(options?: { timeout?: number }): Promise<string | null>;
  allInnerTexts(): Promise<string[]>;
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  isVisible(): Promise<boolean>;
  count(): Promise<number>;
  boundingBox(options?: { timeout?: number }): Promise<UiBox | null>;
  screenshot(options?: { path?: string; timeout?: number }): Promise<Buffer>;
}

/** Page pixels (CSS px from the top left of the viewport), as Playwright's boundingBox/clip. */
export interface UiBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface UiPage {
  locator(selector: string, options?: UiLocatorOptions): UiLocator;
  keyboard: {
    press(key: string, options?: { delay?: number }): Promise<void>;
    type(text: string, options?: { delay?: number }): Promise<void>;
    down(key: string): Promise<void>;
    up(key: string): Promise<void>;
  };
  mouse: {
    click(x: number, y: number, options?: { button?: 'left' | 'right' | 'middle' }): Promise<void>;
    move(x: number, y: number, options?: { steps?: number }): Promise<void>;
    down(options?: { button?: 'left' | 'right' | 'middle' }): Promise<void>;
    up(options?: { button?: 'left' | 'right' | 'middle' }): Promise<void>;
  };
  waitForTimeout(ms: number): Promise<void>;
  screenshot(options?: { path?: string; fullPage?: boolean }): Promise<Buffer>;
  reload(): Promise<unknown>;
  title(): Promise<string>;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
}

/** The sample OpenClaw state dir the server's extension host sees. */
export type UiSampleSession = SampleSession;

export interface UiContext {
  /** e.g. "1.139.1". */
  vscodeVersion: string;
  /** OPENCLAW_STATE_DIR of the server under test. */
  stateDir: string;
  sessions: UiSampleSession[];
  /** The workbench URL the page was opened at. */
  url: string;
  /** Progress line in the suite's output. */
  log(message: string): void;
  /**
   * Takes a screenshot named for the README. Kept (media/screenshots/<name>.png) only when
   * the run has UPDATE_SCREENSHOTS=1 and the case passes; otherwise it goes nowhere, so
   * normal test runs never dirty the tree. `clip` keeps only that part of the page, so the
   * PNG stays readable at README width. `settleMs` (default 400) is the wait for menus and
   * hovers to fade in first.
   */
  screenshot(name: string, options?: { clip?: UiBox; settleMs?: number }): Promise<void>;
}

export interface UiCase {
  name: string;
  run(page: UiPage, ctx: UiContext): Promise<void>;
  /** VS Code versions this case runs on (default: every version the UI suite runs). */
  versions?: string[];
  /** Default 120 s: generous, never a speed assertion. */
  timeoutMs?: number;
}
