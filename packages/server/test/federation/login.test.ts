// Federated sign-in against a real OpenID Connect provider (oidc-provider on 127.0.0.1), the whole
// code flow over HTTP: sign-up, a second login, the exchange of the one-time code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { me } from '../helpers.js';
import { TestBrowser } from './browser.js';
import { account, APP_URL, exchange, signIn, startStand } from './harness.js';

test('a first login creates the account; the app exchanges the one-time code for a token pair; a second login finds it', async (t) => {
  const alice = account({ login: 'alice.fed', name: 'Alice Fed' });
  const stand = await startStand(t, [alice]);
  const browser = new TestBrowser();
  const landed = await signIn(stand, browser, alice, { redirectTo: `${APP_URL}/signed-in?x=1` });
  assert.equal(landed.origin + landed.pathname, `${APP_URL}/signed-in`);
  assert.equal(landed.searchParams.get('x'), '1');
  const code = landed.searchParams.get('code')!;
  assert.match(code, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(browser.cookie(new URL(stand.baseUrl).host, 'gatehouse_federation'), undefined, 'the pending-login cookie is cleared');

  const pair = await exchange(stand, code);
  assert.equal(pair.statusCode, 200, pair.body);
  assert.equal(pair.headers['cache-control'], 'no-store');
  const user = (await me(stand.gatehouse.app, pair.json().access_token)).json();
  assert.equal(user.username, 'alice.fed');
  assert.equal(user.email, alice.email);
  assert.equal(user.full_name, 'Alice Fed');

  const again = await exchange(stand, code);
  assert.deepEqual([again.statusCode, again.json().code], [400, 'invalid_code']);

  const second = await signIn(stand, browser, alice, { redirectTo: `${APP_URL}/signed-in` });
  const pair2 = await exchange(stand, second.searchParams.get('code')!);
  assert.equal((await me(stand.gatehouse.app, pair2.json().access_token)).json().id, user.id);
});
