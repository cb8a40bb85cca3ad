// Test 6: a Subaccount is created and deleted on the User Manager page.
// That page came after the others: on a build without it the test is
// skipped, saying so, instead of failing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { config } from '../lib/config.mjs';
import { expectOutcome, login, open, unique } from '../lib/session.mjs';

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

test('User Manager creates and deletes a Subaccount', async (t) => {
  const { page } = ui;
  if (!(await hasUserManager(page))) {
    t.skip('the User Manager page (/cpsessNNNNNNNNNN/usermanager) is not in this build: GET answered 404');
    return;
  }
  const name = unique('sub');
  const address = `${name}@${config.domain}`;
  const row = `[data-testid="usermanager-row-${address}"]`;

  await open(page, base, '/usermanager', 'usermanager');
  await page.fill('#usermanager-add-username', name);
  await page.selectOption('#usermanager-add-domain', config.domain);
  await page.fill('#usermanager-add-password', 'Browser-test-pass-3');
  await page.click('#usermanager-add-submit');
  await expectOutcome(page, row);
  await screenshot(page, 'usermanager');

  await page.click(`${row} details:has(#usermanager-delete-${name}) summary`);
  await page.click(`#usermanager-delete-${name} button`);
  await expectOutcome(page, '[data-testid="flash"]');
  assert.equal(await page.locator(row).count(), 0, 'the deleted Subaccount is still listed');
});
