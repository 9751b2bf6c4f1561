// GET /.well-known/oauth-authorization-server (RFC 8414): every endpoint from PUBLIC_URL, the issuer
// of the tokens, what each endpoint supports; the introspection members only with clients to use
// them, jwks_uri only with public keys; not served in production until PUBLIC_URL is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGatehouse } from '../../../../src/compose.js';
import * as oidc from 'openid-client';
import { MAIL_OFF, TEST_SECRET, createTestApp, freePort } from '../../../helpers.js';
import { INTROSPECTION_CLIENTS } from './oauth-helpers.js';

const URL_PATH = '/.well-known/oauth-authorization-server';

async function documentOf(t: { after(fn: () => Promise<void>): void }, env: Record<string, string>, path = URL_PATH) {
  const ctx = await createTestApp(env);
  t.after(() => ctx.close());
  const res = await ctx.app.inject({ method: 'GET', url: path });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'public, max-age=300');
  return res.json();
}

test('names the token, revocation and introspection endpoints from PUBLIC_URL, with the tokens\' issuer; with the provider on (PUBLIC_URL the issuer) it holds discovery\'s members too', async (t) => {
  const body = await documentOf(t, { PUBLIC_URL: 'https://auth.example.com/', JWT_ISSUER: 'https://auth.example.com', INTROSPECTION_CLIENTS });
  const { issuer, token_endpoint, revocation_endpoint, revocation_endpoint_auth_methods_supported, introspection_endpoint,
    introspection_endpoint_auth_methods_supported, grant_types_supported, token_endpoint_auth_methods_supported, response_types_supported,
    authorization_endpoint } = body;
  assert.deepEqual({
    issuer, token_endpoint, revocation_endpoint, revocation_endpoint_auth_methods_supported, introspection_endpoint,
    introspection_endpoint_auth_methods_supported, grant_types_supported, token_endpoint_auth_methods_supported, response_types_supported,
    authorization_endpoint,
  }, {
    issuer: 'https://auth.example.com',
    token_endpoint: 'https://auth.example.com/token',
    revocation_endpoint: 'https://auth.example.com/oauth/revoke',
    revocation_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    introspection_endpoint: 'https://auth.example.com/oauth/introspect',
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', 'password'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    response_types_supported: ['code'],
    authorization_endpoint: 'https://auth.example.com/oauth/authorize',
  });
  const discovery = await documentOf(t, { PUBLIC_URL: 'https://auth.example.com/', INTROSPECTION_CLIENTS }, '/.well-known/openid-configuration');
  assert.deepEqual(discovery, body);
});

test('without INTROSPECTION_CLIENTS the introspection members are left out; PUBLIC_URL defaults to http://HOST:PORT', async (t) => {
  const body = await documentOf(t, { PORT: '4100' });
  assert.equal(body.issuer, 'gatehouse');
  assert.equal(body.token_endpoint, 'http://localhost:4100/token');
  assert.equal('introspection_endpoint' in body, false);
  assert.equal('introspection_endpoint_auth_methods_supported' in body, false);
  assert.equal('jwks_uri' in body, false, 'HS256: no public key to publish');
});

test('under an asymmetric JWT_ALG it names the JWKS', async (t) => {
  const body = await documentOf(t, { JWT_ALG: 'EdDSA', PUBLIC_URL: 'https://auth.example.com/gatehouse' });
  assert.equal(body.jwks_uri, 'https://auth.example.com/gatehouse/.well-known/jwks.json');
  assert.equal(body.token_endpoint, 'https://auth.example.com/gatehouse/token');
});

test('in production without PUBLIC_URL the document is not served, and the start says so', async (t) => {
  const ctx = await createTestApp({ NODE_ENV: 'production', ...MAIL_OFF });
  t.after(() => ctx.close());
  const res = await ctx.app.inject({ method: 'GET', url: URL_PATH });
  assert.equal(res.statusCode, 404, res.body);
  const { app, warnings } = await createGatehouse(ctx.config, { secret: TEST_SECRET, stores: ctx.stores });
  t.after(() => app.close());
  assert.ok(warnings.some((text) => text.startsWith('PUBLIC_URL is not set')), warnings.join('\n'));
  const served = await createGatehouse({ ...ctx.config, publicUrl: 'https://auth.example.com' }, { secret: TEST_SECRET, stores: ctx.stores });
  t.after(() => served.app.close());
  assert.deepEqual(served.warnings.filter((text) => text.includes('PUBLIC_URL')), []);
});

test('with PUBLIC_URL set and JWT_ISSUER not, openid-client\'s RFC 8414 discovery accepts the document: PUBLIC_URL is the issuer', async (t) => {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const ctx = await createTestApp({ PUBLIC_URL: publicUrl });
  t.after(() => ctx.close());
  await ctx.app.listen({ host: '127.0.0.1', port });
  const config = await oidc.discovery(new URL(publicUrl), 'a-client', undefined, oidc.None(), {
    algorithm: 'oauth2', execute: [oidc.allowInsecureRequests],
  });
  assert.equal(config.serverMetadata().issuer, publicUrl);
  assert.equal(config.serverMetadata().token_endpoint, `${publicUrl}/token`);
});
