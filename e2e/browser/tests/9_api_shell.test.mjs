// Test 9: the API Shell. A function is chosen from the select, its form is
// filled and run; a change asks for confirmation first; the result shows as
// JSON with the time it took, beside the same call in the five forms of
// cPanel's documentation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openBrowser, screenshot } from '../lib/browser.mjs';
import { config } from '../lib/config.mjs';
import { expectOutcome, open, login, unique } from '../lib/session.mjs';

let ui;
let base;
before(async () => {
  ui = await openBrowser();
  base = await login(ui.page);
});
after(async () => { await ui?.close(); });

// shownResult parses the JSON the shell shows.
async function shownResult(page) {
  return JSON.parse(await page.textContent('[data-testid="shell-json"]'));
}

async function snippet(page, id) {
  return (await page.textContent(`[data-testid="snippet-${id}"] code`)).trim();
}

test('the API Shell runs a change after confirmation and shows the five forms', async () => {
  const { page } = ui;
  const name = unique('shell_');

  // From the home page's Advanced section, as a person finds it.
  await open(page, base, '/', 'home');
  await page.click('#home-api-shell');
  await page.waitForSelector('body[data-page="api_shell"]');
  assert.match(await page.textContent('#breadcrumb'), /Home\s*»\s*Advanced\s*»\s*API Shell/);

  // Picking a function submits the chooser (api_shell.js).
  await Promise.all([
    page.waitForURL(/api_shell\?call=Tokens%3A%3Acreate_full_access$/),
    page.selectOption('#shell-call', 'Tokens::create_full_access'),
  ]);
  assert.equal((await page.textContent('#shell-title')).trim(), 'Tokens::create_full_access');
  assert.equal(await page.getAttribute('[data-testid="shell-function"]', 'data-readonly'), '0');

  await page.fill('#shell-arg-name', name);
  await page.click('#shell-run');
  await expectOutcome(page, '[data-testid="shell-confirm"]');
  assert.equal(await page.locator('[data-testid="shell-result"]').count(), 0, 'it ran before the confirmation');

  // The five forms, for exactly these arguments.
  assert.equal(await snippet(page, 'cli'), `uapi --user=${config.user} Tokens create_full_access name=${name}`);
  assert.equal(await snippet(page, 'url'), `${base}/execute/Tokens/create_full_access?name=${name}`);
  assert.match(await snippet(page, 'php'), new RegExp(
    `^\\$cpanel = new CPANEL\\(\\);[^]*\\$cpanel->uapi\\(\\s*'Tokens', 'create_full_access',\\s*array\\(\\s*'name' => '${name}',\\s*\\)\\s*\\);$`));
  assert.match(await snippet(page, 'perl'), new RegExp(
    `^my \\$cpliveapi = Cpanel::LiveAPI->new\\(\\);[^]*\\$cpliveapi->uapi\\(\\s*'Tokens', 'create_full_access',\\s*\\{\\s*'name' => '${name}',\\s*\\}\\s*\\);$`));
  assert.match(await snippet(page, 'tt'), new RegExp(
    `\\[% execute\\('Tokens', 'create_full_access', \\{ 'name' => '${name}' \\}\\) %\\]$`));

  await page.click('#shell-confirm-run');
  await expectOutcome(page, '[data-testid="shell-result"]');
  const created = await shownResult(page);
  assert.equal(created.status, 1, JSON.stringify(created));
  assert.match(created.data.token, /^[A-Z0-9]{32}$/);
  assert.match(await page.textContent('#shell-elapsed'), /^\d+(\.\d)? (µs|ms)$/);
  await screenshot(page, 'api-shell');

  // A function that only reads runs at once; ?module=&function= preselects it.
  await open(page, base, '/api_shell?module=Tokens&function=list', 'api_shell');
  assert.equal(await page.getAttribute('[data-testid="shell-function"]', 'data-readonly'), '1');
  await page.fill('#shell-extra', `api.filter_column=name\napi.filter_term=${name}`);
  await page.click('#shell-run');
  await expectOutcome(page, '[data-testid="shell-result"]');
  const listed = await shownResult(page);
  assert.equal(listed.status, 1);
  assert.deepEqual(listed.data.map((t) => t.name), [name]);
  assert.equal(await snippet(page, 'cli'),
    `uapi --user=${config.user} Tokens list api.filter_column=name api.filter_term=${name}`);

  // Clean up through the shell too: revoke asks, then answers 1.
  await open(page, base, '/api_shell?module=Tokens&function=revoke', 'api_shell');
  await page.fill('#shell-arg-name', name);
  await page.click('#shell-run');
  await expectOutcome(page, '[data-testid="shell-confirm"]');
  await page.click('#shell-confirm-run');
  await expectOutcome(page, '[data-testid="shell-result"]');
  const revoked = await shownResult(page);
  assert.equal(revoked.status, 1);
  assert.equal(revoked.data, 1);
});
