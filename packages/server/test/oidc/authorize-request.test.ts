// The authorization request check (core/oidc/authorize-request.ts), called directly: until the
// client and its redirect_uri are known good, problems go to the error page; after, to the client
// (RFC 6749 §4.1.2.1); PKCE is S256 only and required of public clients; prompt and max_age parse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAuthorizeRequest, clientRedirect, type AuthorizeParams } from '../../src/core/oidc/authorize-request.js';
import type { RegisteredClient } from '../../src/core/oidc/client-registry.js';

const now = new Date(0);
const client = (overrides: Partial<RegisteredClient> = {}): RegisteredClient => ({
  clientId: 'web', clientName: 'Web', redirectUris: ['https://web.example.com/cb?x=1'], postLogoutRedirectUris: [],
  tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access',
  skipConsent: false, createdAt: now, updatedAt: now, source: 'settings', confidential: true, ...overrides,
});
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const find = (c: RegisteredClient) => async (id: string) => (id === c.clientId ? c : null);
const base = { client_id: 'web', redirect_uri: 'https://web.example.com/cb?x=1', response_type: 'code', scope: 'openid', state: 's1' };
const check = (params: AuthorizeParams, c = client()) => checkAuthorizeRequest(params, find(c));

test('an unknown client, a missing or unregistered redirect_uri, or a repeated one go to the error page, never to the URI', async () => {
  const cases: AuthorizeParams[] = [
    { ...base, client_id: 'nobody' }, { ...base, client_id: undefined }, { ...base, redirect_uri: undefined },
    { ...base, redirect_uri: 'https://web.example.com/cb' }, { ...base, redirect_uri: 'https://web.example.com/cb?x=1&y=2' },
    { ...base, redirect_uri: ['https://web.example.com/cb?x=1', 'https://evil.example/'] },
  ];
  for (const params of cases) {
    const result = await check(params);
    assert.equal(result.ok, false, JSON.stringify(params));
    assert.equal(!result.ok && result.problem.to, 'page', JSON.stringify(params));
  }
});

test('after the client and URI hold, problems go back to the client with state and the RFC error code', async () => {
  const cases: Array<[AuthorizeParams, string, RegisteredClient?]> = [
    [{ ...base, response_type: 'token' }, 'unsupported_response_type'],
    [{ ...base, response_type: undefined }, 'invalid_request'],
    [{ ...base, scope: 'openid admin' }, 'invalid_scope'],
    [{ ...base, code_challenge: CHALLENGE, code_challenge_method: 'plain' }, 'invalid_request'],
    [{ ...base, code_challenge: CHALLENGE }, 'invalid_request'],
    [{ ...base, code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    [{ ...base }, 'invalid_request', client({ tokenEndpointAuthMethod: 'none', confidential: false })],
    [{ ...base, prompt: 'none login' }, 'invalid_request'],
    [{ ...base, prompt: 'sometimes' }, 'invalid_request'],
    [{ ...base, max_age: '-1' }, 'invalid_request'],
    [{ ...base, request: 'eyJ' }, 'request_not_supported'],
    [{ ...base, request_uri: 'https://x' }, 'request_uri_not_supported'],
    [{ ...base, scope: ['openid', 'email'] }, 'invalid_request'],
    [{ ...base, response_mode: 'fragment' }, 'invalid_request'],
    [{ ...base }, 'unauthorized_client', client({ grantTypes: ['client_credentials'] })],
  ];
  for (const [params, error, c] of cases) {
    const result = await check(params, c);
    assert.ok(!result.ok && result.problem.to === 'client', JSON.stringify(params));
    assert.equal(result.problem.error, error, JSON.stringify(params));
    assert.equal(result.problem.to === 'client' && result.problem.redirectUri, base.redirect_uri);
    assert.equal(result.problem.to === 'client' && result.problem.state, 's1');
  }
});

test('a good request carries what the flow needs: scopes, S256 challenge, nonce only with openid, prompt, max_age, hints', async () => {
  const result = await check({
    ...base, scope: 'openid email', nonce: 'n', code_challenge: CHALLENGE, code_challenge_method: 'S256',
    prompt: 'login consent select_account', max_age: '0', login_hint: 'ann', ui_locales: 'ko',
  });
  assert.ok(result.ok);
  assert.deepEqual(result.request, {
    clientId: 'web', redirectUri: base.redirect_uri, scopes: ['openid', 'email'], state: 's1', nonce: 'n', codeChallenge: CHALLENGE,
    prompt: ['login', 'consent'], maxAgeSeconds: 0, loginHint: 'ann', uiLocales: 'ko',
  });
  const plain = await check({ ...base, scope: 'profile', nonce: 'n' });
  assert.ok(plain.ok);
  assert.equal(plain.request.nonce, undefined, 'plain OAuth 2.0 (no openid): no ID token, so no nonce');
  const defaults = await check({ ...base, scope: undefined, state: undefined });
  assert.ok(defaults.ok);
  assert.deepEqual(defaults.request.scopes, ['openid', 'profile', 'email'], 'no scope: what it registered, but offline_access');
  const pub = await check({ ...base, code_challenge: CHALLENGE, code_challenge_method: 'S256' }, client({ tokenEndpointAuthMethod: 'none', confidential: false }));
  assert.ok(pub.ok);
});

test('the answer keeps the registered URI\'s own query and adds its parameters', () => {
  assert.equal(clientRedirect('https://web.example.com/cb?x=1', { code: 'c d', state: undefined, iss: 'https://id.example.com' }),
    'https://web.example.com/cb?x=1&code=c+d&iss=https%3A%2F%2Fid.example.com');
});
