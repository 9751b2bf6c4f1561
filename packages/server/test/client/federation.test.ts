// @gatehouse-auth/client's sign-in with other providers, against the real app and a real OpenID
// Connect provider: the start URL with the client's own PKCE challenge, finishing on the page it
// comes back to (the exchange proves the verifier), the identities, a link completed on return, an
// unlink, and an error parameter as an AuthClientError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AuthClientError, createAuthClient, memoryStorage } from '@gatehouse-auth/client';
import { TestBrowser } from '../federation/browser.js';
import { account, APP_URL, atCallback, CLIENT, startStand } from '../federation/harness.js';

test('client.federation: start URL, finishSignIn with the code, identities, link, unlink; an error parameter throws its code', async (t) => {
  const who = account();
  const stand = await startStand(t, [who], {}, (issuer) => [
    { id: 'local', name: 'Local IdP', issuer, ...CLIENT }, { id: 'other', name: 'Other IdP', issuer, ...CLIENT },
  ]);
  const flow = new Map<string, string>();
  const flowStorage = { getItem: (key: string) => flow.get(key) ?? null, setItem: (key: string, value: string) => void flow.set(key, value), removeItem: (key: string) => void flow.delete(key) };
  const client = createAuthClient({ baseUrl: stand.baseUrl, storage: memoryStorage(), now: () => stand.gatehouse.clock.now(), flowStorage });
  assert.deepEqual(await client.federation.providers(), [{ id: 'local', name: 'Local IdP', type: 'oidc' }, { id: 'other', name: 'Other IdP', type: 'oidc' }]);
  const start = await client.federation.signInUrl('local', `${APP_URL}/back`);
  const verifier = flow.get('gatehouse.federation.verifier')!;
  assert.match(verifier, /^[A-Za-z0-9_-]{43}$/);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({ redirect_to: `${APP_URL}/back`, code_challenge: challenge, code_challenge_method: 'S256' });
  assert.equal(start, `${stand.baseUrl}/auth/federated/local/start?${query}`);

  const browser = new TestBrowser();
  const redirect = await browser.get(start);
  const landed = new URL((await browser.get(await atCallback(stand, browser, new URL(redirect.headers.get('location')!), who))).headers.get('location')!);
  assert.equal(await client.federation.finishSignIn(`${APP_URL}/back`), null, 'no code, no error: nothing to do');
  const session = await client.federation.finishSignIn(landed);
  assert.equal(session?.claims.name, who.login);
  assert.equal(flow.size, 0, 'the verifier is used once, then forgotten');
  assert.equal((await client.user())?.email, who.email);

  const [identity] = await client.federation.identities();
  assert.equal(identity?.provider, 'local');
  const link = new URL(await client.federation.linkUrl('other', `${APP_URL}/back`));
  const linked = await browser.get(await atCallback(stand, browser, new URL((await browser.get(link)).headers.get('location')!), who, 'other'));
  const back = new URL(linked.headers.get('location')!);
  assert.equal(back.searchParams.get('linked'), null, 'the provider\'s answer alone links nothing');
  const before = session!.claims.sid;
  const renewed = await client.federation.finishSignIn(back);
  assert.notEqual(renewed?.claims.sid, before, 'completing the link moved this client to a new session');
  assert.deepEqual((await client.federation.identities()).map((entry) => entry.provider), ['local', 'other']);
  await client.federation.unlink(identity!.id);
  await assert.rejects(client.federation.unlink((await client.federation.identities())[0]!.id), (error: unknown) =>
    error instanceof AuthClientError && error.code === 'last_login_method' && error.status === 409);
  await assert.rejects(client.federation.finishSignIn(`${APP_URL}/back?error=account_exists`), (error: unknown) =>
    error instanceof AuthClientError && error.code === 'account_exists');
  // a reload: the verifier was used once and forgotten, so nothing is sent that could redeem a code
  await assert.rejects(client.federation.finishSignIn(landed), (error: unknown) => error instanceof AuthClientError && error.code === 'invalid_code_verifier');
});
