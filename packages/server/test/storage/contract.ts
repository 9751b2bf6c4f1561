// The one contract every store must pass, races included. Suites call describeUserStore and
// describeSessionStore with a factory for a fresh, empty store.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DuplicateUserError } from '../../src/storage/errors.js';
import type { SessionRecord, SessionStore, UserStore } from '../../src/storage/types/stores.js';

export interface UserHarness {
  users: UserStore;
  close(): Promise<void>;
}

export interface SessionHarness {
  sessions: SessionStore;
  /** A user id sessions may belong to (SQL stores insert the user row first). */
  newUserId(): Promise<string>;
  close(): Promise<void>;
}

// Near the real time: Redis expires keys by its own clock.
const T0 = Math.floor(Date.now() / 1000) * 1000;
const at = (seconds: number) => new Date(T0 + seconds * 1000);

export function newUser(overrides: Partial<{ id: string; username: string; email: string }> = {}) {
  const id = overrides.id ?? randomUUID();
  const username = overrides.username ?? `u${id.slice(0, 8)}`;
  return {
    id, username, email: overrides.email ?? `${username.toLowerCase()}@example.com`, passwordHash: '$argon2id$v=19$m=19456,p=1,t=2$x$y',
    emailVerified: false, fullName: null, role: 'user', disabled: false, createdAt: at(0),
  };
}

