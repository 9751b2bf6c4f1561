// FEDERATION_PROVIDERS / FEDERATION_PROVIDERS_FILE, REDIRECT_ORIGINS and FEDERATION_SIGNUP
// (config/federation-settings.ts): entries checked one by one, a bad one a ConfigError naming the
// variable and the entry, never echoing a client secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const SECRET = 'very-secret-client-secret-value';
const google = { id: 'google', issuer: 'https://accounts.google.com', client_id: 'abc.apps.googleusercontent.com', client_secret: SECRET };

function refuses(env: Record<string, string>, variable: string, pattern: RegExp) {
  assert.throws(() => loadConfig(env), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(error.message.startsWith(`${variable}: `), error.message);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes(SECRET), 'the secret is never echoed');
    return true;
  }, JSON.stringify(env));
}

test('an OIDC entry and the GitHub preset, with their defaults', () => {
  const github = { id: 'github', type: 'github', client_id: 'Iv1.x', client_secret: SECRET };
  const { federation } = loadConfig({ FEDERATION_PROVIDERS: JSON.stringify([{ ...google, scopes: ['email'] }, github]), APP_URL: 'https://app.example/' });
  assert.deepEqual(federation.providers, [
    { id: 'google', name: 'google', type: 'oidc', clientId: google.client_id, clientSecret: SECRET, issuer: google.issuer, scopes: ['openid', 'email'] },
    {
      id: 'github', name: 'GitHub', type: 'github', clientId: 'Iv1.x', clientSecret: SECRET, scopes: ['read:user', 'user:email'],
      github: { authorizationEndpoint: 'https://github.com/login/oauth/authorize', tokenEndpoint: 'https://github.com/login/oauth/access_token', apiUrl: 'https://api.github.com' },
    },
  ]);
  assert.equal(federation.appUrl, 'https://app.example');
  assert.deepEqual(federation.redirectOrigins, ['https://app.example', 'http://localhost:3000']);
  assert.equal(federation.signup, true);
  assert.equal(federation.secureCookie, false);
  assert.equal(loadConfig({ PUBLIC_URL: 'https://auth.example', FEDERATION_SIGNUP: 'off' }).federation.secureCookie, true);
  assert.equal(loadConfig({ FEDERATION_SIGNUP: 'off' }).federation.signup, false);
});

test('FEDERATION_PROVIDERS_FILE reads the same JSON from a file', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gatehouse-fed-')), 'providers.json');
  writeFileSync(file, JSON.stringify([google]));
  assert.equal(loadConfig({ FEDERATION_PROVIDERS_FILE: file }).federation.providers[0]?.id, 'google');
  refuses({ FEDERATION_PROVIDERS_FILE: `${file}.missing` }, 'FEDERATION_PROVIDERS_FILE', /cannot read/);
  refuses({ FEDERATION_PROVIDERS_FILE: file, FEDERATION_PROVIDERS: '[]' }, 'FEDERATION_PROVIDERS', /both set/);
});

test('bad JSON and bad entries are ConfigErrors naming the variable and the entry, never the secret', () => {
  const bad = (entry: unknown) => ({ FEDERATION_PROVIDERS: JSON.stringify(entry) });
  refuses({ FEDERATION_PROVIDERS: `[{"id":"x","client_secret":"${SECRET}"` }, 'FEDERATION_PROVIDERS', /not valid JSON/);
  refuses(bad({ id: 'google' }), 'FEDERATION_PROVIDERS', /JSON array/);
  refuses(bad([{ ...google, id: 'Google!' }]), 'FEDERATION_PROVIDERS', /entry 1: "id"/);
  refuses(bad([{ ...google, client_secret: '' }]), 'FEDERATION_PROVIDERS', /provider "google": "client_secret"/);
  refuses(bad([{ ...google, clientSecret: SECRET }]), 'FEDERATION_PROVIDERS', /unknown key "clientSecret"/);
  refuses(bad([{ ...google, type: 'saml' }]), 'FEDERATION_PROVIDERS', /"type"/);
  refuses(bad([{ ...google, issuer: 'http://idp.example' }]), 'FEDERATION_PROVIDERS', /https URL \(plain http only on a loopback/);
  refuses(bad([{ ...google, issuer: 'https://user:pw@idp.example' }]), 'FEDERATION_PROVIDERS', /without credentials/);
  refuses(bad([{ ...google, scopes: 'openid email' }, { ...google }]), 'FEDERATION_PROVIDERS', /listed twice/);
  refuses(bad([{ ...google, scopes: [] }]), 'FEDERATION_PROVIDERS', /"scopes"/);
  refuses(bad([{ id: 'github', type: 'github', client_id: 'x', client_secret: SECRET, issuer: 'https://github.com' }]), 'FEDERATION_PROVIDERS', /unknown key "issuer"/);
  refuses({ ...bad([google]), NODE_ENV: 'production', GATEHOUSE_SECRET: 'x'.repeat(64) }, 'FEDERATION_PROVIDERS', /needs PUBLIC_URL/);
  // plain http on a loopback address is for local development and tests
  assert.equal(loadConfig(bad([{ ...google, issuer: 'http://127.0.0.1:4000' }])).federation.providers[0]?.issuer, 'http://127.0.0.1:4000');
  assert.equal(loadConfig(bad([{ ...google, issuer: 'http://[::1]:4000/realm' }])).federation.providers[0]?.issuer, 'http://[::1]:4000/realm');
});

test('REDIRECT_ORIGINS takes exact origins; APP_URL is an http(s) URL', () => {
  assert.deepEqual(loadConfig({ REDIRECT_ORIGINS: 'https://a.example, http://localhost:5173' }).federation.redirectOrigins,
    ['http://localhost:3000', 'https://a.example', 'http://localhost:5173']);
  for (const value of ['https://a.example/path', '*', 'https://*.a.example', 'https://u@a.example', 'ftp://a.example']) {
    refuses({ REDIRECT_ORIGINS: value }, 'REDIRECT_ORIGINS', /origins like/);
  }
  refuses({ APP_URL: 'app.example' }, 'APP_URL', /http\(s\) URL/); // read with the mail settings
  refuses({ FEDERATION_SIGNUP: 'maybe' }, 'FEDERATION_SIGNUP', /true or false/);
});
