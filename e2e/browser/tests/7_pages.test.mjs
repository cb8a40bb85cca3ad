// Every page in the navigation opens from its link and renders without
// errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser } from '../lib/browser.mjs';
import { login } from '../lib/session.mjs';

// The pages every uapid serve has, by their navigation names; User Manager
// has its own test.
const pages = ['home', 'tokens', 'ftp_accounts', 'ftp_connections', 'email', 'webdisk'];

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
  });
}
