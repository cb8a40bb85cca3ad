// Every page in the navigation opens from its link and renders without
// errors. The links are read from the page, so a new page (User Manager,
// on builds that have it) is covered without a change here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser } from '../lib/browser.mjs';
import { login } from '../lib/session.mjs';

// The pages every build has, by their navigation names.
const always = ['home', 'tokens', 'ftp_accounts', 'ftp_connections', 'email', 'webdisk'];

let ui;
before(async () => {
  ui = await openBrowser();
  await login(ui.page);
});
after(async () => { await ui?.close(); });

test('the navigation opens every page', async (t) => {
  const { page } = ui;
  const ids = await page.locator('nav.main a').evaluateAll((links) => links.map((a) => a.id));
  const names = ids.map((id) => id.replace(/^nav-/, ''));
  for (const name of always) {
    assert.ok(names.includes(name), `the navigation has no ${name}: ${names}`);
  }
  for (const name of names) {
    await t.test(name, async () => {
      await page.click(`#nav-${name}`);
      await page.waitForSelector(`body[data-page="${name}"]`);
      assert.equal(await page.getAttribute(`#nav-${name}`, 'aria-current'), 'page');
      const errors = page.locator('[data-testid="result-errors"]');
      assert.equal(await errors.count(), 0, `${name} shows errors: ${await errors.allTextContents()}`);
    });
  }
});
