// The contract of the factor and login-challenge stores, races included: every compare-and-swap
// has exactly one winner among concurrent callers.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FactorStore, LoginChallengeRecord, LoginChallengeStore } from '../../../src/storage/types/factors.js';

export interface FactorHarness {
  factors: FactorStore;
  loginChallenges: LoginChallengeStore;
  newUserId(): Promise<string>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const totp = (userId: string, secret = 'v1.sealed') => ({ userId, secret, confirmedAt: null, lastUsedStep: null, createdAt: at(0) });
const challenge = (userId: string): LoginChallengeRecord => ({
  tokenHash: randomUUID().replaceAll('-', '').padEnd(64, '0'), userId, state: 'second_factor', amr: ['pwd'], attempts: 0,
  createdAt: at(0), expiresAt: at(300), finishedAt: null, credentialGeneration: 0,
});

export function describeFactorStores(name: string, skip: string | false, open: () => Promise<FactorHarness>): void {
  describe(`FactorStore and LoginChallengeStore contract: ${name}`, { skip }, () => {
    let h: FactorHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('an unconfirmed TOTP is replaced by a new start; a confirmed one is not, and confirm is a compare-and-swap on the secret', async () => {
      const userId = await h.newUserId();
      assert.equal(await h.factors.startTotp(totp(userId, 'v1.first')), true);
      assert.equal(await h.factors.startTotp(totp(userId, 'v1.second')), true);
      assert.equal(await h.factors.confirmTotp(userId, 'v1.first', 100, ['a'.repeat(64)], at(10)), false, 'replaced meanwhile');
      assert.equal(await h.factors.confirmTotp(userId, 'v1.second', 100, ['a'.repeat(64), 'b'.repeat(64)], at(10)), true);
      assert.deepEqual(await h.factors.findTotp(userId), { userId, secret: 'v1.second', confirmedAt: at(10), lastUsedStep: 100, createdAt: at(0) });
      assert.equal(await h.factors.startTotp(totp(userId, 'v1.third')), false);
      assert.equal(await h.factors.countUnusedRecoveryCodes(userId), 2);
      assert.equal(await h.factors.findTotp(randomUUID()), null);
    });

    test('a TOTP step is used only when later than the last; of 20 concurrent uses of one step exactly one wins', async () => {
      const userId = await h.newUserId();
      await h.factors.startTotp(totp(userId));
      assert.equal(await h.factors.useTotpStep(userId, 5), false, 'not confirmed yet');
      await h.factors.confirmTotp(userId, 'v1.sealed', 100, [], at(1));
      assert.equal(await h.factors.useTotpStep(userId, 100), false);
      assert.equal(await h.factors.useTotpStep(userId, 99), false);
      const wins = await Promise.all(Array.from({ length: 20 }, () => h.factors.useTotpStep(userId, 101)));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.equal((await h.factors.findTotp(userId))?.lastUsedStep, 101);
    });

    test('a recovery code is used once, by one of 20 concurrent callers; replacing the codes kills the old ones', async () => {
      const userId = await h.newUserId();
      await h.factors.replaceRecoveryCodes(userId, ['a'.repeat(64), 'b'.repeat(64)], at(0));
      const wins = await Promise.all(Array.from({ length: 20 }, () => h.factors.useRecoveryCode(userId, 'a'.repeat(64), at(5))));
      assert.equal(wins.filter(Boolean).length, 1);
      assert.equal(await h.factors.useRecoveryCode(await h.newUserId(), 'b'.repeat(64), at(5)), false, 'another user\'s code');
      assert.equal(await h.factors.countUnusedRecoveryCodes(userId), 1);
      await h.factors.replaceRecoveryCodes(userId, ['c'.repeat(64)], at(6));
      assert.equal(await h.factors.useRecoveryCode(userId, 'b'.repeat(64), at(7)), false);
      assert.equal(await h.factors.useRecoveryCode(userId, 'c'.repeat(64), at(7)), true);
    });

    test('deleteAll removes the TOTP factor and the codes, and says whether there was a factor', async () => {
      const userId = await h.newUserId();
      await h.factors.startTotp(totp(userId));
      await h.factors.confirmTotp(userId, 'v1.sealed', 1, ['d'.repeat(64)], at(1));
      assert.equal(await h.factors.deleteAll(userId), true);
      assert.deepEqual([await h.factors.findTotp(userId), await h.factors.countUnusedRecoveryCodes(userId)], [null, 0]);
      assert.equal(await h.factors.deleteAll(userId), false);
    });

    test('a challenge is stored and found by hash; attempts stop at the limit even when 20 race, and never after expiry', async () => {
      const c = challenge(await h.newUserId());
      await h.loginChallenges.create(c);
      assert.deepEqual(await h.loginChallenges.findByHash(c.tokenHash), c);
      const charged = await Promise.all(Array.from({ length: 20 }, () => h.loginChallenges.addAttempt(c.tokenHash, at(10), 5)));
      assert.equal(charged.filter(Boolean).length, 5);
      assert.equal((await h.loginChallenges.findByHash(c.tokenHash))?.attempts, 5);
      const late = challenge(c.userId);
      await h.loginChallenges.create(late);
      assert.equal(await h.loginChallenges.addAttempt(late.tokenHash, at(300), 5), false);
      assert.equal(await h.loginChallenges.findByHash('f'.repeat(64)), null);
    });

    test('a challenge finishes once, by one of 20 concurrent callers; a finished one takes no attempt; a user\'s pending ones can be abandoned', async () => {
      const userId = await h.newUserId();
      const c = challenge(userId);
      await h.loginChallenges.create(c);
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => h.loginChallenges.finish(c.tokenHash, i % 2 ? 'done' : 'abandoned', at(20))));
      assert.equal(wins.filter(Boolean).length, 1);
      const finished = await h.loginChallenges.findByHash(c.tokenHash);
      assert.ok(finished?.state !== 'second_factor' && finished?.finishedAt?.getTime() === at(20).getTime());
      assert.equal(await h.loginChallenges.addAttempt(c.tokenHash, at(21), 5), false);
      const [a, b] = [challenge(userId), challenge(userId)];
      await h.loginChallenges.create(a);
      await h.loginChallenges.create(b);
      assert.equal(await h.loginChallenges.abandonForUser(userId, at(30)), 2);
      assert.equal((await h.loginChallenges.findByHash(a.tokenHash))?.state, 'abandoned');
      assert.ok((await h.loginChallenges.deleteExpired(at(301))) >= 4);
      assert.equal(await h.loginChallenges.findByHash(a.tokenHash), null);
    });
  });
}
