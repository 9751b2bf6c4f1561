// /docs in real Chromium: Swagger UI's Authorize button logs in through the OAuth2 password
// flow (POST /token), and "Try it out" on GET /users/me then answers 200 with the user; the page
// logs no console error (CSP), and the dialog shows no OAuth2 client fields (there are no clients).
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers.js';
import { browserTest, launchBrowser, startServer } from './harness.js';

browserTest('/docs Authorize logs in through POST /token and "Try it out" on /users/me answers 200', async (t) => {
  const server = await startServer(t);
  const username = await server.registerUser();
  const page = await (await launchBrowser(t)).newPage();
  await page.goto(`${server.baseUrl}/docs`);

  await page.click('button.authorize');
  await page.fill('#oauth_username', username);
  await page.fill('#oauth_password', PASSWORD);
  await page.click('.auth-btn-wrapper button.authorize');
  await page.waitForSelector('.auth-btn-wrapper button:has-text("Logout")'); // shown once /token answered a token
  assert.equal(server.count('POST /token'), 1);
  await page.click('.auth-btn-wrapper button.btn-done');

  const operation = page.locator('#operations-users-get_users_me');
  await operation.locator('.opblock-summary').click();
  const tryOut = operation.locator('button.try-out__btn');
  // docs.ts sets tryItOutEnabled, so the operation may open in "Try it out" mode already (its button then says Cancel).
  if ((await tryOut.innerText()).trim() === 'Try it out') await tryOut.click();
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor();
  assert.equal((await status.innerText()).trim(), '200');
  assert.match(await operation.locator('.live-responses-table tr.response .response-col_description').first().innerText(), new RegExp(`"username": "${username}"`));
  assert.equal(server.count('GET /users/me'), 1);
});

/** Console errors and uncaught exceptions of a page, CSP violations among them. */
function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

browserTest('/docs logs no console error: nothing on the page is blocked by its CSP', async (t) => {
  const server = await startServer(t);
  const page = await (await launchBrowser(t)).newPage();
  const errors = collectErrors(page);
  await page.goto(`${server.baseUrl}/docs`);
  await page.waitForSelector('#operations-users-get_users_me');
  await page.click('button.authorize');
  await page.waitForSelector('#oauth_username');
  assert.deepEqual(errors, []);
});

browserTest('the /docs Authorize dialog asks for username and password only: no client_id, client_secret or their location', async (t) => {
  const server = await startServer(t);
  const page = await (await launchBrowser(t)).newPage();
  await page.goto(`${server.baseUrl}/docs`);
  await page.click('button.authorize');
  await page.waitForSelector('#oauth_username');
  assert.equal(await page.isVisible('#oauth_username'), true);
  assert.equal(await page.isVisible('#oauth_password'), true);
  // within the dialog: the page behind it lists routes such as /admin/clients/{client_id}
  const dialog = page.locator('.dialog-ux');
  for (const field of ['client_id', 'client_secret', 'Client credentials location']) {
    assert.equal(await dialog.getByText(field).filter({ visible: true }).count(), 0, `"${field}" is shown`);
  }
  const visibleInputs = await page.locator('.auth-container input:visible, .auth-container select:visible').evaluateAll(
    (inputs) => inputs.map((input) => input.id),
  );
  assert.deepEqual(visibleInputs, ['oauth_username', 'oauth_password']);
});
