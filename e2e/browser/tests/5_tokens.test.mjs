// Test 5: an API token is created (and shown once), listed, and revoked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { expectOutcome, flash, login, open, unique } from '../lib/session.mjs';

let ui;
let base;
before(async () => {
  ui = await openBrowser();
  base = await login(ui.page);
});
after(async () => { await ui?.close(); });

test('an API token is created, shown once, listed and revoked', async () => {
  const { page } = ui;
  const name = unique('ci_');
  const row = `[data-testid="token-row-${name}"]`;

  await open(page, base, '/tokens', 'tokens');
  await page.fill('#token-create-name', name);
  await page.click('#token-create-submit');
  await expectOutcome(page, '#new-token');
  assert.match((await page.textContent('#new-token')).trim(), /^[A-Z0-9]{32}$/);
  assert.equal(await page.locator(row).count(), 1, 'the new token is not listed');
  await screenshot(page, 'tokens');

  // Shown once: a fresh load lists the token but no longer shows its secret.
  await open(page, base, '/tokens', 'tokens');
  assert.equal(await page.locator('#new-token').count(), 0, 'the token is shown again');
  assert.equal((await page.textContent(`${row} td.name`)).trim(), name);

  // Revoke sits in a closed <details>: open it, as a person clicks it.
  await page.click(`${row} details:has(#token-revoke-${name}) summary`);
  await page.click(`#token-revoke-${name} button`);
  await expectOutcome(page, '[data-testid="flash"]');
  assert.equal(await flash(page), `The API token “${name}” was revoked.`);
  assert.equal(await page.locator(row).count(), 0, 'the revoked token is still listed');
});
