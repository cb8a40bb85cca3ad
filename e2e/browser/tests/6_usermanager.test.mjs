// Test 6: a Subaccount is created and deleted on the User Manager page.
// That page came after the others: on a build without it the test is
// skipped, saying so, instead of failing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { config } from '../lib/config.mjs';
import { expectOutcome, flash, login, open, unique } from '../lib/session.mjs';

let ui;
let base;
before(async () => {
  ui = await openBrowser();
  base = await login(ui.page);
});
after(async () => { await ui?.close(); });

// hasUserManager tells whether this uapid serves the User Manager page.
async function hasUserManager(page) {
  const reply = await page.goto(`${base}/usermanager`);
  return reply.status() !== 404;
}

// byId selects an element whose id holds an address: "@" and "." cannot
// be written in a #id selector.
const byId = (id) => `[id="${id}"]`;

test('User Manager creates a Subaccount with an email account, then deletes both', async (t) => {
  const { page } = ui;
  if (!(await hasUserManager(page))) {
    t.skip('the User Manager page (/cpsessNNNNNNNNNN/usermanager) is not in this build: GET answered 404');
    return;
  }
  const name = unique('sub');
  const address = `${name}@${config.domain}`;
  const row = `[data-testid="usermanager-row-${address}"]`;

  await page.click('#nav-usermanager');
  await page.waitForSelector('body[data-page="usermanager"]');
  await page.fill('#usermanager-add-username', name);
  await page.selectOption('#usermanager-add-domain', config.domain);
  await page.fill('#usermanager-add-real-name', 'Browser Test');
  await page.fill('#usermanager-add-password', 'Browser-test-pass-3');
  await page.check('#usermanager-add-email-enabled');
  await page.click('#usermanager-add-submit');
  await expectOutcome(page, row);
  assert.equal(await flash(page), `The user “${address}” was created.`);
  assert.equal(await page.locator(`${row} .badge[data-service="email"]`).count(), 1, 'no Email badge');
  await screenshot(page, 'usermanager');

  // Delete is a link to a confirmation page that lists what goes.
  await page.click(byId(`usermanager-delete-${address}`));
  await page.waitForSelector(`[data-testid="usermanager-confirm-${address}"]`);
  assert.equal(await page.locator('[data-testid="usermanager-goes-email"]').count(), 1);
  await page.click('#usermanager-delete-submit');
  await expectOutcome(page, '[data-testid="delete-result"] [data-left="none"]');

  await open(page, base, '/usermanager', 'usermanager');
  assert.equal(await page.locator(row).count(), 0, 'the deleted Subaccount is still listed');
  // Its linked email account went with it.
  await open(page, base, '/email', 'email');
  assert.equal(await page.locator(`[data-testid="email-row-${address}"]`).count(), 0,
    'the Subaccount\'s email account is still listed');
});
