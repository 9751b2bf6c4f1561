// The signed-in user's own account: profile edits, deletion and export.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, createTestApp, me, refresh, registerUser } from '../../helpers.js';
import { SmtpSink } from '../../mail/smtp-sink.js';
import { sessionBackends } from '../session-backends.js';

describe('PATCH /users/me, DELETE /users/me, GET /users/me/export', async () => {
  const sink = await SmtpSink.start();
  const t = await createTestApp({ EMAIL_VERIFICATION: 'off' }, { smtp: { url: sink.url } });
  after(async () => {
    await t.close();
    await sink.stop();
  });
  const patch = (token: string, payload: object) => t.app.inject({ method: 'PATCH', url: '/users/me', headers: bearer(token), payload });

  test('changes the full name and the username; a taken username is 409; an empty patch is 400', async () => {
    const user = await registerUser(t.app);
    const other = await registerUser(t.app);
    const res = await patch(user.tokens.access_token, { full_name: 'Ada Lovelace', username: 'ada_l' });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.deepEqual({ ...body, created_at: undefined }, {
      id: user.userId, username: 'ada_l', email: user.email, email_verified: false, full_name: 'Ada Lovelace', role: 'user',
      disabled: false, created_at: undefined,
    });
    assertError(await patch(user.tokens.access_token, { username: other.username.toUpperCase() }), 409, 'username_taken');
    assertError(await patch(user.tokens.access_token, { username: 'no spaces' }), 400, 'invalid_username');
    assertError(await patch(user.tokens.access_token, {}), 400, 'validation_failed');
    assert.equal((await patch(user.tokens.access_token, { full_name: null })).json().full_name, null);
  });

  test('export holds the profile and the sessions, and no hash or token', async () => {
    t.clock.advance(17 * 60_000 + 23_456); // off the hour, so that exact and rounded times differ
    const user = await registerUser(t.app);
    const res = await t.app.inject({ method: 'GET', url: '/users/me/export', headers: bearer(user.tokens.access_token) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    const body = res.json();
    assert.equal(body.user.id, user.userId);
    assert.equal(body.user.email, user.email);
    assert.equal(body.sessions.length, 1);
    assert.deepEqual(Object.keys(body.sessions[0]).sort(), ['created_at', 'expires_at', 'id', 'ip', 'last_used_at', 'user_agent']);
    const listed = (await t.app.inject({ method: 'GET', url: '/users/me/sessions', headers: bearer(user.tokens.access_token) })).json();
    const times = (s: Record<string, unknown>) => [s.created_at, s.last_used_at, s.expires_at];
    assert.deepEqual(times(body.sessions[0]), times(listed.sessions?.[0] ?? listed[0]), 'the export rounds session times as the list does');
    assert.deepEqual([body.second_factors, body.passkeys, body.identities], [{ totp: null, recovery_codes_remaining: 0 }, [], []]);
    assert.doesNotMatch(res.body, /argon2|password|hash|refresh_token/i);
  });

  test('deletion needs the password, ends every session at once, removes the user and mails a last notice', async () => {
    const user = await registerUser(t.app);
    const del = (password: string) =>
      t.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(user.tokens.access_token), payload: { current_password: password } });
    assertError(await del('wrong password'), 403, 'invalid_current_password');
    assert.equal((await del(user.password)).statusCode, 204);
    assert.equal((await me(t.app, user.tokens.access_token)).statusCode, 401);
    assert.equal((await refresh(t.app, user.tokens)).statusCode, 401);
    assert.equal(await t.stores.users.findById(user.userId), null);
    const mail = await sink.nextMail(user.email);
    assert.match(mail.subject, /deleted/i);
  });

  test('the last active admin cannot delete their account', async () => {
    const admin = await registerUser(t.app);
    await t.stores.users.update(admin.userId, { role: 'admin' }, new Date(t.clock.now()));
    const res = await t.app.inject({
      method: 'DELETE', url: '/users/me', headers: bearer(admin.tokens.access_token), payload: { current_password: admin.password },
    });
    assertError(res, 409, 'last_admin');
  });
});

describe('re-authentication before deletion and export', async () => {
  const t = await createTestApp({ EMAIL_VERIFICATION: 'off' });
  after(() => t.close());

  test('a recent sign-in is enough; past REAUTH_MAX_AGE the answer is 403 reauthentication_required until POST /auth/reauthenticate', async () => {
    const user = await registerUser(t.app);
    const exportAs = (token: string) => t.app.inject({ method: 'GET', url: '/users/me/export', headers: bearer(token) });
    assert.equal((await exportAs(user.tokens.access_token)).statusCode, 200, 'just registered: a recent sign-in');
    t.clock.advance(11 * 60 * 1000);
    const fresh = await refresh(t.app, user.tokens);
    assertError(await exportAs(fresh.json().access_token), 403, 'reauthentication_required');
    const del = await t.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(fresh.json().access_token) });
    assertError(del, 403, 'reauthentication_required');
    const reauth = await t.app.inject({
      method: 'POST', url: '/auth/reauthenticate', headers: bearer(fresh.json().access_token), payload: { password: user.password },
    });
    assert.equal(reauth.statusCode, 200);
    assert.equal((await exportAs(reauth.json().access_token)).statusCode, 200);
    const gone = await t.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(reauth.json().access_token) });
    assert.equal(gone.statusCode, 204);
  });
});

for (const backend of sessionBackends) {
  describe(`account deletion with sessions in ${backend.name}`, { skip: backend.skip }, () => {
    test('the sessions go with the account, their addresses and user agents included: not only revoked', async (t) => {
      const ctx = await backend.open();
      t.after(() => ctx.close());
      const user = await registerUser(ctx.app);
      const headers = bearer(user.tokens.access_token);
      const listed = await ctx.app.inject({ method: 'GET', url: '/users/me/sessions', headers });
      const ids = (listed.json() as { sessions: Array<{ id: string }> }).sessions.map((session) => session.id);
      assert.equal(ids.length, 1);
      const del = await ctx.app.inject({ method: 'DELETE', url: '/users/me', headers, payload: { current_password: user.password } });
      assert.equal(del.statusCode, 204, del.body);
      for (const id of ids) assert.equal(await ctx.stores.sessions.findById(user.userId, id), null);
    });
  });
}
