// The admin console in Chromium (docs/console.md): an admin signs in through the sign-in page, finds
// a user by email, ends their sessions (their token then fails), disables and re-enables them,
// registers a client and gives it a new secret, adds a webhook endpoint and sends a failed delivery
// again from its delivery log; and axe-core finds no serious or critical WCAG 2.1 A/AA violation on any console page, in English and
// in Korean. With CONSOLE_SCREENSHOTS=<folder> it also saves the main pages there (docs/images/).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { TestContext } from 'node:test';
import { PASSWORD } from '../helpers.js';
import { browserTest, launchBrowser, startServer, type LiveServer } from './harness.js';

const SHOTS = process.env.CONSOLE_SCREENSHOTS;

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${page.url()}: ${violation.id} (${violation.impact}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** A check of the page as it stands: in `lang`, and its axe violations added to `found`. */
function checker(page: Page, lang: string, found: string[]) {
  return async () => {
    assert.equal(await page.getAttribute('html', 'lang'), lang, page.url());
    found.push(...await violations(page));
  };
}

async function makeAdmin(live: LiveServer): Promise<string> {
  const username = await live.registerUser();
  const [user] = await live.stores.users.list({ query: username, limit: 1 });
  await live.stores.users.update(user!.id, { role: 'admin' }, new Date());
  return username;
}

/** A browser tab signed in as `username` through the sign-in page, having asked for `/admin` (or `path`) first: the sign-in comes back there. */
async function signIn(browser: Browser, live: LiveServer, username: string, locale: string, path = '/admin'): Promise<Page> {
  const page = await (await browser.newContext({ locale, viewport: { width: 1200, height: 900 } })).newPage();
  await page.goto(`${live.baseUrl}${path}`);
  assert.equal(new URL(page.url()).pathname, '/signin');
  await page.fill('#login', username);
  await page.fill('#password', PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForURL(`${live.baseUrl}${path}`);
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
}

browserTest('an admin finds a user by email, ends their sessions, disables and re-enables them, and rotates a client secret', async (t) => {
  const live = await startServer(t);
  const admin = await makeAdmin(live);
  const target = await live.registerUser();
  const login = await fetch(`${live.baseUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: target, password: PASSWORD }) });
  const { access_token: token } = await login.json() as { access_token: string };
  const me = async () => (await fetch(`${live.baseUrl}/users/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  assert.equal(await me(), 200);

  const browser = await launchBrowser(t);
  const page = await signIn(browser, live, admin, 'en-US');
  await shoot(page, 'overview');
  await page.getByRole('link', { name: 'Users' }).click();
  await page.fill('input[type="search"]', `${target}@example.com`);
  await page.getByRole('button', { name: 'Search' }).click();
  await shoot(page, 'users');
  await page.getByRole('link', { name: target, exact: true }).click();
  await shoot(page, 'user');

  await page.getByRole('button', { name: 'End all sessions' }).click();
  assert.match(await page.locator('#confirm-question').textContent() ?? '', /End every session of/);
  await shoot(page, 'confirm');
  await page.getByRole('button', { name: 'End all sessions' }).click();
  await page.waitForSelector('[role="status"]');
  assert.match(await page.locator('[role="status"]').textContent() ?? '', /Every session of this user has ended/);
  assert.equal(await me(), 401, 'the user\'s token fails once their sessions end');

  await page.getByRole('button', { name: 'Disable the account' }).click();
  await page.getByRole('button', { name: 'Disable the account' }).click();
  await page.waitForSelector('[role="status"]');
  assert.match(await page.locator('main').textContent() ?? '', /Disabled/);
  const refused = await fetch(`${live.baseUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: target, password: PASSWORD }) });
  assert.equal(refused.status, 403);
  await page.getByRole('button', { name: 'Enable the account' }).click();
  await page.waitForSelector('[role="status"]');
  assert.match(await page.locator('[role="status"]').textContent() ?? '', /The account is enabled/);
  const again = await fetch(`${live.baseUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: target, password: PASSWORD }) });
  assert.equal(again.status, 200);

  await page.getByRole('link', { name: 'Audit' }).click();
  await shoot(page, 'audit');

  // a client, and a new secret for it
  await page.getByRole('link', { name: 'Clients' }).click();
  await page.fill('#client_name', 'Reports');
  await page.fill('#redirect_uris', 'https://reports.example.com/cb');
  await page.getByRole('button', { name: 'Register a client' }).click();
  const secret = () => page.locator('dt:text-is("client_secret") + dd code').textContent();
  const first = await secret();
  assert.ok(first);
  await page.getByRole('link', { name: 'Open the client' }).click();
  await shoot(page, 'client');
  await page.getByRole('button', { name: 'New secret' }).click();
  await page.getByRole('button', { name: 'New secret' }).click();
  const second = await secret();
  assert.ok(second && second !== first);
});

// one test per language: each stays well inside the harness's 60 s on a loaded machine
for (const [locale, lang] of [['en-US', 'en'], ['ko-KR', 'ko']] as const) {
  browserTest(`axe-core finds no serious or critical violation on the console's overview and user pages (${lang})`, async (t) => {
    const live = await startServer(t);
    const admin = await makeAdmin(live);
    const target = await live.registerUser();
    const browser = await launchBrowser(t);
    const found: string[] = [];
    const page = await signIn(browser, live, admin, locale);
    const check = checker(page, lang, found);
    await check(); // the overview
    await page.goto(`${live.baseUrl}/admin/console/users?q=${encodeURIComponent(target)}`);
    await check();
    await page.locator(`a:text-is("${target}")`).click();
    await page.waitForSelector('h2');
    await check(); // the user page
    await page.locator('form[action$="/actions/delete"] button').click();
    await page.waitForSelector('#typed');
    await check(); // a confirmation
    await page.fill('#typed', 'not the name');
    await page.locator('section form button[type="submit"]').click();
    await page.waitForSelector('[role="alert"]');
    await check(); // its error
    await page.goto(`${live.baseUrl}/admin/console/users/00000000-0000-7000-8000-000000000000`);
    await check(); // not found
    assert.deepEqual(found, []);
  });

  browserTest(`axe-core finds no serious or critical violation on the console's audit and client pages (${lang})`, async (t) => {
    const live = await startServer(t);
    const admin = await makeAdmin(live);
    const browser = await launchBrowser(t);
    const found: string[] = [];
    const page = await signIn(browser, live, admin, locale, '/admin/console/audit?type=login_succeeded');
    const check = checker(page, lang, found);
    await check(); // the audit log, filtered
    await page.goto(`${live.baseUrl}/admin/console/clients`);
    await check();
    await page.fill('#client_name', `App ${lang}`);
    await page.fill('#redirect_uris', 'https://app.example.com/cb');
    await page.locator('form[action$="/changes/register"] button').click();
    await page.waitForSelector('code');
    await check(); // the secret, shown once
    await page.locator('main p a').last().click();
    await page.waitForSelector('textarea');
    await check(); // the client's page
    assert.deepEqual(found, []);
  });
}

/** A webhook receiver on loopback answering `answer(n)` to its n-th request; it keeps each request's webhook-id. */
async function receiver(t: TestContext, answer: (n: number) => number) {
  const ids: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      ids.push(String(req.headers['webhook-id']));
      res.writeHead(answer(ids.length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, ids };
}

async function until(what: string, done: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const WEBHOOK_ENV = { WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' };

browserTest('an admin adds a webhook endpoint, sends a failed delivery again from its log, turns it off and gives it a new secret', async (t) => {
  const live = await startServer(t, WEBHOOK_ENV);
  const admin = await makeAdmin(live);
  const hook = await receiver(t, (n) => (n === 1 ? 503 : 200));
  const browser = await launchBrowser(t);
  const page = await signIn(browser, live, admin, 'en-US', '/admin/console/webhooks'); // back there after the sign-in
  await page.fill('#url', hook.url);
  await page.fill('#description', 'CRM sync');
  await page.getByLabel('user.created').check();
  await page.getByLabel('user.deleted').check();
  await page.getByRole('button', { name: 'Add an endpoint' }).click();
  const secret = () => page.locator('main dd code').first().textContent();
  const first = await secret();
  assert.match(first ?? '', /^whsec_/);
  await page.getByRole('link', { name: 'Open the endpoint' }).click();
  assert.match(await page.locator('main dl').textContent() ?? '', /user\.created, user\.deleted/);

  await live.registerUser(); // user.created: the first attempt fails (503), the retry 5 s later succeeds
  await until('the retry', () => hook.ids.length >= 2);
  await until('the log', async () => {
    await page.reload();
    return await page.getByRole('button', { name: 'Send again' }).count() === 1 && await page.locator('tbody tr').count() === 2;
  });
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await shoot(page, 'webhooks');
  await page.getByRole('link', { name: hook.url }).click();
  await shoot(page, 'webhook');
  await page.getByRole('button', { name: 'Send again' }).click();
  await page.waitForSelector('[role="status"]');
  assert.match(await page.locator('[role="status"]').textContent() ?? '', /queued to be sent again/);
  await until('the redelivery', () => hook.ids.length >= 3);
  assert.equal(hook.ids[2], hook.ids[0], 'the same webhook-id');

  await page.getByRole('button', { name: 'Turn the endpoint off' }).click();
  assert.match(await page.locator('#confirm-question').textContent() ?? '', /No events are sent to it/);
  await page.getByRole('button', { name: 'Turn the endpoint off' }).click();
  await page.waitForSelector('[role="status"]');
  assert.match(await page.locator('main dl').textContent() ?? '', /Off/);
  await page.getByRole('button', { name: 'Turn the endpoint on' }).click();
  await page.waitForSelector('[role="status"]');
  await page.getByRole('button', { name: 'New signing secret' }).click();
  await page.getByRole('button', { name: 'New signing secret' }).click();
  const second = await secret();
  assert.ok(second?.startsWith('whsec_') && second !== first);
});

// the same, per language, on the webhook pages
for (const [locale, lang] of [['en-US', 'en'], ['ko-KR', 'ko']] as const) {
  browserTest(`axe-core finds no serious or critical violation on the webhook pages (${lang})`, async (t) => {
    const live = await startServer(t, WEBHOOK_ENV);
    const admin = await makeAdmin(live);
    const hook = await receiver(t, () => 503);
    const browser = await launchBrowser(t);
    const found: string[] = [];
    const page = await signIn(browser, live, admin, locale);
    const check = checker(page, lang, found);
    await page.goto(`${live.baseUrl}/admin/console/webhooks`);
    await check(); // the list and the form
    await page.fill('#url', hook.url);
    await page.locator('input[name="events"][value="*"]').check();
    await page.locator('form[action$="/changes/create"] button').click();
    await page.waitForSelector('code');
    await check(); // the secret, shown once
    await page.locator('main p a').last().click();
    await page.waitForSelector('.actions');
    await live.registerUser();
    await until('a failed delivery', async () => {
      await page.reload();
      return await page.locator('tbody tr').count() > 0;
    });
    await check(); // the endpoint and its delivery log
    await page.locator('form[action$="/changes/delete"] button').click();
    await page.waitForSelector('#typed');
    await check(); // a confirmation
    await page.goto(`${live.baseUrl}/admin/console/webhooks`);
    await check(); // the list with endpoints
    assert.deepEqual(found, []);
  });
}
