// Logins with the old password racing a password reset (docs/architecture.md, "Login": the
// credential generation): whatever the interleaving, no session started with the old password
// outlives the reset. On SQLite, PostgreSQL, PostgreSQL with Redis sessions, and MySQL when set.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTestApp, registerUser, refresh, type Pair, type TestApp } from '../../helpers.js';
import { SmtpSink } from '../../mail/smtp-sink.js';
import { deleteRedisKeys, mysql, postgres, unavailable, type SqlBackend } from '../../storage/backends.js';

const NEW_PASSWORD = 'a brand new passphrase 42';
const LOGINS = 16;
const TRIALS = 3;
const ENV = {
  EMAIL_VERIFICATION: 'off', HASH_QUEUE_PER_ADDRESS: '1000', LOGIN_DELAY_MAX: 'off', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT_HOURLY: '1000/1h',
};

type Open = (sink: SmtpSink) => Promise<TestApp>;

function onSql(backend: SqlBackend, redis: boolean): Open {
  return async (sink) => {
    const { url, drop } = await backend.create();
    const prefix = `gh_test_${randomBytes(5).toString('hex')}:`;
    const env: Record<string, string> = redis ? { REDIS_URL: process.env.REDIS_URL!, REDIS_KEY_PREFIX: prefix } : {};
    const ctx = await createTestApp({ ...ENV, ...env, DATABASE_URL: url }, { smtp: { url: sink.url } });
    return {
      ...ctx,
      async close() {
        await ctx.close();
        await drop();
        if (!redis) return;
        const client = new Redis(process.env.REDIS_URL!);
        await deleteRedisKeys(client, prefix);
        await client.quit();
      },
    };
  };
}

const backends: Array<{ name: string; skip: string | false; open: Open }> = [
  { name: 'SQLite', skip: false, open: (sink) => createTestApp(ENV, { smtp: { url: sink.url } }) },
  { name: 'PostgreSQL', skip: unavailable('POSTGRES_URL'), open: onSql(postgres, false) },
  { name: 'PostgreSQL with Redis sessions', skip: unavailable('POSTGRES_URL') || unavailable('REDIS_URL'), open: onSql(postgres, true) },
  { name: 'MySQL', skip: unavailable('MYSQL_URL'), open: onSql(mysql, false) },
];

/** One trial: a reset link, then LOGINS logins with the old password and the reset, all at once. */
async function trial(ctx: TestApp, sink: SmtpSink): Promise<{ started: number; survivors: number }> {
  const user = await registerUser(ctx.app);
  await ctx.app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: user.email } });
  const { token } = await sink.nextMail(user.email);
  const login = () => ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: user.password } });
  const reset = ctx.app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: NEW_PASSWORD } });
  // the reset in the middle: logins that read the user before it and finish after it
  const half = Array.from({ length: LOGINS / 2 }, login);
  const answers = await Promise.all([...half, reset, ...Array.from({ length: LOGINS / 2 }, login)]);
  const resetAnswer = answers.splice(LOGINS / 2, 1)[0]!;
  assert.equal(resetAnswer.statusCode, 204, resetAnswer.body);
  // the old password before the reset, or a login undone by it: never a 500
  assert.ok(answers.every((res) => res.statusCode === 200 || res.statusCode === 401), answers.map((res) => res.statusCode).join(' '));
  const pairs = answers.filter((res) => res.statusCode === 200).map((res) => res.json() as Pair);
  const refreshed = await Promise.all(pairs.map((pair) => refresh(ctx.app, pair)));
  return { started: pairs.length, survivors: refreshed.filter((res) => res.statusCode !== 401).length };
}

for (const backend of backends) {
  describe(`logins racing a password reset, on ${backend.name}`, { skip: backend.skip }, () => {
    test('no session started with the old password outlives the reset', async (t) => {
      const sink = await SmtpSink.start();
      const ctx = await backend.open(sink);
      t.after(async () => { await ctx.close(); await sink.stop(); });
      const results = [];
      for (let i = 0; i < TRIALS; i++) results.push(await trial(ctx, sink));
      assert.deepEqual(results.map((r) => r.survivors), results.map(() => 0), JSON.stringify(results));
    });
  });
}
