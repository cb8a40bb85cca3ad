// Test 1: logging in through the login form.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { config } from '../lib/config.mjs';
import { login } from '../lib/session.mjs';

let ui;
before(async () => { ui = await openBrowser(); });
after(async () => { await ui?.close(); });

test('a wrong password is reported on the login page', async () => {
  const { page } = ui;
  await page.goto(`${config.url}/`);
  await page.fill('#user', config.user);
  await page.fill('#pass', 'not-the-password');
  await page.click('#login-submit');
  // uapid.js posts with login_only=1 and shows the reason in place.
  await page.waitForSelector('#login-error:not([hidden])');
  assert.equal(await page.textContent('#login-error'), 'The login is invalid.');
  assert.match(new URL(page.url()).pathname, /^\/(login\/?)?$/);
});

test('the login form opens a session on the home page', async () => {
  const { page } = ui;
  await page.goto(`${config.url}/`);
  await page.fill('#user', config.user);
  await screenshot(page, 'login');
  const base = await login(page);
  assert.match(base, /\/cpsess\d{10}$/);
  assert.equal(await page.textContent('#account-name'), config.user);
  assert.equal(await page.textContent('#home-account'), config.user);
  assert.equal(await page.textContent('#home-domain'), config.domain);
  await screenshot(page, 'home');
});
