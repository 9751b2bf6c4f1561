// The demo page's mail flows in real Chromium, the mail going to a real SMTP server: forgot
// password through the reset link to a new session (the old ones gone), magic link and code,
// the verify and email-change pages, and account deletion. The browser opens the mailed links.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { freePort, PASSWORD } from '../helpers.js';
import { SmtpSink } from '../mail/smtp-sink.js';
import { browserTest, launchBrowser, startServer, type LiveServer } from './harness.js';

const NEW_PASSWORD = 'a brand new passphrase 42';

interface Setup { server: LiveServer; sink: SmtpSink; page: Page; username: string; email: string }

/** A server whose mailed links name its own port, its SMTP sink, a registered user and a page on /demo. */
async function setUp(t: TestContext, env: Record<string, string> = {}): Promise<Setup> {
  const sink = await SmtpSink.start();
  t.after(() => sink.stop());
  const server = await startServer(t, { PORT: String(await freePort()), SMTP_URL: sink.url, EMAIL_VERIFICATION: 'off', ...env });
  const username = await server.registerUser();
  const page = await (await launchBrowser(t)).newPage();
  await page.goto(`${server.baseUrl}/demo`);
  await page.waitForSelector('#logged-out', { state: 'visible' });
  return { server, sink, page, username, email: `${username}@example.com` };
}

async function post(server: LiveServer, path: string, body: object): Promise<Response> {
  return fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function submit(page: Page, form: string, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) await page.fill(`#${form} input[name=${name}]`, value);
  await page.click(`#${form} button[type=submit]`);
}

async function noticeMatches(page: Page, pattern: RegExp): Promise<void> {
  await page.waitForFunction((source) => new RegExp(source).test(document.getElementById('notice')?.textContent ?? ''), pattern.source);
  assert.equal(await page.innerText('#message'), '', 'no error shown');
}

browserTest('forgot password: the mailed link opens the reset page, a new password logs in, the old sessions are gone', async (t) => {
  const { server, sink, page, username, email } = await setUp(t);
  const old = await post(server, '/auth/login', { email, password: PASSWORD });
  assert.equal(old.status, 200);
  const { access_token: accessToken, refresh_token: refreshToken } = (await old.json()) as { access_token: string; refresh_token: string };

  await page.click('#forgot');
  await submit(page, 'forgot-form', { email });
  await noticeMatches(page, /reset link is on its way/);
  const mail = await sink.nextMail(email);
  assert.ok(mail.link?.startsWith(`${server.baseUrl}/demo/reset-password?token=`), mail.link);

  await page.goto(mail.link!);
  await page.waitForSelector('#reset-form', { state: 'visible' });
  assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
  await submit(page, 'reset-form', { email, new_password: NEW_PASSWORD });
  await page.waitForSelector('#logged-in', { state: 'visible' });
  await noticeMatches(page, /password is set, and you are logged in/);
  assert.match(await page.innerText('#who'), new RegExp(`^${username} \\(user\\)$`));
  assert.equal(await page.isVisible('#reset-form'), false);

  const refreshed = await post(server, '/auth/refresh', { access_token: accessToken, refresh_token: refreshToken });
  assert.equal(refreshed.status, 401);
  assert.equal(((await refreshed.json()) as { code: string }).code, 'session_revoked');
  await page.click('#call-me');
  await page.waitForSelector('#me-result[data-status="200"]');
  assert.equal((await post(server, '/auth/login', { email, password: PASSWORD })).status, 401, 'the old password is gone');

  // the used link, opened again, says so at once and shows no form to fill
  await page.goto(mail.link!);
  await page.waitForFunction(() => (document.getElementById('message')?.textContent ?? '') !== '');
  assert.equal(await page.isVisible('#reset-form'), false);
});

