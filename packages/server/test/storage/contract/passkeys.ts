// The passkey and WebAuthn-challenge contract every store must pass: ownership on every change,
// the counter's compare-and-swap, and a challenge consumed once, races included.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DuplicatePasskeyError } from '../../../src/storage/errors.js';
import type { PasskeyRecord, PasskeyStore, WebAuthnChallengeRecord, WebAuthnChallengeStore } from '../../../src/storage/types/passkeys.js';

export interface PasskeyHarness {
  passkeys: PasskeyStore;
  challenges: WebAuthnChallengeStore;
  /** A user id passkeys may belong to (SQL stores insert the user row first). */
  newUserId(): Promise<string>;
  /** Deletes a user (their passkeys go with them). */
  deleteUser(id: string): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

export function newPasskey(userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: randomUUID(), userId, credentialId: randomUUID().replaceAll('-', ''), publicKey: 'pQECAyYgASFYIA', counter: 0,
    transports: ['internal', 'hybrid'], deviceType: 'multiDevice', backedUp: true, name: 'Laptop', createdAt: at(0), lastUsedAt: null,
    ...overrides,
  };
}

const challenge = (overrides: Partial<WebAuthnChallengeRecord> = {}): WebAuthnChallengeRecord => ({
  challengeHash: randomUUID().replaceAll('-', '').padEnd(64, '0'), ceremony: 'authentication', userId: null,
  createdAt: at(0), expiresAt: at(300), ...overrides,
});

