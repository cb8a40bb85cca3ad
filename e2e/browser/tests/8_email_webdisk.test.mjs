// The create forms of Email Accounts and Web Disk: an account made through
// each is listed. With UAPID_SCREENSHOTS set, the two pages are
// photographed here, showing the new account.
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

test('the Email Accounts form creates a mailbox that is then listed', async () => {
  const { page } = ui;
  const address = `${unique('mail')}@${config.domain}`;
  await open(page, base, '/email', 'email');
  await page.fill('#email-add-email', address.split('@')[0]);
  await page.selectOption('#email-add-domain', config.domain);
  await page.fill('#email-add-password', 'Browser-test-pass-4');
  await page.fill('#email-add-quota', '100');
  await page.click('#email-add-submit');
  await expectOutcome(page, `[data-testid="email-row-${address}"]`);
  assert.equal(await flash(page), `The email account “${address}” was created.`);
  await screenshot(page, 'email');
});

test('the Web Disk form creates a read-only account that is then listed', async () => {
  const { page } = ui;
  const address = `${unique('disk')}@${config.domain}`;
  await open(page, base, '/webdisk', 'webdisk');
  await page.fill('#webdisk-add-user', address.split('@')[0]);
  await page.selectOption('#webdisk-add-domain', config.domain);
  await page.fill('#webdisk-add-password', 'Browser-test-pass-5');
  await page.check('#webdisk-add input[name="perms"][value="ro"]');
  await page.click('#webdisk-add-submit');
  const row = `[data-testid="webdisk-row-${address}"]`;
  await expectOutcome(page, row);
  assert.equal(await flash(page), `The Web Disk account “${address}” was created.`);
  assert.equal((await page.textContent(`${row} td.perms`)).trim(), 'Read-Only');
  await screenshot(page, 'webdisk');
});