browserTest('magic link: "Email me a link" and the opened link log in; "Delete my account" asks the password and logs out', async (t) => {
  // the address is verified first: a magic link proving an unverified address clears the password
  // set before it (docs/hardening.md, pre-hijacking), and this account's password is asked below
  const { server, sink, page, username, email } = await setUp(t, { EMAIL_VERIFICATION: 'optional' });
  await page.goto((await sink.nextMail(email)).link!);
  await noticeMatches(page, new RegExp(`^${email} is verified\\.$`));
  await submit(page, 'magic-form', { email });
  await noticeMatches(page, /a link and a code are on their way/);
  const mail = await sink.nextMail(email);
  assert.ok(mail.link?.startsWith(`${server.baseUrl}/demo/magic-link?token=`), mail.link);

  await page.goto(mail.link!);
  await page.waitForSelector('#logged-in', { state: 'visible' });
  await noticeMatches(page, /Logged in with the mailed link/);
  assert.match(await page.innerText('#who'), new RegExp(`^${username} `));

  await submit(page, 'delete-form', { current_password: 'not my password' });
  await page.waitForFunction(() => (document.getElementById('message')?.textContent ?? '') !== '');
  assert.equal(await page.isVisible('#logged-in'), true);
  await submit(page, 'delete-form', { current_password: PASSWORD });
  await page.waitForSelector('#logged-out', { state: 'visible' });
  await noticeMatches(page, /Your account is deleted/);
  assert.equal((await post(server, '/auth/login', { email, password: PASSWORD })).status, 401);
});

browserTest('the verify page verifies at once; the mailed code logs in; the email-change page confirms the new address', async (t) => {
  const { server, sink, page, email } = await setUp(t, { EMAIL_VERIFICATION: 'optional' });
  const verifyMail = await sink.nextMail(email); // registration's link
  assert.ok(verifyMail.link?.startsWith(`${server.baseUrl}/demo/verify-email?token=`), verifyMail.link);
  await page.goto(verifyMail.link!);
  await noticeMatches(page, new RegExp(`^${email} is verified\\.$`));
  assert.equal(new URL(page.url()).pathname, '/demo');

  await submit(page, 'magic-form', { email });
  const { code } = await sink.nextMail(email);
  await submit(page, 'code-form', { code: code! });
  await page.waitForSelector('#logged-in', { state: 'visible' });

  const newEmail = `moved-${email}`;
  await submit(page, 'email-form', { new_email: newEmail, current_password: PASSWORD });
  await noticeMatches(page, /confirmation link is on its way to the new address/);
  const confirmation = await sink.nextMail(newEmail);
  assert.ok(confirmation.link?.startsWith(`${server.baseUrl}/demo/confirm-email-change?token=`), confirmation.link);
  await page.goto(confirmation.link!);
  await noticeMatches(page, new RegExp(`^Your address is now ${newEmail}\\.$`));
  assert.equal((await post(server, '/auth/login', { email: newEmail, password: PASSWORD })).status, 200);
});

browserTest('the address-change notice\'s "this wasn\'t me" page cancels the change on its button, not on opening', async (t) => {
  const { server, sink, page, username, email } = await setUp(t);
  const login = await (await post(server, '/auth/login', { username, password: PASSWORD })).json() as { access_token: string };
  const intruder = `intruder-${email}`;
  const asked = await fetch(`${server.baseUrl}/users/me/email`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.access_token}` },
    body: JSON.stringify({ new_email: intruder, current_password: PASSWORD }),
  });
  assert.equal(asked.status, 202);
  const confirmation = await sink.nextMail(intruder);
  const notice = await sink.nextMail(email);
  assert.ok(notice.link?.startsWith(`${server.baseUrl}/demo/cancel-email-change?token=`), notice.link);
  await page.goto(notice.link!);
  await page.waitForSelector('#cancel-change-form', { state: 'visible' });
  assert.equal(server.count('POST /auth/email/change/cancel'), 0, 'opening the page changes nothing');
  await page.click('#cancel-change-form button[type=submit]');
  await noticeMatches(page, new RegExp(`^The change is cancelled: ${email} stays the address`));
  assert.equal((await post(server, '/auth/email/change/confirm', { token: confirmation.token })).status, 400);
});
