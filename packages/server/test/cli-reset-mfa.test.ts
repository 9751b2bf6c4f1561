// `gatehouse user reset-mfa` end to end: the CLI as a child process on a test app's database; the
// user's TOTP and recovery codes go, their sessions end, and a password login works again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, createTestApp, failure, registerUser } from './helpers.js';
import { runCli } from './cli/run-cli.js';
import { enrolTotp, passwordLogin } from './http/routes/mfa/mfa-helpers.js';

test('user reset-mfa removes every second factor of the user and ends their sessions', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const user = await registerUser(ctx.app);
  const { pair } = await enrolTotp(ctx.app, user.tokens.access_token, ctx.clock.now());
  user.tokens.access_token = pair.access_token; // the enrolment moved the user to a new session
  assert.equal((await passwordLogin(ctx.app, user)).statusCode, 403);
  const run = runCli(['user', 'reset-mfa', '--username', user.username], { DATA_DIR: ctx.dir });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, `Reset the second factors of ${user.username} (${user.userId}); 1 session ended.\n`);
  assert.deepEqual(failure(await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(user.tokens.access_token) })), { status: 401, code: 'session_revoked' });
  assert.equal(await ctx.stores.factors.findTotp(user.userId), null);
  assert.equal((await passwordLogin(ctx.app, user)).statusCode, 200);
});
