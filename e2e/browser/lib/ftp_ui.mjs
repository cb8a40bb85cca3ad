// FTP Accounts page steps shared by the FTP tests.
import assert from 'node:assert/strict';
import { config } from './config.mjs';
import { expectOutcome, flash, open } from './session.mjs';
import { poll } from './wait.mjs';

// createFtpAccount fills in and submits the Add FTP Account form for
// login@(the demo domain), then waits for its row; it returns the full FTP
// user name (login@domain) that FTP clients log in with.
export async function createFtpAccount(page, base, login, pass) {
  await open(page, base, '/ftp/accounts', 'ftp_accounts');
  await page.fill('#ftp-add-user', login);
  await page.selectOption('#ftp-add-domain', config.domain);
  await page.fill('#ftp-add-pass', pass);
  await page.fill('#ftp-add-quota', '50');
  await page.click('#ftp-add-submit');
  const user = `${login}@${config.domain}`;
  await expectOutcome(page, `[data-testid="ftp-row-${user}"]`);
  assert.equal(await flash(page), `The FTP account “${user}” was created.`);
  return user;
}

// sessionRows locates the FTP Connections rows of one FTP user.
export function sessionRows(page, user) {
  return page.locator('tr[data-testid^="ftp-session-"]').filter({
    has: page.locator('td.name', { hasText: user }),
  });
}

// waitForSessions reloads FTP Connections until it lists count sessions of
// user, and returns their process ids. The page refreshes itself only every
// 10 seconds, so the test reloads it, as a person would, within a bound.
export async function waitForSessions(page, base, user, count) {
  const rows = sessionRows(page, user);
  await poll(async () => {
    await open(page, base, '/ftp/connections', 'ftp_connections');
    return (await rows.count()) === count;
  }, { timeout: 10000, interval: 250, what: `${count} FTP session(s) of ${user} on FTP Connections` });
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.testid));
  return ids.map((id) => id.slice('ftp-session-'.length));
}
