// WEBAUTHN_RP_ID, WEBAUTHN_RP_NAME and WEBAUTHN_ORIGINS: defaults from PUBLIC_URL outside
// production, both required in production (else passkeys are off), and every bad value a
// ConfigError naming its variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function rejects(env: Record<string, string>, variable: string, pattern: RegExp): void {
  assert.throws(() => loadConfig(env), (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(error.message.startsWith(`${variable}: `), error.message);
    assert.match(error.message, pattern);
    return true;
  }, JSON.stringify(env));
}

test('outside production the relying party follows PUBLIC_URL; a loopback address becomes localhost', () => {
  assert.deepEqual(loadConfig({ PUBLIC_URL: 'https://auth.example.com/base' }).passkeys,
    { rpId: 'auth.example.com', rpName: 'Gatehouse', origins: ['https://auth.example.com'] });
  assert.deepEqual(loadConfig({ HOST: '0.0.0.0', PORT: '8080' }).passkeys, { rpId: 'localhost', rpName: 'Gatehouse', origins: ['http://localhost:8080'] });
  assert.deepEqual(loadConfig({ PUBLIC_URL: 'http://[::1]:4000' }).passkeys, { rpId: 'localhost', rpName: 'Gatehouse', origins: ['http://localhost:4000'] });
});

test('outside production a PUBLIC_URL on an IP address other than loopback gives no default: passkeys are off, the start goes on', () => {
  assert.equal(loadConfig({ HOST: '192.0.2.1' }).passkeys, undefined);
  assert.equal(loadConfig({ PUBLIC_URL: 'http://[2001:db8::1]:3000' }).passkeys, undefined);
  assert.deepEqual(loadConfig({ HOST: '192.0.2.1', WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com' }).passkeys,
    { rpId: 'example.com', rpName: 'Gatehouse', origins: ['https://example.com'] });
});

test('set values win: an RP id with origins on it and its subdomains, and a name', () => {
  const env = {
    WEBAUTHN_RP_ID: 'Example.com', WEBAUTHN_RP_NAME: 'Example', WEBAUTHN_ORIGINS: 'https://example.com, https://app.example.com/,https://example.com',
  };
  assert.deepEqual(loadConfig(env).passkeys, { rpId: 'example.com', rpName: 'Example', origins: ['https://example.com', 'https://app.example.com'] });
  assert.deepEqual(loadConfig({ ...env, NODE_ENV: 'production' }).passkeys, loadConfig(env).passkeys);
});

test('in production passkeys are off until both WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS are set, PUBLIC_URL or not', () => {
  assert.equal(loadConfig({ NODE_ENV: 'production' }).passkeys, undefined);
  assert.equal(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://auth.example.com' }).passkeys, undefined);
  rejects({ NODE_ENV: 'production', WEBAUTHN_RP_ID: 'example.com' }, 'WEBAUTHN_ORIGINS', /must be set too/);
  rejects({ NODE_ENV: 'production', WEBAUTHN_ORIGINS: 'https://example.com' }, 'WEBAUTHN_RP_ID', /must be set too/);
});

test('refuses an IP address or a malformed RP id, origins off the RP id, plain http off loopback, and a bad name', () => {
  rejects({ WEBAUTHN_RP_ID: '10.0.0.1' }, 'WEBAUTHN_RP_ID', /domain name/);
  rejects({ WEBAUTHN_RP_ID: 'exa mple.com' }, 'WEBAUTHN_RP_ID', /domain name/);
  rejects({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://notexample.com' }, 'WEBAUTHN_ORIGINS', /not on example\.com/);
  rejects({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'http://example.com' }, 'WEBAUTHN_ORIGINS', /http only for localhost/);
  rejects({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com/path' }, 'WEBAUTHN_ORIGINS', /origins like/);
  rejects({ WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: ' , ' }, 'WEBAUTHN_ORIGINS', /origins like/);
  rejects({ WEBAUTHN_RP_NAME: 'x'.repeat(65) }, 'WEBAUTHN_RP_NAME', /64 characters/);
});
