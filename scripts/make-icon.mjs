// Renders media/marketplace/icon.svg to the 128×128 PNG the Marketplace shows (media/marketplace/icon.png)
// with the Chromium the e2e suite uses (no image tools needed). Run: node scripts/make-icon.mjs
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'media', 'marketplace');
const svg = readFileSync(join(dir, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.BERTNB_CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.screenshot({
    path: join(dir, 'icon.png'),
    omitBackground: true,
    clip: { x: 0, y: 0, width: 128, height: 128 },
  });
} finally {
  await browser.close();
}
