// Imported users log in with the password of the system they leave, on every SQL backend, in each
// hash format (docs/migrating.md, "Password hashes"); the first success replaces the hash with
// argon2id, and a wrong password answers exactly as for an unknown user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../helpers.js';
import { sqlBackends, unavailable } from '../storage/backends.js';
import { importUsers, type SourceLine } from '../../src/core/import/import-users.js';
import { allVectors, FIREBASE_HASH, FIREBASE_SAMPLE, PASSWORD } from './hash-vectors.js';

/** A test app on a fresh database of `backend`, closed and dropped after the test. */
async function appOn(backend: (typeof sqlBackends)[number]['backend'], t: { after(fn: () => Promise<void>): void }) {
  const db = await backend.create();
  t.after(() => db.drop());
  const ctx = await createTestApp({ DATABASE_URL: db.url });
  t.after(() => ctx.close());
  return ctx;
}

for (const { backend, variable } of sqlBackends) {
  test(`${backend.name}: each imported format logs in with its password, then holds argon2id; a wrong one fails as an unknown user does`, {
    skip: variable ? unavailable(variable) : false,
  }, async (t) => {
    const ctx = await appOn(backend, t);
    const hashes = { ...(await allVectors()), firescrypt: FIREBASE_HASH };
    const source: SourceLine[] = Object.entries(hashes).map(([name, hash], i) => ({
      line: i + 1, value: { email: `${name}@example.com`, password_hash: hash, full_name: `User ${name}` },
    }));
    const result = await importUsers({ store: ctx.stores.userImport, sessions: ctx.stores.sessions, clock: ctx.clock, roles: ctx.config.roles }, source, { skipInvalid: false, update: false });
    assert.deepEqual(result, { ok: true, created: source.length, updated: 0, unchanged: 0, skipped: [] });

    const login = (username: string, password: string) => ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });
    const unknown = await login('nobody@example.com', PASSWORD);
    assert.equal(unknown.statusCode, 401);
    for (const [name, hash] of Object.entries(hashes)) {
      const email = `${name}@example.com`;
      const wrong = await login(email, `${PASSWORD}?`);
      assert.equal(wrong.statusCode, 401, name);
      assert.equal(wrong.body, unknown.body, name);
      assert.equal((await ctx.stores.users.findByLogin(email))!.passwordHash, hash, `${name}: a failed login keeps the hash`);

      const right = await login(email, name === 'firescrypt' ? FIREBASE_SAMPLE.password : PASSWORD);
      assert.equal(right.statusCode, 200, `${name}: ${right.body}`);
      const stored = (await ctx.stores.users.findByLogin(email))!.passwordHash;
      assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, `${name} is rehashed`);
      const again = await login(email, name === 'firescrypt' ? FIREBASE_SAMPLE.password : PASSWORD);
      assert.equal(again.statusCode, 200, `${name}: the argon2id hash logs in`);
    }
  });
}

for (const { backend, variable } of sqlBackends) {
  test(`${backend.name}: re-running is idempotent by id or email, --update overwrites given fields, clashes with stored users and identities are refused`, {
    skip: variable ? unavailable(variable) : false,
  }, async (t) => {
    const ctx = await appOn(backend, t);
    const deps = { store: ctx.stores.userImport, sessions: ctx.stores.sessions, clock: ctx.clock, roles: ctx.config.roles };
    const id = '0190a5e4-4c3b-7d2e-9f10-1a2b3c4d5e6f';
    const lines = (values: object[]): SourceLine[] => values.map((value, i) => ({ line: i + 1, value }));
    const first = lines([
      { id, email: 'kept@example.com', username: 'kept', identities: [{ provider: 'github', subject: '42' }] },
      { email: 'derived.name+tag@example.com', full_name: 'Derived' },
    ]);
    assert.deepEqual(await importUsers(deps, first, { skipInvalid: false, update: false }), { ok: true, created: 2, updated: 0, unchanged: 0, skipped: [] });
    assert.equal((await ctx.stores.users.findByLogin('derived.name+tag@example.com'))!.username, 'derived.name_tag');
    assert.equal((await ctx.stores.federation.findIdentity('github', '42'))?.userId, id);
    assert.deepEqual(await importUsers(deps, first, { skipInvalid: false, update: false }), { ok: true, created: 0, updated: 0, unchanged: 2, skipped: [] });

    const second = lines([
      { id, email: 'kept@example.com', full_name: 'Kept Again', disabled: true },
      { email: 'new@example.com', username: 'KEPT' },
      { email: 'other@example.com', identities: [{ provider: 'github', subject: '42' }] },
      { id: '0190a5e4-4c3b-7d2e-9f10-000000000000', email: 'derived.name+tag@example.com' },
    ]);
    assert.deepEqual(await importUsers(deps, second, { skipInvalid: false, update: true }), { ok: false, bad: [
      { line: 2, reason: 'username belongs to another user' },
      { line: 3, reason: 'identity github 42 is linked to another user' },
      { line: 4, reason: 'email belongs to another user' },
    ] });
    assert.equal((await ctx.stores.users.findById(id))!.fullName, null, 'nothing was written');
    assert.deepEqual(await importUsers(deps, second, { skipInvalid: true, update: true }), {
      ok: true, created: 0, updated: 1, unchanged: 0, skipped: [
        { line: 2, reason: 'username belongs to another user' },
        { line: 3, reason: 'identity github 42 is linked to another user' },
        { line: 4, reason: 'email belongs to another user' },
      ],
    });
    const kept = (await ctx.stores.users.findById(id))!;
    assert.deepEqual({ fullName: kept.fullName, disabled: kept.disabled, username: kept.username }, { fullName: 'Kept Again', disabled: true, username: 'kept' });
  });
}
