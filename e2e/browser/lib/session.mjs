// Logging in and moving between pages the way a person does: through the
// login form and the session's /cpsessNNNNNNNNNN/ URLs.
import assert from 'node:assert/strict';
import { config } from './config.mjs';

// login types the demo credentials into the login form, submits it, waits
// for the home page and returns the session's base URL
// (https://host:port/cpsessNNNNNNNNNN).
export async function login(page) {
  await page.goto(`${config.url}/`);
  await page.fill('#user', config.user);
  await page.fill('#pass', config.pass);
  await page.click('#login-submit');
  await page.waitForURL(/\/cpsess\d{10}\/$/);
  await page.waitForSelector('body[data-page="home"]');
  const base = new URL(page.url());
  return `${base.origin}${base.pathname.replace(/\/$/, '')}`;
}

// open loads a page below the session and checks it is the page asked for
// (a lost session would land on the login form instead).
export async function open(page, base, path, name) {
  const reply = await page.goto(`${base}${path}`);
  assert.equal(reply.status(), 200, `GET ${path} answered ${reply.status()}`);
  await page.waitForSelector(`body[data-page="${name}"]`);
}

// expectOutcome waits, after a form was submitted, for selector; if the
// page shows errors instead it fails with their text, which says far more
// than a timeout would.
export async function expectOutcome(page, selector) {
  const errors = '[data-testid="form-errors"], [data-testid="result-errors"]';
  const first = await page.waitForSelector(`${selector}, ${errors}`);
  if (await first.evaluate((el, sel) => el.matches(sel), errors)) {
    assert.fail(`the page shows errors: ${(await first.textContent()).trim()}`);
  }
  return first;
}

// flash is the text of the page's success message.
export async function flash(page) {
  return (await page.textContent('[data-testid="flash"]')).trim();
}

// unique adds four random letters or digits to prefix: tests share one
// server (and may be pointed at a long-lived one), so each makes names of
// its own; short ones keep the screenshots readable. The result is a valid
// FTP login and token name.
export function unique(prefix) {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let suffix = '';
  for (let i = 0; i < 4; i++) {
    suffix += letters[Math.floor(Math.random() * letters.length)];
  }
  return prefix + suffix;
}
