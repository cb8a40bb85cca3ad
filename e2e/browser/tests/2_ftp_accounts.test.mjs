// Test 2: an FTP account made with the FTP Accounts form is listed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { createFtpAccount } from '../lib/ftp_ui.mjs';
import { login, open, unique } from '../lib/session.mjs';

let ui;
let base;
before(async () => {
  ui = await openBrowser();
  base = await login(ui.page);
});
after(async () => { await ui?.close(); });

test('the FTP Accounts form creates an account that is then listed', async () => {
  const { page } = ui;
  const name = unique('web');
  const user = await createFtpAccount(page, base, name, 'Browser-test-pass-1');

  // Listed after a fresh load too, not only on the page the form returned.
  await open(page, base, '/ftp/accounts', 'ftp_accounts');
  const row = page.locator(`[data-testid="ftp-row-${user}"]`);
  assert.equal(await row.count(), 1);
  assert.equal((await row.locator('td.name').textContent()).trim(), user);
  assert.match(await row.locator('.usage').textContent(), /50/);
  await screenshot(page, 'ftp-accounts');
});
