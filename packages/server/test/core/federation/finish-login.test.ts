// The callback's use case without HTTP: when neither the sign-in nor the settings name a page (no
// APP_URL in production), a failure is thrown as the AuthError for a 4xx, never a redirect anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/clock.js';
import { AuthError } from '../../../src/core/errors.js';
import { createFederationService } from '../../../src/core/federation/federation-service.js';
import { loadConfig } from '../../../src/config/config.js';
import { createStores } from '../../../src/storage/create-stores.js';

test('with no page to land on, a callback whose state names no sign-in throws invalid_state', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-fed-'));
  const stores = await createStores({ databaseUrl: `sqlite:${join(dir, 'db')}`, migrate: true });
  t.after(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const { federation: settings } = loadConfig({
    FEDERATION_PROVIDERS: JSON.stringify([{ id: 'local', issuer: 'https://idp.example', client_id: 'a', client_secret: 'b' }]),
  });
  const service = createFederationService({
    users: stores.users, federation: stores.federation, clock: new ManualClock(0), audit: () => undefined, key: Buffer.alloc(32),
    limits: stores.createRateLimits(loadConfig({}).rateLimits),
    finishFirstFactor: () => Promise.reject(new Error('not reached')), logFailure: () => undefined, loginMethods: stores.loginMethods,
  }, { ...settings, appUrl: undefined });
  const ctx = { ip: '127.0.0.1', ipKey: '127.0.0.1', userAgent: null };
  await assert.rejects(service.finish('local', 'state=nope&code=x', 'cookie', ctx), (error: unknown) =>
    error instanceof AuthError && error.code === 'invalid_state' && error.statusCode === 400);
  await assert.rejects(service.finish('nope', 'state=x', undefined, ctx), (error: unknown) => error instanceof AuthError && error.code === 'unknown_provider');
});
