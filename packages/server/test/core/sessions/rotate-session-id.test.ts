// rotateSessionId (core/sessions/rotate-session-id.ts), called directly on the embedded store with a
// fixed clock: every session of the user ends, the caller's included, and exactly one new one starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEvent } from '../../../src/core/audit.js';
import { ManualClock } from '../../../src/core/clock.js';
import { createSessionIdRotation } from '../../../src/core/sessions/rotate-session-id.js';
import { createSessionStarter } from '../../../src/core/sessions/start-session.js';
import { deriveSigningKeys } from '../../../src/core/tokens/keys.js';
import { createTokens } from '../../../src/core/tokens/tokens.js';
import { createStores } from '../../../src/storage/create-stores.js';
import { newUser } from '../../storage/contract.js';
import { TEST_SECRET } from '../../helpers.js';

const LIFETIMES = { accessTokenTtlSeconds: 900, refreshTokenTtlSeconds: 7 * 86_400, sessionMaxAgeSeconds: 30 * 86_400 };
const CTX = { ip: '203.0.113.7', ipKey: '203.0.113.7', userAgent: 'Firefox' };

test('ends every session of the user, the caller\'s included, and starts one new session for the caller', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-rotate-sid-'));
  const stores = await createStores({ databaseUrl: `sqlite:${join(dir, 'test.db')}`, migrate: true });
  t.after(async () => { await stores.close(); rmSync(dir, { recursive: true, force: true }); });
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const events: AuditEvent[] = [];
  const tokens = createTokens(deriveSigningKeys(TEST_SECRET), { issuer: 'gatehouse', audience: undefined, clockToleranceSeconds: 5, accessTokenTtlSeconds: 900 });
  const deps = { tokens, sessions: stores.sessions, clock, audit: (event: AuditEvent) => events.push(event) };
  const startSession = createSessionStarter(deps, LIFETIMES);
  const rotateSessionId = createSessionIdRotation(deps, startSession);
  const user = await stores.users.create(newUser());
  const other = await stores.users.create(newUser());
  const sidOf = async (pair: { access_token: string }) => (await tokens.verifyAccessToken(pair.access_token, { nowMs: clock.now() })).sid;
  const login = { amr: ['pwd'] as const, authTime: new Date(clock.now()) };
  const caller = await sidOf(await startSession(user, CTX, 'login_succeeded', login));
  await startSession(user, CTX, 'login_succeeded', login);
  const theirs = await sidOf(await startSession(other, CTX, 'login_succeeded', login));
  events.length = 0;

  clock.advance(60_000);
  const renewed = { amr: ['pwd', 'otp', 'mfa'] as const, authTime: new Date(clock.now()) };
  const { pair, revokedSessions } = await rotateSessionId(user, CTX, renewed);
  const fresh = await sidOf(pair);
  assert.equal(revokedSessions, 2);
  assert.notEqual(fresh, caller);
  assert.deepEqual((await stores.sessions.listActiveForUser(user.id, new Date(clock.now()))).map((s) => s.id), [fresh]);
  assert.ok((await stores.sessions.findById(user.id, caller))?.revokedAt, 'the caller\'s old session is revoked');
  assert.equal((await stores.sessions.findById(other.id, theirs))?.revokedAt, null, 'another user\'s session lives on');
  const session = await stores.sessions.findById(user.id, fresh);
  assert.deepEqual([session?.amr, session?.authTime], [['pwd', 'otp', 'mfa'], renewed.authTime], 'the new session carries the given authentication');
  assert.deepEqual(events, [{ type: 'session_renewed', userId: user.id, sessionId: fresh, amr: ['pwd', 'otp', 'mfa'], ip: CTX.ip, userAgent: CTX.userAgent }]);
});
