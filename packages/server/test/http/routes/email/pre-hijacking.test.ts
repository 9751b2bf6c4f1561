// Account pre-hijacking by a squatter's password (docs/hardening.md, "Pre-hijacking"): someone
// registers with another person's address; when the owner proves the address by a magic link,
// the password set before the address was proved is cleared and every other session ends.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, createTestApp, me, refresh, registerUser } from '../../../helpers.js';
import { SmtpSink } from '../../../mail/smtp-sink.js';

describe('pre-hijacking by password', async () => {
  const sink = await SmtpSink.start();
  const t = await createTestApp({ EMAIL_VERIFICATION: 'off' }, { smtp: { url: sink.url } });
  after(async () => {
    await t.close();
    await sink.stop();
  });
  const magicLinkLogin = async (email: string) => {
    assert.equal((await t.app.inject({ method: 'POST', url: '/auth/magic-link', payload: { email } })).statusCode, 202);
    const res = await t.app.inject({ method: 'POST', url: '/auth/magic-link/verify', payload: { token: (await sink.nextMail(email)).token } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { access_token: string; refresh_token: string };
  };
  const passwordLogin = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });

  test('the owner\'s magic link clears a password set before the address was proved, and ends the squatter\'s sessions', async () => {
    const squatter = await registerUser(t.app); // with the owner's address, which the squatter cannot read
    const owner = await magicLinkLogin(squatter.email);
    assertError(await passwordLogin(squatter.username, squatter.password), 401, 'invalid_credentials');
    assertError(await me(t.app, squatter.tokens.access_token), 401, 'session_revoked');
    assert.equal((await refresh(t.app, squatter.tokens)).statusCode, 401);
    const profile = await me(t.app, owner.access_token);
    assert.equal(profile.statusCode, 200);
    assert.equal(profile.json().email_verified, true);
  });

  test('the squatter\'s pending address change dies with the password: its link no longer moves the address', async () => {
    const squatter = await registerUser(t.app);
    const change = await t.app.inject({
      method: 'POST', url: '/users/me/email', headers: { authorization: `Bearer ${squatter.tokens.access_token}` },
      payload: { new_email: `squatter-${squatter.userId}@example.net`, current_password: squatter.password },
    });
    assert.ok(change.statusCode === 200 || change.statusCode === 202, change.body);
    const confirmation = await sink.nextMail(`squatter-${squatter.userId}@example.net`);
    await sink.nextMail(squatter.email); // the notice to the old address
    await magicLinkLogin(squatter.email);
    const confirmed = await t.app.inject({ method: 'POST', url: '/auth/email/change/confirm', payload: { token: confirmation.token } });
    assertError(confirmed, 400, 'link_invalid');
    assert.equal((await t.stores.users.findById(squatter.userId))!.email, squatter.email);
  });

  test('a password set after the address was proved stays: a magic link to a verified account clears nothing', async () => {
    const user = await registerUser(t.app);
    await t.stores.users.update(user.userId, { emailVerified: true }, new Date(t.clock.now()));
    await magicLinkLogin(user.email);
    assert.equal((await passwordLogin(user.username, user.password)).statusCode, 200);
    assert.equal((await me(t.app, user.tokens.access_token)).statusCode, 200);
  });
});
