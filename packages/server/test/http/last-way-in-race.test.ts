// Rules that count and then delete must hold when two requests run at once on two instances of one
// database: the last active admin deleting themselves beside another admin doing the same, and an
// account's last way to log in when two of its passkeys are removed together. Each is one store
// call that counts and deletes under a lock (FOR UPDATE on PostgreSQL and MySQL; SQLite's
// BEGIN IMMEDIATE), so exactly one of the two passes. SQLite serves one process (its driver waits
// for a lock synchronously), so there both requests go to one instance at once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, createTestApp, failure, registerUser, type TestApp } from '../helpers.js';
import { sqlBackends, unavailable } from '../storage/backends.js';
import { addPasskey, newAuthenticator, passkeySignIn } from '../passkeys/passkey-flow.js';
import { NO_PASSWORD_HASH } from '../../src/core/passwords/no-password.js';

const TRIALS = 3;

async function twoInstances(backend: (typeof sqlBackends)[number]['backend'], t: { after(fn: () => Promise<void>): void }): Promise<[TestApp, TestApp]> {
  const { url, drop } = await backend.create();
  const first = await createTestApp({ DATABASE_URL: url });
  const second = backend.name === 'sqlite' ? first : await createTestApp({ DATABASE_URL: url });
  t.after(async () => {
    await first.close();
    if (second !== first) await second.close();
    await drop();
  });
  return [first, second];
}

// a removed passkey answers 200 with the caller's new pair (docs/architecture.md, "Changing a way in"), a deleted account 204
const outcome = (res: { statusCode: number; body: string }) => (res.statusCode === 204 || res.statusCode === 200 ? 'deleted' : failure(res as never).code);

for (const { backend, variable } of sqlBackends) {
  describe(`count-then-delete rules under concurrency on ${backend.name}`, { skip: variable ? unavailable(variable) : false }, () => {
    test('two admins deleting themselves at once on two instances: one goes, the other is the last admin (409 last_admin)', async (t) => {
      const [one, two] = await twoInstances(backend, t);
      for (let trial = 0; trial < TRIALS; trial++) {
        const admins = [await registerUser(one.app), await registerUser(one.app)];
        for (const admin of admins) await one.stores.users.update(admin.userId, { role: 'admin' }, new Date(one.clock.now()));
        const results = await Promise.all(admins.map((admin, i) => [one, two][i]!.app.inject({
          method: 'DELETE', url: '/users/me', headers: bearer(admin.tokens.access_token), payload: { current_password: admin.password },
        })));
        assert.deepEqual(results.map(outcome).sort(), ['deleted', 'last_admin'], `trial ${trial}`);
        assert.equal(await one.stores.users.countActiveByRole('admin'), 1);
        // the survivor makes room for the next trial
        const survivor = admins.find((_, i) => results[i]!.statusCode !== 204)!;
        await one.stores.users.update(survivor.userId, { role: 'user' }, new Date(one.clock.now()));
      }
    });

    test('an account without a password removing its two passkeys at once on two instances keeps one (409 last_login_method)', async (t) => {
      const [one, two] = await twoInstances(backend, t);
      for (let trial = 0; trial < TRIALS; trial++) {
        const user = await registerUser(one.app);
        // a second passkey needs a sign-in with the first; each addition answers the caller's new session
        const first = newAuthenticator();
        await addPasskey(one.app, user.tokens.access_token, first, 'key 0');
        const { token } = await addPasskey(one.app, await passkeySignIn(one.app, first), newAuthenticator(), 'key 1');
        await one.stores.users.update(user.userId, { passwordHash: NO_PASSWORD_HASH }, new Date(one.clock.now()));
        const ids = (await one.stores.passkeys.listForUser(user.userId)).map((passkey) => passkey.id);
        const results = await Promise.all(ids.map((id, i) => [one, two][i]!.app.inject({
          method: 'DELETE', url: `/users/me/passkeys/${id}`, headers: bearer(token),
        })));
        // the other is refused: by the count under the lock, or, when it came after the first's end of
        // every other session, by its session being gone
        const [done, refused] = results.map(outcome).sort();
        assert.equal(done, 'deleted', `trial ${trial}`);
        assert.ok(refused === 'last_login_method' || refused === 'session_revoked', `trial ${trial}: ${refused}`);
        assert.equal((await one.stores.passkeys.listForUser(user.userId)).length, 1);
      }
    });
  });
}