export function describePasskeyStore(name: string, skip: string | false, open: () => Promise<PasskeyHarness>): void {
  describe(`PasskeyStore contract: ${name}`, { skip }, () => {
    let h: PasskeyHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('creates a passkey and finds it by its credential id, and in its user\'s list, oldest first', async () => {
      const userId = await h.newUserId();
      const first = newPasskey(userId, { transports: [], deviceType: 'singleDevice', backedUp: false, counter: 7, lastUsedAt: at(3) });
      const second = newPasskey(userId, { createdAt: at(10), credentialId: 'x'.repeat(1364), publicKey: 'k'.repeat(1800) });
      await h.passkeys.create(second);
      await h.passkeys.create(first);
      assert.deepEqual(await h.passkeys.findByCredentialId(first.credentialId), first);
      assert.deepEqual(await h.passkeys.findByCredentialId(second.credentialId), second);
      assert.equal(await h.passkeys.findByCredentialId('unknown'), null);
      assert.deepEqual(await h.passkeys.listForUser(userId), [first, second]);
      assert.deepEqual(await h.passkeys.listForUser(await h.newUserId()), []);
    });

    test('refuses a credential id registered already, to the same user or another', async () => {
      const passkey = newPasskey(await h.newUserId());
      await h.passkeys.create(passkey);
      await assert.rejects(h.passkeys.create({ ...passkey, id: randomUUID() }), (e: unknown) => e instanceof DuplicatePasskeyError);
      await assert.rejects(h.passkeys.create({ ...passkey, id: randomUUID(), userId: await h.newUserId() }), (e: unknown) => e instanceof DuplicatePasskeyError);
    });

    test('renames and deletes only a passkey of the user named', async () => {
      const userId = await h.newUserId();
      const other = await h.newUserId();
      const passkey = newPasskey(userId);
      await h.passkeys.create(passkey);
      assert.equal(await h.passkeys.rename(other, passkey.id, 'Stolen'), null);
      assert.deepEqual(await h.passkeys.rename(userId, passkey.id, 'Phone'), { ...passkey, name: 'Phone' });
      assert.deepEqual(await h.passkeys.rename(userId, passkey.id, 'Phone'), { ...passkey, name: 'Phone' });
      assert.equal(await h.passkeys.rename(userId, randomUUID(), 'Phone'), null);
      assert.equal(await h.passkeys.delete(other, passkey.id), false);
      assert.equal(await h.passkeys.delete(userId, passkey.id), true);
      assert.equal(await h.passkeys.delete(userId, passkey.id), false);
      assert.equal(await h.passkeys.findByCredentialId(passkey.credentialId), null);
    });

    test('records a use only with a counter above the stored one, or 0 for an authenticator without a counter', async () => {
      const userId = await h.newUserId();
      const counting = newPasskey(userId, { counter: 5 });
      const counterless = newPasskey(userId);
      await h.passkeys.create(counting);
      await h.passkeys.create(counterless);
      assert.equal(await h.passkeys.recordUse(counting.id, 5, at(1)), false);
      assert.equal(await h.passkeys.recordUse(counting.id, 4, at(1)), false);
      assert.equal(await h.passkeys.recordUse(counting.id, 6, at(2)), true);
      assert.deepEqual(await h.passkeys.findByCredentialId(counting.credentialId), { ...counting, counter: 6, lastUsedAt: at(2) });
      assert.equal(await h.passkeys.recordUse(counterless.id, 0, at(3)), true);
      assert.equal(await h.passkeys.recordUse(counterless.id, 0, at(4)), true);
      assert.deepEqual(await h.passkeys.findByCredentialId(counterless.credentialId), { ...counterless, lastUsedAt: at(4) });
      assert.equal(await h.passkeys.recordUse(randomUUID(), 9, at(5)), false);
    });

    test('of 20 concurrent uses with one counter value exactly one is recorded', async () => {
      const passkey = newPasskey(await h.newUserId(), { counter: 1 });
      await h.passkeys.create(passkey);
      const results = await Promise.all(Array.from({ length: 20 }, () => h.passkeys.recordUse(passkey.id, 2, at(1))));
      assert.equal(results.filter(Boolean).length, 1);
    });

    test('a deleted user\'s passkeys go with them', async () => {
      const userId = await h.newUserId();
      const passkey = newPasskey(userId);
      await h.passkeys.create(passkey);
      await h.deleteUser(userId);
      assert.equal(await h.passkeys.findByCredentialId(passkey.credentialId), null);
    });
  });

  describe(`WebAuthnChallengeStore contract: ${name}`, { skip }, () => {
    let h: PasskeyHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('consumes a challenge once, for its own ceremony only, before it expires', async () => {
      const userId = randomUUID();
      const registration = challenge({ ceremony: 'registration', userId });
      await h.challenges.create(registration);
      assert.deepEqual(await h.challenges.consume(registration.challengeHash, 'registration', at(299)), registration);
      assert.equal(await h.challenges.consume(registration.challengeHash, 'registration', at(299)), null);

      const other = challenge();
      await h.challenges.create(other);
      assert.equal(await h.challenges.consume(other.challengeHash, 'registration', at(1)), null, 'another ceremony');
      assert.equal(await h.challenges.consume(other.challengeHash, 'authentication', at(1)), null, 'a wrong try used it up');

      const expired = challenge();
      await h.challenges.create(expired);
      assert.equal(await h.challenges.consume(expired.challengeHash, 'authentication', at(300)), null);
      assert.equal(await h.challenges.consume('0'.repeat(64), 'authentication', at(1)), null);
    });

    test('of 20 concurrent consumers of one challenge exactly one gets it', async () => {
      const record = challenge();
      await h.challenges.create(record);
      const results = await Promise.all(Array.from({ length: 20 }, () => h.challenges.consume(record.challengeHash, 'authentication', at(1))));
      assert.deepEqual(results.filter((r) => r !== null), [record]);
    });

    test('deletes the challenges expired before a time, and only those', async () => {
      const old = challenge({ expiresAt: at(-10_000) });
      const live = challenge({ expiresAt: at(10_000) });
      await h.challenges.create(old);
      await h.challenges.create(live);
      assert.ok(await h.challenges.deleteExpired(at(0)) >= 1);
      assert.equal(await h.challenges.consume(old.challengeHash, 'authentication', at(-20_000)), null);
      assert.deepEqual(await h.challenges.consume(live.challengeHash, 'authentication', at(1)), live);
    });
  });
}
