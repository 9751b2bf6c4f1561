// The account pages (docs/architecture.md, "Pages"): register signs in with a browser session and
// carries `continue`; forgot answers alike for any address and mails a link; the reset page sets
// the password through the mailed token and ends every session; the verify-email page verifies
// on a POST only; each form refuses a missing CSRF token; escaping holds on what is echoed back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { bearer, createTestApp, registerUser, type TestApp } from '../../helpers.js';
import { csrfOf, inputValue, PageBrowser } from './page-browser.js';

let t: TestApp;
/** The links the log transport printed, newest last. */
const mailed: string[] = [];
before(async () => {
  t = await createTestApp({ LOG_LEVEL: 'info' }, {
    logStream: { write: (line: string) => { for (const link of line.match(/https?:\/\/[^\s"\\]+token=[A-Za-z0-9_-]+/g) ?? []) mailed.push(link); } },
  });
});
after(async () => { await t.close(); });

const REQUEST_ID = 'AbCdEfGhIjKlMnOpQrStUvWx';

async function drainMail(): Promise<void> {
  await t.mail.worker?.drain();
}

test('register creates the account, signs the browser in and goes on to continue', async () => {
  const browser = new PageBrowser(t.app);
  const page = await browser.get(`/register?continue=${REQUEST_ID}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /autocomplete="new-password"/);
  const res = await browser.post('/register', {
    csrf: csrfOf(page.body), continue: REQUEST_ID, username: 'pageuser1', email: 'pageuser1@example.com', password: 'a long enough password 1',
  });
  assert.equal(res.statusCode, 303, res.body);
  assert.equal(res.headers.location, `/oauth/authorize/continue?request=${REQUEST_ID}`);
  assert.equal((await browser.get('/signed-in')).statusCode, 200);
});

test('register shows the core\'s refusal on the page, with what was typed escaped, and no password', async () => {
  const taken = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  const page = await browser.get('/register');
  const res = await browser.post('/register', { csrf: csrfOf(page.body), username: taken.username, email: '"<b>@example.com', password: 'a long enough password 1' });
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, res.body);
  assert.ok(res.headers['gatehouse-error']);
  assert.doesNotMatch(res.body, /<b>@/);
  assert.equal(inputValue(res.body, 'password'), undefined);
  const refused = await browser.post('/register', { username: 'x', email: 'x@example.com', password: 'a long enough password 1' });
  assert.equal(refused.statusCode, 403);
  assert.equal(refused.headers['gatehouse-error'], 'csrf_failed');
});

test('forgot answers alike for a known and an unknown address; the mailed link\'s reset page sets the password and ends every session', async () => {
  const user = await registerUser(t.app);
  const browser = new PageBrowser(t.app);
  const page = await browser.get('/forgot');
  assert.equal(page.statusCode, 200);
  const known = await browser.post('/forgot', { csrf: csrfOf(page.body), email: user.email });
  const unknown = await browser.post('/forgot', { csrf: csrfOf(page.body), email: 'nobody-here@example.com' });
  assert.equal(known.statusCode, 200);
  assert.equal(known.body.replace(/value="[^"]*"/g, ''), unknown.body.replace(/value="[^"]*"/g, ''));
  await drainMail();
  const link = [...mailed].reverse().find((url) => url.includes('reset'));
  assert.ok(link, `a reset link was mailed: ${mailed.join(', ')}`);
  const token = new URL(link).searchParams.get('token')!;

  const form = await browser.get(`/reset?token=${token}`);
  assert.equal(form.statusCode, 200, form.body);
  assert.equal(inputValue(form.body, 'token'), token);
  const done = await browser.post('/reset', { csrf: csrfOf(form.body), token, new_password: 'a brand new password 42' });
  assert.equal(done.statusCode, 200, done.body);
  assert.match(done.body, /role="status"/);
  assert.equal((await t.app.inject({ method: 'GET', url: '/users/me', headers: bearer(user.tokens.access_token) })).statusCode, 401, 'every session ended');
  const api = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: 'a brand new password 42' } });
  assert.equal(api.statusCode, 200);

  const spent = await browser.get(`/reset?token=${token}`);
  assert.equal(spent.statusCode, 400);
  assert.equal(spent.headers['gatehouse-error'], 'link_invalid');
  const garbage = await browser.get('/reset?token=%3Cscript%3E');
  assert.equal(garbage.statusCode, 400);
  assert.doesNotMatch(garbage.body, /<script>/);
});

test('the verify-email page spends nothing on GET and verifies on the POST', async () => {
  const browser = new PageBrowser(t.app);
  const page = await browser.get('/register');
  await browser.post('/register', { csrf: csrfOf(page.body), username: 'verifyme1', email: 'verifyme1@example.com', password: 'a long enough password 1' });
  await drainMail();
  const link = [...mailed].reverse().find((url) => url.includes('verify'));
  assert.ok(link);
  const token = new URL(link).searchParams.get('token')!;
  const shown = await browser.get(`/verify-email?token=${token}`);
  assert.equal(shown.statusCode, 200);
  const user = await t.stores.users.findByLogin('verifyme1');
  assert.equal(user?.emailVerified, false, 'a GET verifies nothing');
  const done = await browser.post('/verify-email', { csrf: csrfOf(shown.body), token });
  assert.equal(done.statusCode, 200, done.body);
  assert.equal((await t.stores.users.findByLogin('verifyme1'))?.emailVerified, true);
  const again = await browser.post('/verify-email', { csrf: csrfOf(shown.body), token });
  assert.equal(again.statusCode, 400);
});

test('the magic-link page spends nothing on GET; its POST signs the browser in (a browser session, no token in the page); a spent link says so', async () => {
  const user = await registerUser(t.app);
  const asked = await t.app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email: user.email } });
  assert.ok(asked.statusCode < 300, asked.body);
  await drainMail();
  const link = [...mailed].reverse().find((url) => url.includes('magic-link'));
  assert.ok(link, `a magic link was mailed: ${mailed.join(', ')}`);
  const token = new URL(link).searchParams.get('token')!;
  const browser = new PageBrowser(t.app);
  const shown = await browser.get(`/magic-link?token=${token}`);
  assert.equal(shown.statusCode, 200, shown.body);
  assert.equal(inputValue(shown.body, 'token'), token);
  assert.equal((await browser.get(`/magic-link?token=${token}`)).statusCode, 200, 'a GET (a mail scanner) spent nothing');
  const done = await browser.post('/magic-link', { csrf: csrfOf(shown.body), token });
  assert.equal(done.statusCode, 303, done.body);
  assert.equal(done.headers.location, '/signed-in');
  assert.equal((await browser.get('/signed-in')).statusCode, 200, 'the browser is signed in');
  const spent = await browser.post('/magic-link', { csrf: csrfOf((await browser.get(`/magic-link?token=${token}`)).body), token });
  assert.equal(spent.statusCode, 400);
  assert.match(spent.body, /invalid or has expired/);
  const ko = await browser.get(`/magic-link?token=${token}`, { 'accept-language': 'ko' });
  assert.match(ko.body, /<html lang="ko">/);
});

test('the email-change pages: confirm on the new address\'s link (POST only) changes it; the old address\'s link cancels and ends every session', async () => {
  const user = await registerUser(t.app);
  const change = (newEmail: string, token: string) => t.app.inject({
    method: 'POST', url: '/users/me/email', headers: bearer(token), payload: { new_email: newEmail, current_password: user.password },
  });
  const asked = await change(`new-${user.email}`, user.tokens.access_token);
  assert.equal(asked.statusCode < 300, true, asked.body);
  await drainMail();
  const confirmLink = [...mailed].reverse().find((url) => url.includes('confirm-email-change'));
  assert.ok(confirmLink, `a confirmation link was mailed: ${mailed.join(', ')}`);
  const token = new URL(confirmLink).searchParams.get('token')!;
  const browser = new PageBrowser(t.app);
  const shown = await browser.get(`/confirm-email-change?token=${token}`);
  assert.equal(shown.statusCode, 200, shown.body);
  assert.equal((await t.stores.users.findById(user.userId))?.email, user.email, 'a GET changes nothing');
  const done = await browser.post('/confirm-email-change', { csrf: csrfOf(shown.body), token });
  assert.equal(done.statusCode, 200, done.body);
  assert.match(done.body, /role="status"/);
  assert.equal((await t.stores.users.findById(user.userId))?.email, `new-${user.email}`);
  assert.equal((await browser.post('/confirm-email-change', { csrf: csrfOf(shown.body), token })).statusCode, 400, 'spent');

  const other = await registerUser(t.app);
  const pair = (await t.app.inject({ method: 'POST', url: '/auth/login', payload: { username: other.username, password: other.password } })).json();
  await t.app.inject({ method: 'POST', url: '/users/me/email', headers: bearer(pair.access_token), payload: { new_email: `moved-${other.email}`, current_password: other.password } });
  await drainMail();
  const cancelLink = [...mailed].reverse().find((url) => url.includes('cancel-email-change'));
  assert.ok(cancelLink, `a cancel link was mailed: ${mailed.join(', ')}`);
  const cancelToken = new URL(cancelLink).searchParams.get('token')!;
  const cancelPage = await browser.get(`/cancel-email-change?token=${cancelToken}`, { 'accept-language': 'ko' });
  assert.equal(cancelPage.statusCode, 200);
  assert.match(cancelPage.body, /<html lang="ko">/);
  const cancelled = await browser.post('/cancel-email-change', { csrf: csrfOf(cancelPage.body), token: cancelToken });
  assert.equal(cancelled.statusCode, 200, cancelled.body);
  assert.equal((await t.stores.users.findById(other.userId))?.email, other.email);
  assert.equal((await t.app.inject({ method: 'GET', url: '/users/me', headers: bearer(other.tokens.access_token) })).statusCode, 401, 'every session ended');
});
