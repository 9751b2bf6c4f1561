// The ceremony challenges called directly with an injected clock: stored hashed, good until the
// last millisecond of their five minutes, taken once, and expired ones swept at most once a minute.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../../src/core/clock.js';
import { createChallenges } from '../../../src/core/passkeys/challenges.js';
import { hashToken } from '../../../src/core/tokens/secret-hash.js';
import type { WebAuthnChallengeRecord, WebAuthnChallengeStore } from '../../../src/storage/types/passkeys.js';

/** An in-memory store with the contract's semantics, counting sweeps. */
function memoryChallenges() {
  const rows = new Map<string, WebAuthnChallengeRecord>();
  const store: WebAuthnChallengeStore & { sweeps: number } = {
    sweeps: 0,
    create: async (record) => void rows.set(record.challengeHash, record),
    consume: async (hash, ceremony, now) => {
      const record = rows.get(hash);
      rows.delete(hash);
      return record && record.ceremony === ceremony && record.expiresAt > now ? record : null;
    },
    deleteExpired: async () => {
      store.sweeps += 1;
      return 0;
    },
  };
  return { rows, store };
}

const clientData = (challenge: string) => Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge })).toString('base64url');

test('a challenge is stored as its SHA-256 and consumed once, until the end of its five minutes', async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const { rows, store } = memoryChallenges();
  const challenges = createChallenges({ challenges: store, clock });
  await challenges.store('first', 'authentication', null);
  assert.deepEqual([...rows.keys()], [hashToken('first')]);
  clock.advance(299_999);
  assert.equal((await challenges.consume(clientData('first'), 'authentication')).userId, null);
  await assert.rejects(challenges.consume(clientData('first'), 'authentication'), { code: 'passkey_challenge_invalid' });

  await challenges.store('second', 'registration', 'u1');
  clock.advance(300_000);
  await assert.rejects(challenges.consume(clientData('second'), 'registration'), { code: 'passkey_challenge_invalid' });
  for (const garbage of ['', 'not base64 json', Buffer.from('{"challenge":5}').toString('base64url')]) {
    await assert.rejects(challenges.consume(garbage, 'registration'), { code: 'passkey_challenge_invalid' });
  }
});

test('storing a challenge sweeps nothing: the sweeper job deletes expired ones (jobs/sweeper.ts)', async () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const { store } = memoryChallenges();
  const challenges = createChallenges({ challenges: store, clock });
  for (let i = 0; i < 5; i++) {
    await challenges.store(`c${i}`, 'authentication', null);
    clock.advance(60_000);
  }
  assert.equal(store.sweeps, 0);
});
