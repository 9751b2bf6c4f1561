// The passkey page (its one script, served from our origin under the pages' CSP; a malformed
// assertion is a 400 page, not a 500) and sign-in with a provider from a page: through the real
// federation routes and a real OpenID Connect provider, back to a browser session, the return bound
// to the browser that left.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '../../helpers.js';
import { TestBrowser } from '../../federation/browser.js';
import { account, atCallback, startStand } from '../../federation/harness.js';
import { csrfOf, PageBrowser } from './page-browser.js';

const REQUEST_ID = 'AbCdEfGhIjKlMnOpQrStUvWx';

test('the passkey page loads its one script from our origin; the script is served as JavaScript', async (t) => {
  const app = await createTestApp({ WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: 'http://localhost:3000' });
  t.after(() => app.close());
  const browser = new PageBrowser(app.app);
  const page = await browser.get(`/signin/passkey?continue=${REQUEST_ID}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<script src="\/pages\/passkey.js" defer><\/script>/);
  assert.doesNotMatch(page.body, /<script>[^<]/, 'no inline script');
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
  const script = await app.app.inject({ method: 'GET', url: '/pages/passkey.js' });
  assert.equal(script.statusCode, 200);
  assert.match(String(script.headers['content-type']), /^text\/javascript/);
  assert.match(script.body, /navigator\.credentials\.get/);

  const malformed = await browser.post('/signin/passkey', { csrf: csrfOf(page.body), response: '{"id":"<x>"}' });
  assert.equal(malformed.statusCode, 400);
  assert.equal(malformed.headers['gatehouse-error'], 'validation_failed');
  const noCsrf = await browser.post('/signin/passkey', { response: '{}' });
  assert.equal(noCsrf.statusCode, 403);
  assert.equal(noCsrf.headers['gatehouse-error'], 'csrf_failed');
});

test('the sign-in page links each configured provider; signing in through one sets a browser session and goes on', async (t) => {
  const who = account();
  const stand = await startStand(t, [who]);
  const browser = new TestBrowser();
  const signin = await browser.get(`${stand.baseUrl}/signin?continue=${REQUEST_ID}`);
  assert.match(await signin.text(), new RegExp(`href="/signin/provider/local\\?continue=${REQUEST_ID}"`));

  const start = await browser.get(`${stand.baseUrl}/signin/provider/local?continue=${REQUEST_ID}`);
  assert.equal(start.status, 303);
  const federated = await browser.get(new URL(start.headers.get('location')!, stand.baseUrl));
  assert.equal(federated.status, 302);
  const callback = await atCallback(stand, browser, new URL(federated.headers.get('location')!), who);
  const back = await browser.get(callback);
  const done = new URL(back.headers.get('location')!);
  assert.equal(done.pathname, '/signin/provider/local/done');

  // another browser cannot use this return: it is bound to the browser that left
  const thief = await new TestBrowser().get(done);
  assert.equal(thief.status, 403);
  assert.equal(thief.headers.get('gatehouse-error'), 'csrf_failed');

  const finished = await browser.get(done);
  assert.equal(finished.status, 303, await finished.text());
  assert.equal(finished.headers.get('location'), `/oauth/authorize/continue?request=${REQUEST_ID}`);
  const signedIn = await browser.get(`${stand.baseUrl}/signed-in`);
  assert.equal(signedIn.status, 200);
});
