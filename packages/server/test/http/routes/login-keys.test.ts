// One login key for the lookup and the per-account throttle (core/accounts/user-rules.ts loginKey),
// compared byte for byte on every SQL backend: on MySQL's default collation "álice" used to reach
// "alice" while the throttle counted it apart, so the lockout could be walked around.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp, failure, PASSWORD, registerUser } from '../../helpers.js';
import { sqlBackends, unavailable } from '../../storage/backends.js';

const WRONG = 'not the right password';
const LOCK_AFTER = 3;

function login(app: FastifyInstance, payload: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/auth/login', payload });
}

for (const { backend, variable } of sqlBackends) {
  describe(`login keys on ${backend.name}`, { skip: variable ? unavailable(variable) : false }, () => {
    async function appFor(t: { after(fn: () => Promise<void>): void }) {
      const { url, drop } = await backend.create();
      const ctx = await createTestApp({ DATABASE_URL: url, RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: `${LOCK_AFTER}/15m`, LOGIN_DELAY_MAX: 'off' });
      t.after(async () => {
        await ctx.close();
        await drop();
      });
      await registerUser(ctx.app, { username: 'alice', email: 'alice@example.com' });
      return ctx;
    }

    test('an accented or look-alike username reaches no account, even with the right password', async (t) => {
      const ctx = await appFor(t);
      for (const spelling of ['álice', 'alicé', 'ÁLICE', 'ａlice', 'a\u0301lice', 'alice\u200b']) {
        assert.deepEqual(failure(await login(ctx.app, { username: spelling, password: PASSWORD })),
          { status: 401, code: 'invalid_credentials' }, JSON.stringify(spelling));
      }
      assert.equal((await login(ctx.app, { username: 'alice', password: PASSWORD })).statusCode, 200);
    });

    test('the lockout on "alice" holds for "ALICE" and " Alice ", and "álice" still reaches nothing', async (t) => {
      const ctx = await appFor(t);
      for (let i = 0; i < LOCK_AFTER; i++) {
        assert.deepEqual(failure(await login(ctx.app, { username: 'alice', password: WRONG })), { status: 401, code: 'invalid_credentials' });
      }
      for (const spelling of ['alice', 'ALICE', ' Alice ']) {
        assert.deepEqual(failure(await login(ctx.app, { username: spelling, password: PASSWORD })), { status: 429, code: 'rate_limited' }, spelling);
      }
      for (const spelling of ['álice', 'alicé']) {
        assert.deepEqual(failure(await login(ctx.app, { username: spelling, password: PASSWORD })), { status: 401, code: 'invalid_credentials' }, spelling);
      }
    });

    test('the lockout on an email holds in any case, and an accented domain reaches nothing', async (t) => {
      const ctx = await appFor(t);
      for (let i = 0; i < LOCK_AFTER; i++) await login(ctx.app, { email: 'alice@example.com', password: WRONG });
      assert.deepEqual(failure(await login(ctx.app, { email: 'ALICE@Example.COM', password: PASSWORD })), { status: 429, code: 'rate_limited' });
      for (const spelling of ['alice@exámple.com', 'álice@example.com']) {
        assert.deepEqual(failure(await login(ctx.app, { email: spelling, password: PASSWORD })), { status: 401, code: 'invalid_credentials' }, spelling);
      }
    });

    test('registration refuses a username taken in another case, and takes an accented one as invalid', async (t) => {
      const ctx = await appFor(t);
      const register = (username: string, email: string) =>
        ctx.app.inject({ method: 'POST', url: '/auth/register', payload: { username, email, password: PASSWORD } });
      assert.deepEqual(failure(await register('ALICE', 'other@example.com')), { status: 409, code: 'username_taken' });
      assert.deepEqual(failure(await register('bob', 'ALICE@example.com')), { status: 409, code: 'email_taken' });
      assert.deepEqual(failure(await register('álice', 'other@example.com')), { status: 400, code: 'invalid_username' });
    });
  });
}
