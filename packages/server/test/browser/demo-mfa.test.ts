// The demo page's second factor in real Chromium: enrol TOTP (the code computed from the secret the
// page shows, as an authenticator app would), see the recovery codes, log out, and log in with the
// password and then a code. With SCREENSHOTS_DIR set, the enrolment and the second step are saved
// there (docs/images/mfa-enrol.png and mfa-login.png come from this test).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers.js';
import { codeAt } from '../http/routes/mfa/mfa-helpers.js';
import { browserTest, launchBrowser, startServer } from './harness.js';

const screenshotsDir = process.env.SCREENSHOTS_DIR;

async function screenshot(page: Page, name: string): Promise<void> {
  if (screenshotsDir) await page.screenshot({ path: join(screenshotsDir, name), fullPage: true });
}

async function logIn(page: Page, login: string): Promise<void> {
  await page.fill('#login-form input[name=login]', login);
  await page.fill('#login-form input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
}

browserTest('the demo enrols TOTP with its QR code, shows the recovery codes, and logs in with password and code', async (t) => {
  const server = await startServer(t);
  const username = await server.registerUser();
  const page = await (await launchBrowser(t)).newPage();
  await page.setViewportSize({ width: 800, height: 900 });
  await page.goto(`${server.baseUrl}/demo`);
  await logIn(page, username);
  await page.waitForSelector('#logged-in', { state: 'visible' });
  await page.waitForFunction(() => document.getElementById('mfa-status')?.textContent === 'TOTP is off.');

  await page.click('#totp-start');
  await page.waitForSelector('#totp-qr svg', { state: 'visible' });
  const secret = await page.innerText('#totp-secret');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await screenshot(page, 'mfa-enrol.png');
  await page.fill('#totp-confirm-form input[name=code]', codeAt(secret, Date.now()));
  await page.click('#totp-confirm-form button[type=submit]');
  await page.waitForSelector('#recovery', { state: 'visible' });
  const codes = (await page.innerText('#recovery-codes')).split('\n');
  assert.equal(codes.length, 10);
  await page.waitForFunction(() => document.getElementById('mfa-status')?.textContent === 'TOTP is on; 10 recovery codes left.');

  await page.click('#logout');
  await page.waitForSelector('#logged-out', { state: 'visible' });
  assert.equal(await page.isVisible('#recovery'), false, 'the codes are gone from the page');
  await logIn(page, username);
  await page.waitForSelector('#mfa-form', { state: 'visible' });
  assert.equal(await page.isVisible('#logged-in'), false, 'no session before the second step');
  await screenshot(page, 'mfa-login.png');
  // the confirming code's step is spent: the next step's code (inside the ±1 window) is a fresh one
  await page.fill('#mfa-form input[name=code]', codeAt(secret, Date.now(), 1));
  await page.click('#mfa-form button[type=submit]');
  await page.waitForSelector('#logged-in', { state: 'visible' });
  assert.match(await page.innerText('#who'), new RegExp(`^${username} \\(user\\)$`));
  assert.equal(await page.isVisible('#mfa-form'), false);
  assert.equal(server.count('POST /auth/mfa/verify'), 1);
});
