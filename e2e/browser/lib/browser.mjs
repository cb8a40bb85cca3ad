// Debian's Chromium driven by playwright-core. Playwright's own browser
// builds cannot be downloaded here, so it is pointed at /usr/bin/chromium.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { config } from './config.mjs';

// The machine has no network but loopback: without the background and
// component flags Chromium keeps trying to reach Google's hosts. Running as
// root (CI) needs --no-sandbox.
const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// openBrowser starts Chromium with a new, empty profile (Playwright passes
// userDataDir as --user-data-dir) and returns its one page. close() stops
// Chromium and removes the profile.
export async function openBrowser() {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'uapid-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: config.chromium,
    headless: true,
    args: chromiumArgs,
    // uapid --demo serves a self-signed certificate.
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
    timeout: 30000,
  });
  // Every Playwright wait (clicks, selectors, navigations) is bounded.
  context.setDefaultTimeout(10000);
  context.setDefaultNavigationTimeout(15000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// screenshot saves the whole page as NAME.png in $UAPID_SCREENSHOTS, when
// that is set; otherwise it does nothing, so normal runs write no files.
export async function screenshot(page, name) {
  if (!config.screenshots) {
    return;
  }
  await mkdir(config.screenshots, { recursive: true });
  await page.screenshot({ path: path.join(config.screenshots, `${name}.png`), fullPage: true });
}