export function describeUserStore(name: string, skip: string | false, open: () => Promise<UserHarness>): void {
  describe(`UserStore contract: ${name}`, { skip }, () => {
    let h: UserHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('creates a user and finds it by id, by its lowered username and by email', async () => {
      const user = newUser({ username: 'Carol' });
      const created = await h.users.create(user);
      assert.deepEqual(created, { ...user, updatedAt: user.createdAt, credentialGeneration: 0, ownerProvenAt: user.createdAt, ownerProvenBefore: user.createdAt });
      assert.deepEqual(await h.users.findById(user.id), created);
      assert.deepEqual(await h.users.findByLogin('carol'), created);
      assert.deepEqual(await h.users.findByLogin('carol@example.com'), created);
      assert.equal(await h.users.findById(randomUUID()), null);
      assert.equal(await h.users.findByLogin('nobody'), null);
    });

    test('findByLogin compares the key byte for byte: no other case, accent, width or trailing space finds the user', async () => {
      await h.users.create(newUser({ username: 'Erin', email: 'erin@example.com' }));
      assert.equal((await h.users.findByLogin('erin'))?.username, 'Erin');
      const others = ['ERIN', 'Erin', 'érin', 'erín', 'erin ', 'ｅrin', 'e\u0301rin', 'ERIN@example.com', 'érin@example.com',
        'erin@exámple.com', 'erin@example.com '];
      for (const key of others) assert.equal(await h.users.findByLogin(key), null, JSON.stringify(key));
    });

    test('refuses a username taken in another case, and a taken email, naming the field', async () => {
      await h.users.create(newUser({ username: 'Dave' }));
      await assert.rejects(h.users.create(newUser({ username: 'dAVE', email: 'other-dave@example.com' })),
        (e: unknown) => e instanceof DuplicateUserError && e.field === 'username');
      await assert.rejects(h.users.create(newUser({ username: 'dave2', email: 'dave@example.com' })),
        (e: unknown) => e instanceof DuplicateUserError && e.field === 'email');
    });

    test('updates the given fields only and returns the new record', async () => {
      const user = newUser();
      await h.users.create(user);
      const updated = await h.users.update(user.id, { disabled: true, role: 'admin' }, at(60));
      assert.deepEqual(updated, { ...user, disabled: true, role: 'admin', updatedAt: at(60), credentialGeneration: 0, ownerProvenAt: user.createdAt, ownerProvenBefore: user.createdAt });
      assert.equal(await h.users.update(randomUUID(), { disabled: true }, at(60)), null);
    });

    test('lists users whose username or email starts with the query, in id order, a page after a cursor', async () => {
      const tag = `l${randomUUID().slice(0, 6)}`;
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await h.users.create(newUser({ username: `${tag}_User${i}`, email: `mail${i}_${tag}@example.com` })));
      await h.users.create(newUser({ username: `x${tag}` })); // contains the tag, does not start with it
      const ids = made.map((u) => u.id).sort();
      const first = await h.users.list({ query: tag.toUpperCase(), limit: 3 });
      assert.deepEqual(first.map((u) => u.id), ids.slice(0, 3));
      assert.deepEqual(first[0], made.find((u) => u.id === ids[0]));
      const rest = await h.users.list({ query: tag, limit: 3, after: first[2]!.id });
      assert.deepEqual(rest.map((u) => u.id), ids.slice(3));
      const byEmail = await h.users.list({ query: `MAIL2_${tag}@`, limit: 10 });
      assert.deepEqual(byEmail.map((u) => u.username), [`${tag}_User2`]);
    });

    test('treats LIKE wildcards in the query literally', async () => {
      const tag = `w${randomUUID().slice(0, 6)}`;
      await h.users.create(newUser({ username: `${tag}_a` }));
      await h.users.create(newUser({ username: `${tag}ba` }));
      assert.deepEqual((await h.users.list({ query: `${tag}_`, limit: 10 })).map((u) => u.username), [`${tag}_a`]);
      assert.deepEqual(await h.users.list({ query: `${tag}%`, limit: 10 }), []);
      assert.deepEqual(await h.users.list({ query: `${tag}!`, limit: 10 }), []);
    });

    test('lists everyone when there is no query, never more than the limit', async () => {
      await h.users.create(newUser());
      await h.users.create(newUser());
      const page = await h.users.list({ limit: 2 });
      assert.equal(page.length, 2);
      assert.ok(page[0]!.id < page[1]!.id);
    });

    test('deletes a user once: true the first time, false after', async () => {
      const user = newUser();
      await h.users.create(user);
      assert.equal(await h.users.delete(user.id), true);
      assert.equal(await h.users.findById(user.id), null);
      assert.equal(await h.users.delete(user.id), false);
    });

    test('counts the users of a role that are not disabled', async () => {
      const role = `r${randomUUID().slice(0, 8)}`;
      const [a, b, c] = [newUser(), newUser(), newUser()];
      for (const u of [a, b, c]) await h.users.create({ ...u, role });
      assert.equal(await h.users.countActiveByRole(role), 3);
      await h.users.update(b.id, { disabled: true }, at(10));
      await h.users.update(c.id, { role: 'user' }, at(10));
      assert.equal(await h.users.countActiveByRole(role), 1);
      assert.equal(await h.users.countActiveByRole(`${role}-none`), 0);
    });

    test('replaces the password hash only while the stored hash is the expected one', async () => {
      const user = newUser();
      await h.users.create(user);
      assert.equal(await h.users.replacePasswordHash(user.id, 'not-the-hash', '$argon2id$new', at(60)), false);
      assert.equal((await h.users.findById(user.id))?.passwordHash, user.passwordHash);
      assert.equal(await h.users.replacePasswordHash(user.id, user.passwordHash, '$argon2id$new', at(60)), true);
      assert.equal((await h.users.findById(user.id))?.passwordHash, '$argon2id$new');
      assert.equal(await h.users.replacePasswordHash(user.id, user.passwordHash, '$argon2id$again', at(61)), false);
    });

    test('moves the credential generation with a new password and with bumpCredentialGeneration, never with a rehash or other fields', async () => {
      const user = newUser();
      await h.users.create(user);
      const generation = async () => (await h.users.findById(user.id))!.credentialGeneration;
      await h.users.update(user.id, { fullName: 'Renamed', emailVerified: true }, at(10));
      assert.equal(await h.users.replacePasswordHash(user.id, user.passwordHash, '$argon2id$rehashed', at(11)), true);
      assert.equal(await generation(), 0);
      assert.equal((await h.users.update(user.id, { passwordHash: '$argon2id$new' }, at(12)))?.credentialGeneration, 1);
      assert.equal(await h.users.bumpCredentialGeneration(user.id, at(13)), 2, 'a bump answers the generation it produced');
      const both = await Promise.all([h.users.bumpCredentialGeneration(user.id, at(14)), h.users.bumpCredentialGeneration(user.id, at(14))]);
      assert.deepEqual(both.sort(), [3, 4], 'concurrent bumps each answer their own generation');
      assert.equal(await generation(), 4, 'concurrent bumps each count');
      assert.equal(await h.users.bumpCredentialGeneration('00000000-0000-7000-8000-000000000000', at(15)), null);
    });

    test('marks the owner proven at a later time only: a sign-in finishing out of order never moves it back', async () => {
      const user = newUser();
      await h.users.create(user);
      const provenAt = async () => { const found = (await h.users.findById(user.id))!; return [found.ownerProvenAt, found.ownerProvenBefore]; };
      assert.deepEqual(await provenAt(), [user.createdAt, user.createdAt], 'a new user is proven at its creation');
      await h.users.markOwnerProven(user.id, at(30));
      assert.deepEqual(await provenAt(), [at(30), user.createdAt]);
      await h.users.markOwnerProven(user.id, at(20));
      assert.deepEqual(await provenAt(), [at(30), user.createdAt], 'an earlier time changes nothing');
      await h.users.markOwnerProven(user.id, at(40));
      assert.deepEqual(await provenAt(), [at(40), at(30)]);
    });

    test('concurrent registrations of one name leave exactly one row', async () => {
      const attempts = Array.from({ length: 20 }, (_, i) => h.users.create(newUser({ username: 'Racer', email: `racer${i}@example.com` })));
      const results = await Promise.allSettled(attempts);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof DuplicateUserError);
    });
  });
}

