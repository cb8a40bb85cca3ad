// Every page in the navigation opens from its link and renders without
// errors; with UAPID_SCREENSHOTS set this is where the Email and Web Disk
// pages are photographed (the other pages are taken by the tests that fill
// them with something to show).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { login } from '../lib/session.mjs';

// The pages every uapid serve has, by their navigation names; User Manager
// has its own test.
const pages = ['home', 'tokens', 'ftp_accounts', 'ftp_connections', 'email', 'webdisk'];
const photographed = { email: 'email', webdisk: 'webdisk' };

let ui;
before(async () => {
  ui = await openBrowser();
  await login(ui.page);
});
after(async () => { await ui?.close(); });

for (const name of pages) {
  test(`the navigation opens ${name}`, async () => {
    const { page } = ui;
    await page.click(`#nav-${name}`);
    await page.waitForSelector(`body[data-page="${name}"]`);
    assert.equal(await page.getAttribute(`#nav-${name}`, 'aria-current'), 'page');
    assert.equal(await page.locator('[data-testid="result-errors"]').count(), 0,
      `${name} shows errors: ${await page.locator('[data-testid="result-errors"]').allTextContents()}`);
    if (photographed[name]) {
      await screenshot(page, photographed[name]);
    }
  });
}
