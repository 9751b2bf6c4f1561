// The sweeper (jobs/sweeper.ts): one job deletes what expired in every expiring table (login
// challenges, one-time tokens, WebAuthn challenges, federation tickets, sessions, audit events past
// AUDIT_RETENTION, the webhook delivery log past 30 days) and keeps what is live; it runs on its own while the app is up and stops when the app closes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createTestApp, registerUser, type TestApp } from '../helpers.js';
import { v7 as uuidv7 } from 'uuid';
import { newSession } from '../storage/contract.js';

const hash = () => createHash('sha256').update(randomBytes(32)).digest('hex');

/** One expired and one live row in each expiring table; answers the hashes of the login challenges and tokens. */
async function fill(h: TestApp, userId: string) {
  const now = h.clock.now();
  const when = (seconds: number) => new Date(now + seconds * 1000);
  const rows = { expiredChallenge: hash(), liveChallenge: hash(), expiredToken: hash(), liveToken: hash() };
  for (const [tokenHash, expiresAt] of [[rows.expiredChallenge, when(-60)], [rows.liveChallenge, when(300)]] as const) {
    await h.stores.loginChallenges.create({
      tokenHash, userId, state: 'second_factor', amr: ['pwd'], attempts: 0, createdAt: when(-600), expiresAt, finishedAt: null, credentialGeneration: 0,
    });
  }
  for (const [tokenHash, expiresAt, purpose] of [[rows.expiredToken, when(-60), 'magic_link'], [rows.liveToken, when(600), 'reset_password']] as const) {
    await h.stores.oneTimeTokens.issue({
      tokenHash, purpose, userId, subject: null, codeHash: null, attempts: 0, createdAt: when(-900), expiresAt, consumedAt: null,
    });
  }
  for (const expiresAt of [when(-60), when(300)]) {
    await h.stores.webauthnChallenges.create({ challengeHash: hash(), ceremony: 'authentication', userId: null, createdAt: when(-600), expiresAt });
    await h.stores.federation.putTicket({ hash: hash(), kind: 'login', userId: null, data: '{}', expiresAt });
    await h.stores.sessions.create(newSession(userId, { id: randomUUID(), createdAt: when(-86_400), expiresAt, lastUsedAt: when(-3_600) }));
  }
  for (const daysAgo of [91, 1]) { // AUDIT_RETENTION is 90 days by default
    await h.stores.audit.append([{
      id: uuidv7({ msecs: now - daysAgo * 86_400_000 }), time: when(-daysAgo * 86_400), type: 'login_failed', actorId: null, subjectId: userId,
      ip: null, userAgent: null, sessionId: null, data: {},
    }]);
  }
  for (const daysAgo of [31, 1]) { // the delivery log keeps 30 days
    const messageId = randomUUID();
    await h.stores.webhooks.recordAttempts([{
      delivery: {
        id: uuidv7({ msecs: now - daysAgo * 86_400_000 }), endpointId: randomUUID(), messageId, eventType: 'user.created', attempt: 1,
        attemptedAt: when(-daysAgo * 86_400), statusCode: 204, durationMs: 3, errorClass: null, payload: '{}',
      },
      result: { id: messageId, sent: true }, disable: false,
    }]);
  }
  return rows;
}

test('one sweep deletes what expired in every expiring table and keeps what is live', async (t) => {
  const h = await createTestApp();
  t.after(() => h.close());
  const user = await registerUser(h.app);
  const rows = await fill(h, user.userId);
  const swept = await h.sweeper.sweepOnce();
  assert.deepEqual(swept, { auditEvents: 1, webhookDeliveries: 1, loginChallenges: 1, oneTimeTokens: 1, webauthnChallenges: 1, federationTickets: 1, sessions: 1 });
  assert.equal((await h.stores.audit.find({ type: 'login_failed', limit: 10 })).length, 1);
  assert.equal(await h.stores.loginChallenges.findByHash(rows.expiredChallenge), null);
  assert.notEqual(await h.stores.loginChallenges.findByHash(rows.liveChallenge), null);
  assert.equal(await h.stores.oneTimeTokens.findByHash(rows.expiredToken), null);
  assert.notEqual(await h.stores.oneTimeTokens.findByHash(rows.liveToken), null);
  assert.deepEqual(await h.sweeper.sweepOnce(), {
    auditEvents: 0, webhookDeliveries: 0, loginChallenges: 0, oneTimeTokens: 0, webauthnChallenges: 0, federationTickets: 0, sessions: 0,
  });
});

test('the app sweeps on its own once ready, and stops sweeping when it closes', async (t) => {
  const h = await createTestApp({ LOG_LEVEL: 'silent' });
  t.after(() => h.close());
  const user = await registerUser(h.app); // the app is ready from here
  const rows = await fill(h, user.userId);
  h.sweeper.wake();
  for (let i = 0; i < 200 && (await h.stores.loginChallenges.findByHash(rows.expiredChallenge)) !== null; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.equal(await h.stores.loginChallenges.findByHash(rows.expiredChallenge), null);
  await h.app.close();
  assert.equal(h.sweeper.running, false);
});