export function newSession(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: randomUUID(), userId, currentHash: 'a'.repeat(64), previousHash: null, generation: 0,
    rotatedAt: at(0), rotationFingerprint: null, createdAt: at(0), expiresAt: at(7 * 86_400), lastUsedAt: at(0), revokedAt: null,
    ip: '127.0.0.1', userAgent: 'test', amr: ['pwd', 'otp', 'mfa'], authTime: at(-30), client: null, ...overrides,
  };
}

const rotation = (hash: string, previous: string, generation: number, when: number, fingerprint = 'f'.repeat(64)) => ({
  currentHash: hash, previousHash: previous, generation, rotatedAt: at(when), rotationFingerprint: fingerprint,
  expiresAt: at(when + 7 * 86_400), lastUsedAt: at(when),
});

export function describeSessionStore(name: string, skip: string | false, open: () => Promise<SessionHarness>): void {
  describe(`SessionStore contract: ${name}`, { skip }, () => {
    let h: SessionHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('creates a session and finds it only under its own user', async () => {
      const userId = await h.newUserId();
      const session = newSession(userId);
      await h.sessions.create(session);
      assert.deepEqual(await h.sessions.findById(userId, session.id), session);
      assert.equal(await h.sessions.findById(await h.newUserId(), session.id), null);
      assert.equal(await h.sessions.findById(userId, randomUUID()), null);
    });

    test('keeps the client a session was opened for, and its scopes, through reads, rotations and the live list', async () => {
      const userId = await h.newUserId();
      const session = newSession(userId, { client: { clientId: 'Wiki.app', scopes: ['openid', 'email', 'offline_access'] } });
      await h.sessions.create(session);
      assert.deepEqual(await h.sessions.findById(userId, session.id), session);
      assert.equal(await h.sessions.rotate(userId, session.id, 'a'.repeat(64), rotation('b'.repeat(64), 'a'.repeat(64), 1, 5)), true);
      assert.deepEqual((await h.sessions.findById(userId, session.id))?.client, session.client);
      const own = newSession(userId, { createdAt: at(10) });
      await h.sessions.create(own);
      const listed = await h.sessions.listActiveForUser(userId, at(20));
      assert.deepEqual(listed.map((s) => s.client), [null, session.client]);
    });

    test('rotates only while the expected hash is current and the session is live, keeping its amr and auth time', async () => {
      const userId = await h.newUserId();
      const session = newSession(userId);
      await h.sessions.create(session);
      assert.equal(await h.sessions.rotate(userId, session.id, 'f'.repeat(64), rotation('b'.repeat(64), 'f'.repeat(64), 1, 5)), false);
      assert.equal(await h.sessions.rotate(userId, session.id, 'a'.repeat(64), rotation('b'.repeat(64), 'a'.repeat(64), 1, 5)), true);
      assert.deepEqual(await h.sessions.findById(userId, session.id), { ...session, ...rotation('b'.repeat(64), 'a'.repeat(64), 1, 5) });
      await h.sessions.revoke(userId, session.id, at(6));
      assert.equal(await h.sessions.rotate(userId, session.id, 'b'.repeat(64), rotation('c'.repeat(64), 'b'.repeat(64), 2, 7)), false);
      assert.deepEqual((await h.sessions.findById(userId, session.id))?.revokedAt, at(6));
    });

    test('keeps the rotating client\'s fingerprint with each rotation, and a lost swap leaves it alone', async () => {
      const userId = await h.newUserId();
      const session = newSession(userId);
      await h.sessions.create(session);
      assert.equal((await h.sessions.findById(userId, session.id))?.rotationFingerprint, null);
      assert.equal(await h.sessions.rotate(userId, session.id, 'a'.repeat(64), rotation('b'.repeat(64), 'a'.repeat(64), 1, 5, '1'.repeat(64))), true);
      assert.equal((await h.sessions.findById(userId, session.id))?.rotationFingerprint, '1'.repeat(64));
      assert.equal(await h.sessions.rotate(userId, session.id, 'a'.repeat(64), rotation('c'.repeat(64), 'a'.repeat(64), 2, 6, '2'.repeat(64))), false);
      assert.equal((await h.sessions.findById(userId, session.id))?.rotationFingerprint, '1'.repeat(64));
      assert.equal(await h.sessions.rotate(userId, session.id, 'b'.repeat(64), rotation('c'.repeat(64), 'b'.repeat(64), 2, 7, '3'.repeat(64))), true);
      const rotated = await h.sessions.findById(userId, session.id);
      assert.deepEqual(rotated, { ...session, ...rotation('c'.repeat(64), 'b'.repeat(64), 2, 7, '3'.repeat(64)) });
      assert.deepEqual((await h.sessions.listActiveForUser(userId, at(8)))[0], rotated);
    });

    test('of 50 concurrent rotations of one token exactly one wins', async () => {
      const userId = await h.newUserId();
      const session = newSession(userId);
      await h.sessions.create(session);
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
        h.sessions.rotate(userId, session.id, 'a'.repeat(64), rotation(i.toString(16).padStart(64, 'c'), 'a'.repeat(64), 1, 5))));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = results.indexOf(true);
      assert.equal((await h.sessions.findById(userId, session.id))?.currentHash, winner.toString(16).padStart(64, 'c'));
    });

    test('lists live sessions newest first, leaving out revoked and expired ones', async () => {
      const userId = await h.newUserId();
      const old = newSession(userId, { createdAt: at(0) });
      const recent = newSession(userId, { createdAt: at(10) });
      const revoked = newSession(userId, { createdAt: at(20) });
      const expired = newSession(userId, { createdAt: at(30), expiresAt: at(100) });
      for (const s of [old, recent, revoked, expired]) await h.sessions.create(s);
      await h.sessions.revoke(userId, revoked.id, at(40));
      const live = await h.sessions.listActiveForUser(userId, at(200));
      assert.deepEqual(live.map((s) => s.id), [recent.id, old.id]);
    });

    test('counts the live sessions of all users, when the store can (SQL)', async (t) => {
      if (!h.sessions.countActive) {
        t.skip('this store does not count (Redis keeps sessions per user)');
        return;
      }
      const count = h.sessions.countActive.bind(h.sessions);
      const before = await count(at(200));
      const userId = await h.newUserId();
      const live = newSession(userId);
      const revoked = newSession(userId);
      const expired = newSession(userId, { expiresAt: at(100) });
      for (const s of [live, revoked, expired]) await h.sessions.create(s);
      await h.sessions.revoke(userId, revoked.id, at(40));
      assert.equal(await count(at(200)), before + 1);
    });

    test('revokes all of a user\'s sessions, or all but one, and no other user\'s', async () => {
      const userId = await h.newUserId();
      const other = await h.newUserId();
      const [a, b, c] = [newSession(userId), newSession(userId), newSession(userId)];
      const theirs = newSession(other);
      for (const s of [a, b, c, theirs]) await h.sessions.create(s);
      assert.equal(await h.sessions.revokeAllForUser(userId, at(50), a.id), 2);
      assert.deepEqual((await h.sessions.listActiveForUser(userId, at(60))).map((s) => s.id), [a.id]);
      assert.equal(await h.sessions.revokeAllForUser(userId, at(70)), 1);
      assert.deepEqual(await h.sessions.listActiveForUser(userId, at(80)), []);
      assert.equal((await h.sessions.listActiveForUser(other, at(80))).length, 1);
    });

    test('deletes all of a user\'s sessions, revoked ones too, counts the unrevoked, and leaves other users\' alone', async () => {
      const userId = await h.newUserId();
      const other = await h.newUserId();
      const [a, b, c] = [newSession(userId), newSession(userId), newSession(userId)];
      const theirs = newSession(other);
      for (const s of [a, b, c, theirs]) await h.sessions.create(s);
      await h.sessions.revoke(userId, c.id, at(10));
      assert.equal(await h.sessions.deleteAllForUser(userId), 2);
      for (const s of [a, b, c]) assert.equal(await h.sessions.findById(userId, s.id), null);
      assert.deepEqual(await h.sessions.listActiveForUser(userId, at(20)), []);
      assert.ok(await h.sessions.findById(other, theirs.id));
      assert.equal(await h.sessions.deleteAllForUser(userId), 0);
    });

    test('logout-all racing rotations leaves no session alive', async () => {
      const userId = await h.newUserId();
      const sessions = Array.from({ length: 10 }, () => newSession(userId));
      for (const s of sessions) await h.sessions.create(s);
      await Promise.all([
        ...sessions.map((s) => h.sessions.rotate(userId, s.id, 'a'.repeat(64), rotation('d'.repeat(64), 'a'.repeat(64), 1, 5))),
        h.sessions.revokeAllForUser(userId, at(5)),
        ...sessions.map((s) => h.sessions.rotate(userId, s.id, 'd'.repeat(64), rotation('e'.repeat(64), 'd'.repeat(64), 2, 6))),
      ]);
      assert.deepEqual(await h.sessions.listActiveForUser(userId, at(10)), []);
      for (const s of sessions) assert.ok((await h.sessions.findById(userId, s.id))?.revokedAt);
    });

    test('forgets expired sessions once deleteExpired runs (Redis: by key expiry)', async () => {
      const userId = await h.newUserId();
      const expired = newSession(userId, { createdAt: at(-100), expiresAt: at(-1) });
      const live = newSession(userId, { expiresAt: at(10_000) });
      await h.sessions.create(expired);
      await h.sessions.create(live);
      assert.equal(typeof (await h.sessions.deleteExpired(at(0))), 'number');
      assert.equal(await h.sessions.findById(userId, expired.id), null);
      assert.ok(await h.sessions.findById(userId, live.id));
    });
  });
}
