// Renders the marketplace icon (media/icon.png, 128×128) from the activity-bar glyph
// (media/openclaw.svg) with the provisioned headless Chromium: `node scripts/render-icon.mjs`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath, projectRoot } from './vscode/env.mjs';
import { loadPlaywright } from './vscode/server.mjs';

const glyph = readFileSync(join(projectRoot, 'media/openclaw.svg'), 'utf8')
  .replace('stroke="currentColor"', 'stroke="#ffffff"')
  .replace('width="24" height="24"', 'width="88" height="88"');
const html = `<html><body style="margin:0;background:transparent"><div style="width:128px;height:128px;border-radius:24px;background:linear-gradient(135deg,#d9442b,#8f1d12);display:flex;align-items:center;justify-content:center">${glyph}</div></body></html>`;
const browser = await loadPlaywright().chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 } });
  await page.setContent(html);
  await page.screenshot({ path: join(projectRoot, 'media/icon.png'), omitBackground: true, clip: { x: 0, y: 0, width: 128, height: 128 } });
} finally {
  await browser.close();
}
