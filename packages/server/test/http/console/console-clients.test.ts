// The console's clients (docs/console.md, "Clients"): registering shows the secret once, a new
// secret replaces the old one at once, redirect URIs are edited and checked by the registry, and
// deletion needs the client_id typed; clients declared in OIDC_CLIENTS change only in the settings.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../../helpers.js';
import { csrfOf } from '../pages/page-browser.js';
import { signedIn } from './console-helpers.js';

let t: TestApp;
before(async () => { t = await createTestApp(); });
after(async () => { await t.close(); });

const secretOf = (body: string) => /<dt>client_secret<\/dt><dd><code>([^<]+)<\/code>/.exec(body)?.[1];
/** /token's answer to this id and secret (401 invalid_client when the secret is wrong). */
async function tokenStatus(clientId: string, secret: string): Promise<number> {
  const res = await t.app.inject({
    method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString(),
  });
  return res.statusCode;
}

test('an admin registers a client (its secret shown once), gives it a new secret, edits its redirect URIs and deletes it', async () => {
  const { browser } = await signedIn(t);
  const list = await browser.get('/admin/console/clients');
  assert.equal(list.statusCode, 200);
  const registered = await browser.post('/admin/console/clients/changes/register', {
    csrf: csrfOf(list.body), client_name: 'Reports <app>', redirect_uris: 'https://reports.example.com/cb\n', token_endpoint_auth_method: 'client_secret_post',
  });
  assert.equal(registered.statusCode, 200, registered.body);
  assert.equal(registered.headers['cache-control'], 'no-store');
  const clientId = /<dt>client_id<\/dt><dd><code>([^<]+)<\/code>/.exec(registered.body)?.[1];
  const first = secretOf(registered.body);
  assert.ok(clientId && first);
  assert.doesNotMatch(registered.body, /Reports <app>/, 'escaped');
  const page = await browser.get(`/admin/console/clients/${clientId}`);
  assert.equal(secretOf(page.body), undefined, 'the secret is never shown again');
  assert.match(page.body, /https:\/\/reports\.example\.com\/cb/);

  assert.notEqual(await tokenStatus(clientId, first), 401, 'the first secret authenticates the client');
  const asked = await browser.post('/admin/console/clients/changes/rotate', { csrf: csrfOf(page.body), client: clientId });
  assert.equal(asked.statusCode, 200);
  assert.match(asked.body, /The old one stops working at once/);
  const rotated = await browser.post('/admin/console/clients/changes/rotate', { csrf: csrfOf(page.body), client: clientId, confirmed: '1' });
  const second = secretOf(rotated.body);
  assert.ok(second && second !== first);
  assert.equal(await tokenStatus(clientId, first), 401, 'the old secret stops at once');
  assert.notEqual(await tokenStatus(clientId, second), 401, 'the new one authenticates the client');

  const edited = await browser.post('/admin/console/clients/changes/redirects', { csrf: csrfOf(page.body), client: clientId, redirect_uris: 'https://reports.example.com/new' });
  assert.equal(edited.statusCode, 303);
  assert.match((await browser.get(`/admin/console/clients/${clientId}`)).body, /reports\.example\.com\/new/);
  const refused = await browser.post('/admin/console/clients/changes/redirects', { csrf: csrfOf(page.body), client: clientId, redirect_uris: 'javascript:alert(1)' });
  assert.equal(refused.statusCode, 400);
  assert.ok(['invalid_redirect_uri', 'invalid_client_metadata'].includes(String(refused.headers['gatehouse-error'])));

  const wrong = await browser.post('/admin/console/clients/changes/delete', { csrf: csrfOf(page.body), client: clientId, confirmed: '1', typed: 'nope' });
  assert.equal(wrong.statusCode, 400);
  const deleted = await browser.post('/admin/console/clients/changes/delete', { csrf: csrfOf(page.body), client: clientId, confirmed: '1', typed: clientId });
  assert.equal(deleted.statusCode, 303);
  assert.equal((await browser.get(`/admin/console/clients/${clientId}`)).statusCode, 404);
});

test('a non-admin cannot see or change clients', async () => {
  const { browser } = await signedIn(t, 'user');
  assert.equal((await browser.get('/admin/console/clients')).statusCode, 403);
  const page = await browser.get('/signed-in');
  const res = await browser.post('/admin/console/clients/changes/register', { csrf: csrfOf(page.body), client_name: 'x', redirect_uris: 'https://x.example.com/cb' });
  assert.equal(res.statusCode, 403);
});
