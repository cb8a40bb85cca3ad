// Tests 3 and 4: real FTP clients on the daemon's FTP port show up on FTP
// Connections, and its Disconnect and Disconnect All buttons close them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { config } from '../lib/config.mjs';
import { ftpLogin } from '../lib/ftp_client.mjs';
import { createFtpAccount, sessionRows, waitForSessions } from '../lib/ftp_ui.mjs';
import { expectOutcome, flash, open, login, unique } from '../lib/session.mjs';
import { withTimeout } from '../lib/wait.mjs';

const pass = 'Browser-test-pass-2';

let ui;
let base;
before(async () => {
  ui = await openBrowser();
  base = await login(ui.page);
});
after(async () => { await ui?.close(); });

// connect logs a new FTP client in as user; the test closes it at the end
// whatever happens, so a failed test leaves no session behind.
async function connect(t, user) {
  const client = await ftpLogin({ host: config.ftpHost, port: config.ftpPort, user, pass });
  t.after(() => client.close());
  return client;
}

// closedByServer waits until the server has closed client's connection.
async function closedByServer(client) {
  await withTimeout(client.closed, 10000, 'the server to close the FTP connection');
  assert.ok(client.isClosed());
}

test('Disconnect closes a live FTP session and removes its row', async (t) => {
  const { page } = ui;
  const user = await createFtpAccount(page, base, unique('live'), pass);
  const client = await connect(t, user);

  const [pid] = await waitForSessions(page, base, user, 1);
  const row = page.locator(`[data-testid="ftp-session-${pid}"]`);
  assert.equal((await row.locator('td.status').textContent()).trim(), 'IDLE');
  await screenshot(page, 'ftp-connections');

  await page.click(`#ftp-kill-${pid} button`);
  await expectOutcome(page, '[data-testid="flash"]');
  assert.equal(await flash(page), `Disconnected FTP session ${pid}.`);
  await closedByServer(client);

  await open(page, base, '/ftp/connections', 'ftp_connections');
  assert.equal(await sessionRows(page, user).count(), 0, 'the session row is still listed');
});

test('Disconnect All closes every FTP session', async (t) => {
  const { page } = ui;
  const user = await createFtpAccount(page, base, unique('both'), pass);
  const clients = [await connect(t, user), await connect(t, user)];

  await waitForSessions(page, base, user, 2);
  await page.click('#ftp-kill-all-submit');
  await expectOutcome(page, '[data-testid="flash"]');
  assert.equal(await flash(page), 'Disconnected all FTP sessions.');
  await Promise.all(clients.map(closedByServer));

  await open(page, base, '/ftp/connections', 'ftp_connections');
  assert.equal(await sessionRows(page, user).count(), 0, 'session rows are still listed');
  assert.equal(await page.locator('#ftp-kill-all').count(), 0, 'Disconnect All shown with no session');
});
