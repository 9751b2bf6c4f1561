// The contract every FederationStore passes, races included (storage/types/federation.ts): identities
// unique per (provider, subject) compared byte for byte, gone with their user; tickets taken once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { DuplicateIdentityError } from '../../../src/storage/errors.js';
import type { FederationStore, FederationTicket, IdentityRecord } from '../../../src/storage/types/federation.js';
import type { LoginMethodStore, RemainingWaysIn } from '../../../src/storage/types/login-methods.js';

export interface FederationHarness {
  federation: FederationStore;
  /** Unlinking goes through the store that counts every way to log in under one lock. */
  loginMethods: LoginMethodStore;
  /** A user id identities may belong to (SQL stores insert the user row first). */
  newUserId(): Promise<string>;
  deleteUser(id: string): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 5, 1, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function newIdentity(userId: string, overrides: Partial<IdentityRecord> = {}): IdentityRecord {
  return {
    id: randomUUID(), userId, provider: 'google', subject: randomBytes(8).toString('hex'), email: 'a@example.com', emailVerified: true,
    createdAt: at(0), lastUsedAt: at(0), ...overrides,
  };
}

function newTicket(overrides: Partial<FederationTicket> = {}): FederationTicket {
  return {
    hash: createHash('sha256').update(randomBytes(32)).digest('hex'), kind: 'login', userId: null, data: '{"provider":"google"}', expiresAt: at(600), ...overrides,
  };
}

export function describeFederationStore(name: string, skip: string | false, open: () => Promise<FederationHarness>): void {
  describe(`FederationStore contract: ${name}`, { skip }, () => {
    let h: FederationHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('creates an identity, finds it by (provider, subject) and lists it for its user, oldest first', async () => {
      const userId = await h.newUserId();
      const first = newIdentity(userId, { subject: 'Subject-1' });
      const second = newIdentity(userId, { provider: 'github', subject: '583231', email: null, emailVerified: false, createdAt: at(5), lastUsedAt: at(5) });
      await h.federation.createIdentity(second);
      await h.federation.createIdentity(first);
      assert.deepEqual(await h.federation.findIdentity('google', 'Subject-1'), first);
      assert.deepEqual(await h.federation.listIdentities(userId), [first, second]);
      assert.equal(await h.federation.findIdentity('google', 'subject-1'), null, 'subjects compare byte for byte');
      assert.equal(await h.federation.findIdentity('github', 'Subject-1'), null);
    });

    test('refuses a second identity with the same (provider, subject), whoever it is for; the same subject at another provider is another identity', async () => {
      const [a, b] = [await h.newUserId(), await h.newUserId()];
      await h.federation.createIdentity(newIdentity(a, { subject: 'same' }));
      await assert.rejects(h.federation.createIdentity(newIdentity(b, { subject: 'same' })), DuplicateIdentityError);
      await h.federation.createIdentity(newIdentity(b, { provider: 'other', subject: 'same' }));
      const concurrent = await Promise.allSettled([1, 2, 3].map(() => h.federation.createIdentity(newIdentity(a, { subject: 'race' }))));
      assert.equal(concurrent.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    });

    test('touch records the last login and the email asserted; identities go with their user', async () => {
      const userId = await h.newUserId();
      const identity = newIdentity(userId);
      await h.federation.createIdentity(identity);
      await h.federation.touchIdentity(identity.id, { email: 'b@example.com', emailVerified: false, lastUsedAt: at(99) });
      assert.deepEqual(await h.federation.findIdentity(identity.provider, identity.subject), { ...identity, email: 'b@example.com', emailVerified: false, lastUsedAt: at(99) });
      await h.deleteUser(userId);
      assert.deepEqual(await h.federation.listIdentities(userId), []);
      assert.equal(await h.federation.findIdentity(identity.provider, identity.subject), null);
    });

    test('loginMethods.remove of an identity: only the owner\'s, never past what keepsWayIn accepts; two concurrent unlinks of the last two leave one', async () => {
      const [userId, other] = [await h.newUserId(), await h.newUserId()];
      const [one, two] = [newIdentity(userId), newIdentity(userId)];
      await h.federation.createIdentity(one);
      await h.federation.createIdentity(two);
      const keepOne = (left: RemainingWaysIn) => left.identities > 0;
      const anything = () => true;
      const remove = (user: string, id: string, keeps: (left: RemainingWaysIn) => boolean) => h.loginMethods.remove(user, 'identity', id, keeps);
      assert.equal(await remove(other, one.id, anything), 'not_found');
      const outcomes = await Promise.all([remove(userId, one.id, keepOne), remove(userId, two.id, keepOne)]);
      assert.deepEqual(outcomes.sort(), ['deleted', 'last']);
      const [left] = await h.federation.listIdentities(userId);
      assert.equal(await remove(userId, left!.id, keepOne), 'last');
      assert.equal(await remove(userId, left!.id, anything), 'deleted');
      assert.equal(await remove(userId, left!.id, anything), 'not_found');
    });

    test('a ticket is taken once, only as its kind and before it expires; of concurrent takers one wins', async () => {
      const userId = await h.newUserId();
      const ticket = newTicket({ kind: 'code', userId });
      await h.federation.putTicket(ticket);
      assert.equal(await h.federation.takeTicket(ticket.hash, 'login', at(1)), null, 'another kind');
      const taken = await Promise.all([1, 2, 3, 4].map(() => h.federation.takeTicket(ticket.hash, 'code', at(1))));
      assert.deepEqual(taken.filter(Boolean), [ticket]);
      assert.equal(await h.federation.takeTicket(ticket.hash, 'code', at(1)), null);
      const stale = newTicket();
      await h.federation.putTicket(stale);
      assert.equal(await h.federation.takeTicket(stale.hash, 'login', at(600)), null, 'expired at expiresAt');
    });

    test('putTicketOnce stores a hash once (of concurrent callers one); findTicket reads it without taking it, only as its kind and before it expires', async () => {
      const userId = await h.newUserId();
      const ticket = newTicket({ kind: 'oidc_code_used', userId, expiresAt: at(600) });
      const stored = await Promise.all([1, 2, 3, 4].map((i) => h.federation.putTicketOnce({ ...ticket, data: `{"n":${i}}` })));
      assert.equal(stored.filter(Boolean).length, 1, 'one of four stored it');
      const found = await h.federation.findTicket(ticket.hash, 'oidc_code_used', at(1));
      assert.ok(found && found.userId === userId && found.kind === 'oidc_code_used');
      assert.equal(found.data, `{"n":${stored.indexOf(true) + 1}}`, 'the winner\'s data');
      assert.deepEqual(await h.federation.findTicket(ticket.hash, 'oidc_code_used', at(1)), found, 'still there: finding takes nothing');
      assert.equal(await h.federation.findTicket(ticket.hash, 'code', at(1)), null, 'another kind');
      assert.equal(await h.federation.findTicket(ticket.hash, 'oidc_code_used', at(600)), null, 'expired at expiresAt');
      assert.equal(await h.federation.putTicketOnce(ticket), false, 'an expired row not yet swept still holds its hash');
    });

    test('deleteExpiredTickets removes only expired tickets', async () => {
      const live = newTicket({ expiresAt: at(10_000) });
      const dead = newTicket({ expiresAt: at(20) });
      await h.federation.putTicket(live);
      await h.federation.putTicket(dead);
      assert.ok((await h.federation.deleteExpiredTickets(at(21))) >= 1);
      assert.equal(await h.federation.takeTicket(dead.hash, 'login', at(0)), null);
      assert.deepEqual(await h.federation.takeTicket(live.hash, 'login', at(21)), live);
    });
  });
}
