// The contract every OneTimeTokenStore passes, races included (storage/types/one-time-tokens.ts).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { OneTimePurpose, OneTimeTokenRecord, OneTimeTokenStore } from '../../../src/storage/types/one-time-tokens.js';

export interface OneTimeTokenHarness {
  tokens: OneTimeTokenStore;
  /** A user id tokens may belong to (SQL stores insert the user row first). */
  newUserId(): Promise<string>;
  /** Deletes the user; their tokens go with them. */
  deleteUser(id: string): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 5, 1, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export function newToken(userId: string, purpose: OneTimePurpose, overrides: Partial<OneTimeTokenRecord> = {}): OneTimeTokenRecord {
  return {
    tokenHash: hashOf(randomBytes(32).toString('base64url')), purpose, userId, subject: null, codeHash: null, attempts: 0,
    createdAt: at(0), expiresAt: at(1800), consumedAt: null, ...overrides,
  };
}

export function describeOneTimeTokenStore(name: string, skip: string | false, open: () => Promise<OneTimeTokenHarness>): void {
  describe(`OneTimeTokenStore contract: ${name}`, { skip }, () => {
    let h: OneTimeTokenHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('issues a token and finds it by its hash, as it was stored', async () => {
      const userId = await h.newUserId();
      const token = newToken(userId, 'change_email', { subject: 'new@example.com', codeHash: 'c'.repeat(64) });
      await h.tokens.issue(token);
      assert.deepEqual(await h.tokens.findByHash(token.tokenHash), token);
      assert.equal(await h.tokens.findByHash(hashOf('nothing')), null);
    });

    test('a newer token of a purpose supersedes the older unconsumed one; other purposes and users stay', async () => {
      const userId = await h.newUserId();
      const otherUser = await h.newUserId();
      const first = newToken(userId, 'reset_password');
      const verify = newToken(userId, 'verify_email');
      const others = newToken(otherUser, 'reset_password');
      for (const token of [first, verify, others]) await h.tokens.issue(token);
      const second = newToken(userId, 'reset_password', { createdAt: at(10) });
      await h.tokens.issue(second);
      assert.equal(await h.tokens.findByHash(first.tokenHash), null);
      assert.deepEqual(await h.tokens.findByHash(second.tokenHash), second);
      assert.deepEqual(await h.tokens.findByHash(verify.tokenHash), verify);
      assert.deepEqual(await h.tokens.findByHash(others.tokenHash), others);
    });

    test('findLatest answers the newest live token of the user and purpose, and null once it is used or expired', async () => {
      const userId = await h.newUserId();
      const token = newToken(userId, 'magic_link', { expiresAt: at(900) });
      await h.tokens.issue(token);
      assert.deepEqual(await h.tokens.findLatest(userId, 'magic_link', at(1)), token);
      assert.equal(await h.tokens.findLatest(userId, 'reset_password', at(1)), null);
      assert.equal(await h.tokens.findLatest(userId, 'magic_link', at(900)), null, 'expired');
      assert.ok(await h.tokens.consume(token.tokenHash, 'magic_link', at(2)));
      assert.equal(await h.tokens.findLatest(userId, 'magic_link', at(3)), null, 'consumed');
    });

    test('consume succeeds once, only for its purpose and before it expires', async () => {
      const userId = await h.newUserId();
      const token = newToken(userId, 'reset_password', { expiresAt: at(60) });
      await h.tokens.issue(token);
      assert.equal(await h.tokens.consume(token.tokenHash, 'verify_email', at(1)), false, 'another purpose');
      assert.equal(await h.tokens.consume(token.tokenHash, 'reset_password', at(60)), false, 'expired');
      assert.equal(await h.tokens.consume(token.tokenHash, 'reset_password', at(59)), true);
      assert.equal(await h.tokens.consume(token.tokenHash, 'reset_password', at(59)), false, 'used');
      assert.deepEqual((await h.tokens.findByHash(token.tokenHash))?.consumedAt, at(59));
    });

    test('of concurrent uses of one token exactly one succeeds', async () => {
      const userId = await h.newUserId();
      const token = newToken(userId, 'reset_password');
      await h.tokens.issue(token);
      const results = await Promise.all(Array.from({ length: 8 }, () => h.tokens.consume(token.tokenHash, 'reset_password', at(5))));
      assert.equal(results.filter(Boolean).length, 1);
    });

    test('addAttempt counts failed code attempts, and answers null for a token that is gone', async () => {
      const userId = await h.newUserId();
      const token = newToken(userId, 'magic_link', { codeHash: 'd'.repeat(64) });
      await h.tokens.issue(token);
      assert.equal(await h.tokens.addAttempt(token.tokenHash), 1);
      assert.equal(await h.tokens.addAttempt(token.tokenHash), 2);
      assert.equal((await h.tokens.findByHash(token.tokenHash))?.attempts, 2);
      assert.equal(await h.tokens.addAttempt(hashOf('gone')), null);
    });

    test('deleteForUser removes every token of the purpose, consumed or not; deleteExpired removes dead ones only', async () => {
      const userId = await h.newUserId();
      const used = newToken(userId, 'verify_email');
      await h.tokens.issue(used);
      await h.tokens.consume(used.tokenHash, 'verify_email', at(1));
      const live = newToken(userId, 'verify_email', { createdAt: at(2) });
      await h.tokens.issue(live);
      assert.equal(await h.tokens.deleteForUser(userId, 'verify_email'), 2);
      assert.equal(await h.tokens.findByHash(live.tokenHash), null);

      const expired = newToken(userId, 'magic_link', { expiresAt: at(100) });
      const fresh = newToken(userId, 'reset_password', { expiresAt: at(5000) });
      await h.tokens.issue(expired);
      await h.tokens.issue(fresh);
      assert.ok(await h.tokens.deleteExpired(at(200)) >= 1);
      assert.equal(await h.tokens.findByHash(expired.tokenHash), null);
      assert.deepEqual(await h.tokens.findByHash(fresh.tokenHash), fresh);
    });

    test('a deleted user takes their tokens along', async () => {
      const userId = await h.newUserId();
      const token = newToken(userId, 'reset_password');
      await h.tokens.issue(token);
      await h.deleteUser(userId);
      assert.equal(await h.tokens.findByHash(token.tokenHash), null);
    });
  });
}
