// The demo page in real Chromium: login, a silent refresh across an access-token expiry, two
// tabs refreshing at once, and logout. Access tokens live 3 s here: the browser's clock cannot be
// fixed, so each test waits for one real expiry (about 3 s, bounded by the waits' timeouts).
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers.js';
import { browserTest, launchBrowser, startServer, type LiveServer } from './harness.js';

const SHORT_LIVED = { ACCESS_TOKEN_TTL: '3s', CLOCK_TOLERANCE: '0s' };
const STORAGE_KEY = 'gatehouse.tokens';
const EXPIRY_WAIT_MS = 10_000;

async function logIn(page: Page, login: string): Promise<void> {
  await page.fill('#login-form input[name=login]', login);
  await page.fill('#login-form input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#logged-in', { state: 'visible' });
}

async function callMe(page: Page): Promise<{ status: string | null; text: string }> {
  await page.click('#call-me');
  const result = await page.waitForSelector('#me-result:not([data-status="pending"])[data-status]');
  return { status: await result.getAttribute('data-status'), text: await result.innerText() };
}

/** Two tabs of one browser on the demo: a new user logs in on the first, the second follows (shared localStorage). */
async function twoTabsLoggedIn(t: TestContext, server: LiveServer): Promise<[Page, Page]> {
  const username = await server.registerUser();
  const context = await (await launchBrowser(t)).newContext();
  const [one, two] = [await context.newPage(), await context.newPage()];
  await one.goto(`${server.baseUrl}/demo`);
  await logIn(one, username);
  await two.goto(`${server.baseUrl}/demo`);
  await two.waitForSelector('#logged-in', { state: 'visible' });
  return [one, two];
}

function storedTokens(page: Page): Promise<{ accessToken: string; refreshToken: string } | null> {
  return page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null'), STORAGE_KEY);
}

browserTest('the demo logs in and survives an access-token expiry through a silent refresh', async (t) => {
  const server = await startServer(t, SHORT_LIVED);
  const username = await server.registerUser();
  const page = await (await launchBrowser(t)).newPage();
  await page.goto(`${server.baseUrl}/demo`);
  await page.waitForSelector('#logged-out', { state: 'visible' });
  await logIn(page, username);
  assert.match(await page.innerText('#who'), new RegExp(`^${username} \\(user\\)$`));
  const first = await storedTokens(page);

  await page.waitForSelector('#token-life[data-expired="true"]', { timeout: EXPIRY_WAIT_MS });
  const me = await callMe(page);
  assert.equal(me.status, '200', me.text);
  assert.match(me.text, new RegExp(`"username": "${username}"`));
  assert.equal(server.count('POST /auth/refresh'), 1);
  assert.notEqual((await storedTokens(page))?.refreshToken, first?.refreshToken);
  assert.equal(await page.isVisible('#logged-in'), true);
});

browserTest('two tabs refreshing at once both stay logged in, with one refresh request', async (t) => {
  const server = await startServer(t, SHORT_LIVED);
  const [one, two] = await twoTabsLoggedIn(t, server);

  await one.waitForSelector('#token-life[data-expired="true"]', { timeout: EXPIRY_WAIT_MS });
  await two.waitForSelector('#token-life[data-expired="true"]', { timeout: EXPIRY_WAIT_MS });
  const [a, b] = await Promise.all([callMe(one), callMe(two)]);
  assert.deepEqual([a.status, b.status], ['200', '200'], `${a.text}\n${b.text}`);
  assert.equal(server.count('POST /auth/refresh'), 1, 'the second tab used the first tab\'s new pair');
  assert.deepEqual(await storedTokens(one), await storedTokens(two));
  assert.deepEqual([await one.isVisible('#logged-in'), await two.isVisible('#logged-in')], [true, true]);
});

browserTest('logout in one tab logs out every tab and ends the session on the server', async (t) => {
  const server = await startServer(t);
  const [one, two] = await twoTabsLoggedIn(t, server);
  const tokens = await storedTokens(one);

  await one.click('#logout');
  await one.waitForSelector('#logged-out', { state: 'visible' });
  await two.waitForSelector('#logged-out', { state: 'visible' });
  assert.equal(await storedTokens(two), null);
  const me = await fetch(`${server.baseUrl}/users/me`, { headers: { authorization: `Bearer ${tokens?.accessToken}` } });
  assert.equal(me.status, 401);
  assert.equal(((await me.json()) as { code: string }).code, 'session_revoked');
});

browserTest('registering on the demo page logs the new user in', async (t) => {
  const server = await startServer(t);
  const page = await (await launchBrowser(t)).newPage();
  await page.goto(`${server.baseUrl}/demo`);
  await page.fill('#register-form input[name=username]', 'dora');
  await page.fill('#register-form input[name=email]', 'dora@example.com');
  await page.fill('#register-form input[name=password]', PASSWORD);
  await page.click('#register-form button[type=submit]');
  await page.waitForSelector('#logged-in', { state: 'visible' });
  const me = await callMe(page);
  assert.equal(me.status, '200', me.text);
  assert.match(me.text, /"email": "dora@example.com"/);
});
