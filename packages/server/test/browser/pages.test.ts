// The pages in Chromium (docs/pages.md): a person signs in by keyboard alone, and axe-core finds
// no serious or critical WCAG 2.1 A/AA violation on any page, in English and in Korean (one test
// each), each page saying its language in <html lang>.
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { freePort, PASSWORD } from '../helpers.js';
import { codeAt } from '../http/routes/mfa/mfa-helpers.js';
import { browserTest, launchBrowser, startServer, type LiveServer } from './harness.js';

async function server(t: Parameters<Parameters<typeof browserTest>[1]>[0]): Promise<LiveServer> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  return startServer(t, { PORT: String(port), WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin }, port);
}

async function newPage(browser: Browser, locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  return context.newPage();
}

/** The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page, as readable lines. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${page.url()}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Tab until the element matching `selector` has the focus. */
async function tabTo(page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 20; presses += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((wanted) => document.activeElement?.matches(wanted) ?? false, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

browserTest('a person signs in with the keyboard alone', async (t) => {
  const live = await server(t);
  const username = await live.registerUser();
  const browser = await launchBrowser(t);
  const page = await newPage(browser, 'en-US');
  await page.goto(`${live.baseUrl}/signin`);
  await tabTo(page, '#login');
  await page.keyboard.type(username);
  await tabTo(page, '#password');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${live.baseUrl}/signed-in`);
  assert.equal(await page.locator('h1').textContent(), 'Signed in');
  // and out again, by keyboard
  await tabTo(page, 'button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${live.baseUrl}/signed-out`);
  await page.goto(`${live.baseUrl}/signed-in`);
  assert.equal(new URL(page.url()).pathname, '/signin');
});

for (const [locale, lang] of [['en-US', 'en'], ['ko-KR', 'ko']] as const) {
browserTest(`axe-core finds no serious or critical violation on any page, in ${locale}`, async (t) => {
  const live = await server(t);
  // an account with TOTP, for the second step's page
  const username = await live.registerUser();
  const login = await (await fetch(`${live.baseUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) })).json() as { access_token: string };
  const auth = { authorization: `Bearer ${login.access_token}`, 'content-type': 'application/json' };
  const { secret } = await (await fetch(`${live.baseUrl}/users/me/mfa/totp`, { method: 'POST', headers: { authorization: auth.authorization } })).json() as { secret: string };
  const confirmed = await fetch(`${live.baseUrl}/users/me/mfa/totp/confirm`, { method: 'POST', headers: auth, body: JSON.stringify({ code: codeAt(secret, Date.now()) }) });
  assert.equal(confirmed.status, 200);
  const plain = await live.registerUser();

  const browser = await launchBrowser(t);
  const found: string[] = [];
  {
    const page = await newPage(browser, locale);
    const visit = async (path: string) => {
      await page.goto(`${live.baseUrl}${path}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang, path);
      found.push(...await violations(page));
    };
    for (const path of ['/signin', '/signin?login_hint=someone', '/signin/passkey', '/register', '/forgot', '/reset?token=not-a-live-token',
      '/verify-email?token=abc', '/signed-out', '/signin/provider/nonesuch']) {
      await visit(path);
    }
    // a refused sign-in shows its error on the page
    await page.goto(`${live.baseUrl}/signin`);
    await page.fill('#login', plain);
    await page.fill('#password', 'not the password');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[role="alert"]');
    found.push(...await violations(page));
    // the second step
    await page.fill('#login', username);
    await page.fill('#password', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#code');
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    found.push(...await violations(page));
    // signed in
    await page.goto(`${live.baseUrl}/signin?prompt=login`);
    await page.fill('#login', plain);
    await page.fill('#password', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForURL(`${live.baseUrl}/signed-in`);
    found.push(...await violations(page));
    await page.context().close();
  }
  assert.deepEqual(found, []);
});
}

browserTest('a passkey added on the demo page signs in on /signin/passkey (its one script, under the CSP) and goes on', async (t) => {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const live = await startServer(t, { PORT: String(port), WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: origin }, port);
  const username = await live.registerUser();
  const browser = await launchBrowser(t);
  const page = await (await browser.newContext()).newPage();
  const violations: string[] = [];
  page.on('console', (message) => { if (/Content Security Policy/i.test(message.text())) violations.push(message.text()); });
  await page.goto(`${origin}/demo`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  await page.fill('#login-form input[name=login]', username);
  await page.fill('#login-form input[name=password]', PASSWORD);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#logged-in', { state: 'visible' });
  await page.fill('#add-passkey-form input[name=name]', 'Virtual key');
  await page.click('#add-passkey-form button[type=submit]');
  await page.waitForSelector('#passkey-list li:has-text("Virtual key")');

  const request = 'AbCdEfGhIjKlMnOpQrStUvWx';
  await page.goto(`${origin}/signin/passkey?continue=${request}`);
  await page.waitForSelector('#passkey-form', { state: 'visible' });
  const continued = page.waitForRequest((sent) => sent.url().startsWith(`${origin}/oauth/authorize/continue?request=${request}`));
  await page.click('#passkey-form button[type=submit]');
  await continued;
  await page.goto(`${origin}/signed-in`);
  assert.equal(new URL(page.url()).pathname, '/signed-in');
  assert.deepEqual(violations, []);
});

for (const [locale, lang] of [['en-US', 'en'], ['ko-KR', 'ko']] as const) {
browserTest(`the mailed links' landing pages (magic link, email change, its cancel) pass axe, and a dead link says so, in ${locale}`, async (t) => {
  const live = await server(t);
  const browser = await launchBrowser(t);
  const page = await newPage(browser, locale);
  const found: string[] = [];
  for (const path of ['/magic-link?token=abc', '/confirm-email-change?token=abc', '/cancel-email-change?token=abc']) {
    await page.goto(`${live.baseUrl}${path}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang, path);
    found.push(...await violations(page));
  }
  await page.goto(`${live.baseUrl}/magic-link?token=not-a-live-token`);
  await page.focus('button[type="submit"]');
  await page.keyboard.press('Enter'); // by keyboard alone
  await page.waitForSelector('[role="alert"]');
  assert.equal(await page.getAttribute('html', 'lang'), lang);
  found.push(...await violations(page));
  await page.context().close();
  assert.deepEqual(found, []);
});
}
