// OpenID Connect Discovery 1.0: the document at /.well-known/openid-configuration, its issuer
// PUBLIC_URL and every endpoint of the provider; the RFC 8414 document holds the same members; and
// openid-client's discovery() (a certified relying party) accepts it from a listening server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { createTestApp, freePort } from '../helpers.js';
import { CLIENTS, ISSUER, providerApp, WIKI } from './provider-harness.js';

test('the discovery document names PUBLIC_URL as issuer, every endpoint of the provider and what it supports', async (t) => {
  const ctx = await providerApp(t);
  const res = await ctx.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'public, max-age=300');
  const doc = res.json();
  assert.deepEqual({
    issuer: doc.issuer, authorization_endpoint: doc.authorization_endpoint, token_endpoint: doc.token_endpoint, userinfo_endpoint: doc.userinfo_endpoint,
    jwks_uri: doc.jwks_uri, end_session_endpoint: doc.end_session_endpoint, revocation_endpoint: doc.revocation_endpoint,
  }, {
    issuer: ISSUER, authorization_endpoint: `${ISSUER}/oauth/authorize`, token_endpoint: `${ISSUER}/token`, userinfo_endpoint: `${ISSUER}/oauth/userinfo`,
    jwks_uri: `${ISSUER}/.well-known/jwks.json`, end_session_endpoint: `${ISSUER}/oauth/end-session`, revocation_endpoint: `${ISSUER}/oauth/revoke`,
  });
  assert.deepEqual(doc.response_types_supported, ['code']);
  assert.deepEqual(doc.subject_types_supported, ['public']);
  assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
  assert.deepEqual(doc.scopes_supported, ['openid', 'email', 'profile', 'offline_access']);
  assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(doc.ui_locales_supported, ['en', 'ko']);
  assert.deepEqual(doc.prompt_values_supported, ['none', 'login', 'consent']);
  assert.equal(doc.authorization_response_iss_parameter_supported, true);
  assert.ok(['authorization_code', 'refresh_token', 'client_credentials'].every((grant) => doc.grant_types_supported.includes(grant)));
  assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
  for (const claim of ['sub', 'iss', 'auth_time', 'nonce', 'amr', 'sid', 'email', 'email_verified', 'name', 'preferred_username']) {
    assert.ok(doc.claims_supported.includes(claim), claim);
  }
  const rfc8414 = (await ctx.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' })).json();
  assert.deepEqual(rfc8414, doc);
});

test('OIDC_ID_TOKEN_ALG is the algorithm discovery names', async (t) => {
  const ctx = await providerApp(t, { OIDC_ID_TOKEN_ALG: 'EdDSA' });
  const doc = (await ctx.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' })).json();
  assert.deepEqual(doc.id_token_signing_alg_values_supported, ['EdDSA']);
});

test('without the provider (no PUBLIC_URL) discovery answers 404', async (t) => {
  const ctx = await createTestApp({ OIDC_CLIENTS: CLIENTS });
  t.after(() => ctx.close());
  const res = await ctx.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
  assert.equal(res.statusCode, 404);
});

test('openid-client discovery() accepts the document from a server listening on 127.0.0.1', async (t) => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const ctx = await createTestApp({ PORT: String(port), PUBLIC_URL: issuer, OIDC_CLIENTS: CLIENTS });
  t.after(() => ctx.close());
  await ctx.app.listen({ host: '127.0.0.1', port });
  const config = await client.discovery(new URL(issuer), WIKI.id, WIKI.secret, undefined, { execute: [client.allowInsecureRequests] });
  const metadata = config.serverMetadata();
  assert.equal(metadata.issuer, issuer);
  assert.equal(metadata.userinfo_endpoint, `${issuer}/oauth/userinfo`);
  assert.equal(metadata.supportsPKCE(), true);
  assert.deepEqual(metadata.id_token_signing_alg_values_supported, ['RS256']);
});
