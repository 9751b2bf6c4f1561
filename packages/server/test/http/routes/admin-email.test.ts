// The admin side of email verification: the user view shows it, an admin may mark it or resend the link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, createTestApp, registerUser } from '../../helpers.js';
import { SmtpSink } from '../../mail/smtp-sink.js';

test('an admin sees email_verified, marks it without a mail, and resends a verification link', async (t) => {
  const sink = await SmtpSink.start();
  const ctx = await createTestApp({}, { smtp: { url: sink.url } });
  t.after(async () => {
    await ctx.close();
    await sink.stop();
  });
  const admin = await registerUser(ctx.app);
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  const user = await registerUser(ctx.app);
  await sink.nextMail(user.email); // the link registration sent
  const headers = bearer(admin.tokens.access_token);
  const view = await ctx.app.inject({ method: 'GET', url: `/admin/users/${user.userId}`, headers });
  assert.equal(view.json().email_verified, false);

  const resend = await ctx.app.inject({ method: 'POST', url: `/admin/users/${user.userId}/email/verify/send`, headers });
  assert.equal(resend.statusCode, 202);
  const mail = await sink.nextMail(user.email);
  assert.ok(mail.token);

  const marked = await ctx.app.inject({ method: 'PATCH', url: `/admin/users/${user.userId}`, headers, payload: { email_verified: true } });
  assert.equal(marked.statusCode, 200);
  assert.equal(marked.json().email_verified, true);
  const again = await ctx.app.inject({ method: 'POST', url: `/admin/users/${user.userId}/email/verify/send`, headers });
  assertError(again, 409, 'email_already_verified');
  const byUser = await ctx.app.inject({ method: 'POST', url: `/admin/users/${admin.userId}/email/verify/send`, headers: bearer(user.tokens.access_token) });
  assertError(byUser, 403, 'insufficient_role');
});
