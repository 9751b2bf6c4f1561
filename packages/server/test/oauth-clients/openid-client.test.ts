// openid-client (panva, v6), a certified standard client, against the real server: discovery through
// the RFC 8414 document, the password grant, /users/me, a refresh with the refresh token alone (RFC
// 6749 §6), introspection as a resource server (RFC 7662) and revocation (RFC 7009).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { registerUser } from '../helpers.js';
import { RESOURCE_SERVER, startOAuthServer } from './oauth-server.js';

/** http is allowed for the loopback server only; RFC 8414 discovery (not OpenID Connect's). */
const LOOPBACK = { execute: [client.allowInsecureRequests], algorithm: 'oauth2' as const };

test('openid-client discovers Gatehouse, logs in, refreshes with the refresh token alone, introspects and revokes', async (t) => {
  const server = await startOAuthServer(t);
  const user = await registerUser(server.app);
  const app = await client.discovery(new URL(server.baseUrl), 'a-public-client', undefined, client.None(), LOOPBACK);
  const metadata = app.serverMetadata();
  assert.equal(metadata.issuer, server.baseUrl);
  assert.equal(metadata.token_endpoint, `${server.baseUrl}/token`);
  assert.equal(metadata.revocation_endpoint, `${server.baseUrl}/oauth/revoke`);

  const login = await client.genericGrantRequest(app, 'password', { username: user.username, password: user.password });
  assert.equal(login.token_type, 'bearer');
  assert.ok(login.access_token && login.refresh_token);
  const me = await client.fetchProtectedResource(app, login.access_token, new URL(`${server.baseUrl}/users/me`), 'GET');
  assert.equal(me.status, 200);
  assert.equal((await me.json()).id, user.userId);

  const refreshed = await client.refreshTokenGrant(app, login.refresh_token!);
  assert.ok(refreshed.access_token && refreshed.refresh_token);
  assert.notEqual(refreshed.refresh_token, login.refresh_token);

  const resourceServer = await client.discovery(
    new URL(server.baseUrl), RESOURCE_SERVER.id, undefined, client.ClientSecretBasic(RESOURCE_SERVER.secret), LOOPBACK,
  );
  const live = await client.tokenIntrospection(resourceServer, refreshed.access_token);
  assert.equal(live.active, true);
  assert.equal(live.sub, user.userId);
  assert.equal(live.username, user.username);
  assert.equal(live.token_type, 'bearer');

  await client.tokenRevocation(app, refreshed.refresh_token!, { token_type_hint: 'refresh_token' });
  assert.deepEqual({ ...(await client.tokenIntrospection(resourceServer, refreshed.access_token)) }, { active: false });
  const after = await fetch(`${server.baseUrl}/users/me`, { headers: { authorization: `Bearer ${refreshed.access_token}` } });
  assert.equal(after.status, 401);
  await assert.rejects(client.refreshTokenGrant(app, refreshed.refresh_token!), (error: unknown) => {
    assert.equal((error as { error?: string }).error, 'invalid_grant');
    return true;
  });
});

test('openid-client with wrong introspection credentials gets 401 and the Basic challenge', async (t) => {
  const server = await startOAuthServer(t);
  const user = await registerUser(server.app);
  const wrong = await client.discovery(
    new URL(server.baseUrl), RESOURCE_SERVER.id, undefined, client.ClientSecretBasic('not-the-secret-0123'), LOOPBACK,
  );
  await assert.rejects(client.tokenIntrospection(wrong, user.tokens.access_token), (error: unknown) => {
    // openid-client reports a 401 with WWW-Authenticate as the challenge itself (RFC 6749 §5.2's invalid_client)
    const challenge = error as { status?: number; code?: string; cause?: Array<{ scheme: string }> };
    assert.equal(challenge.status, 401);
    assert.equal(challenge.code, 'OAUTH_WWW_AUTHENTICATE_CHALLENGE');
    assert.equal(challenge.cause?.[0]?.scheme, 'basic');
    return true;
  });
});
