// The OpenID Foundation's Config OP certification plan (oidcc-config-certification-test-plan) for a
// static client: its one module, oidcc-discovery-endpoint-verification, checks the discovery
// document, the JWKS it names and that the issuer it names is the ID tokens' iss; each group of its
// conditions is a test here, named after the module and the condition (docs/oidc.md, "Conformance").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ISSUER, WIKI, clientSession, providerApp } from './provider-harness.js';

const MODULE = 'oidcc-discovery-endpoint-verification';
type Ctx = Awaited<ReturnType<typeof providerApp>>;
async function discovery(ctx: Ctx) {
  const res = await ctx.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  return res.json() as Record<string, unknown>;
}

test(`${MODULE}: CheckDiscEndpointIssuer (the issuer is the discovery URL without /.well-known/openid-configuration)`, async (t) => {
  const doc = await discovery(await providerApp(t));
  assert.equal(`${doc.issuer}/.well-known/openid-configuration`, `${ISSUER}/.well-known/openid-configuration`);
});

test(`${MODULE}: authorization, token and userinfo endpoints present; every endpoint https (CheckDiscEndpointAllEndpointsAreHttps)`, async (t) => {
  const doc = await discovery(await providerApp(t));
  for (const name of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) assert.equal(typeof doc[name], 'string', name);
  for (const [name, value] of Object.entries(doc)) {
    if (name.endsWith('_endpoint') || name === 'jwks_uri') assert.match(String(value), /^https:\/\//, name);
  }
});

test(`${MODULE}: scopes_supported has openid, response_types_supported code, subject_types_supported public, id_token_signing_alg_values_supported RS256`, async (t) => {
  const doc = await discovery(await providerApp(t));
  assert.ok((doc.scopes_supported as string[]).includes('openid'));
  assert.ok((doc.response_types_supported as string[]).includes('code'));
  assert.ok((doc.subject_types_supported as string[]).every((type) => ['public', 'pairwise'].includes(type)));
  assert.ok((doc.id_token_signing_alg_values_supported as string[]).includes('RS256'));
  assert.ok(!(doc.id_token_signing_alg_values_supported as string[]).includes('none'));
  assert.ok(Array.isArray(doc.claims_supported) && (doc.claims_supported as string[]).includes('sub'));
  for (const flag of ['claims_parameter_supported', 'request_parameter_supported', 'request_uri_parameter_supported']) {
    assert.ok(doc[flag] === undefined || typeof doc[flag] === 'boolean', flag);
  }
});

test(`${MODULE}: CheckJwksUri and ValidateServerJWKs (public keys only, each with kty, kid and its use)`, async (t) => {
  const ctx = await providerApp(t);
  const doc = await discovery(ctx);
  const res = await ctx.app.inject({ method: 'GET', url: new URL(String(doc.jwks_uri)).pathname });
  assert.equal(res.statusCode, 200);
  const { keys } = res.json() as { keys: Array<Record<string, unknown>> };
  assert.ok(keys.length > 0);
  assert.equal(new Set(keys.map((key) => key.kid)).size, keys.length, 'kids are unique');
  assert.ok(keys.some((key) => key.kty === 'RSA' && (key.use === undefined || key.use === 'sig')), 'an RSA signing key for RS256');
  for (const key of keys) {
    assert.equal(typeof key.kty, 'string');
    assert.equal(typeof key.kid, 'string');
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[secret], undefined, `no private member ${secret}`);
  }
});

test(`${MODULE}: the discovered issuer is the ID token's iss, and the ID token verifies against the discovered JWKS`, async (t) => {
  const ctx = await providerApp(t);
  const doc = await discovery(ctx);
  const jwks = createLocalJWKSet((await ctx.app.inject({ method: 'GET', url: new URL(String(doc.jwks_uri)).pathname })).json());
  const { user, sessionId } = await clientSession(ctx, WIKI.id, ['openid']);
  const idToken = await ctx.oidc.signIdToken({
    user, clientId: WIKI.id, authTime: Math.floor(ctx.clock.now() / 1000), amr: ['pwd'], sid: sessionId, scopes: ['openid'], accessToken: 'an-access-token',
  }, ctx.clock.now());
  const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer: String(doc.issuer), audience: WIKI.id, currentDate: new Date(ctx.clock.now()) });
  assert.equal(protectedHeader.alg, 'RS256');
  assert.equal(payload.iss, ISSUER);
});
