// OIDC_CLIENTS and OIDC_CLIENTS_FILE: declared clients are checked as a registration is; a short or
// missing secret, a bad redirect URI, a duplicate id or unreadable JSON stops the start with a line
// naming the setting and the client, never the secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/config/config-error.js';
import { readOidcClients } from '../../src/config/oidc-settings.js';

const SECRET = 'k'.repeat(32);
const wiki = { client_id: 'wiki', client_secret: SECRET, redirect_uris: ['https://wiki.example.com/callback'] };

function refusal(env: Record<string, string>): string {
  try {
    readOidcClients(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  throw new Error(`expected a refusal of ${JSON.stringify(env)}`);
}

test('a declared client reads with its defaults applied; none declared is an empty list', () => {
  assert.deepEqual(readOidcClients({}), []);
  assert.deepEqual(readOidcClients({ OIDC_CLIENTS: JSON.stringify([wiki]) }), [{
    clientId: 'wiki', clientSecret: SECRET, clientName: '', redirectUris: ['https://wiki.example.com/callback'], postLogoutRedirectUris: [],
    tokenEndpointAuthMethod: 'client_secret_basic', grantTypes: ['authorization_code'], scope: 'openid profile email', skipConsent: false,
  }]);
  const spa = { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['http://localhost:5173/cb'] };
  assert.equal(readOidcClients({ OIDC_CLIENTS: JSON.stringify([spa]) })[0]!.clientSecret, null);
});

test('each mistake is refused with one line naming the setting (and the client), never the secret', () => {
  const cases: Array<[unknown, RegExp]> = [
    [[{ ...wiki, client_secret: 'short-secret-of-31-characters!!' }], /client "wiki": client_secret must be at least 32 characters/],
    [[{ ...wiki, client_secret: undefined }], /client "wiki": client_secret must be at least 32/],
    [[{ ...wiki, redirect_uris: ['http://wiki.example.com/cb'] }], /client "wiki": redirect_uris: .* must be https/],
    [[{ ...wiki, redirect_uris: ['https://*.example.com/cb'] }], /wildcards are not allowed/],
    [[wiki, wiki], /client "wiki" is listed twice/],
    [[{ ...wiki, client_id: 'has space' }], /entry 1: client_id must be/],
    [[{ ...wiki, token_endpoint_auth_method: 'none' }], /a public client .* has no client_secret/],
    [[{ ...wiki, grant_types: ['implicit'] }], /grant_types: "implicit" is not one of/],
    [{ client_id: 'wiki' }, /must be a JSON array/],
  ];
  for (const [value, pattern] of cases) {
    const message = refusal({ OIDC_CLIENTS: JSON.stringify(value) });
    assert.match(message, /^OIDC_CLIENTS: /);
    assert.match(message, pattern);
    assert.ok(!message.includes(SECRET) && !message.includes('short-secret'), message);
  }
  assert.match(refusal({ OIDC_CLIENTS: '[{"client_id":' }), /^OIDC_CLIENTS: is not valid JSON/);
});

test('OIDC_CLIENTS_FILE reads the same array from a file; an unreadable file or both settings are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-oidc-'));
  const file = join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify([wiki]));
  assert.equal(readOidcClients({ OIDC_CLIENTS_FILE: file })[0]!.clientId, 'wiki');
  assert.match(refusal({ OIDC_CLIENTS_FILE: join(dir, 'missing.json') }), /^OIDC_CLIENTS_FILE: cannot read .*missing\.json \(ENOENT\)/);
  assert.match(refusal({ OIDC_CLIENTS_FILE: file, OIDC_CLIENTS: '[]' }), /^OIDC_CLIENTS: and OIDC_CLIENTS_FILE are both set/);
  writeFileSync(file, JSON.stringify([{ ...wiki, client_secret: 'x' }]));
  assert.match(refusal({ OIDC_CLIENTS_FILE: file }), /^OIDC_CLIENTS_FILE: client "wiki": client_secret must be/);
});
