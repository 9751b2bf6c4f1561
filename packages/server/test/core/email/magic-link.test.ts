// Magic links (core/email/magic-link.ts) through the core test kit: the mailed code logs in once
// as `email`; proving an unverified address clears a password set before it (docs/hardening.md,
// "Pre-hijacking") and ends the other sessions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasPassword } from '../../../src/core/passwords/no-password.js';
import { base32Decode } from '../../../src/core/mfa/base32.js';
import { totpCode, totpStep } from '../../../src/core/mfa/totp.js';
import { createCoreKit, CTX, registerThroughCore } from '../kit.js';

test('the mailed code logs in once with amr email; the address becomes verified', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { user } = await registerThroughCore(kit);
  await kit.accounts.requestMagicLink(user.email, CTX);
  const mail = kit.mails.at(-1)!;
  assert.deepEqual([mail.kind, mail.to], ['magic_link', user.email]);
  const pair = await kit.accounts.magicLinkLogin({ email: user.email, code: mail.values.code! }, CTX);
  assert.deepEqual((await kit.claimsOf(pair.access_token)).amr, ['email']);
  assert.equal((await kit.stores.users.findById(user.id))?.emailVerified, true);
  await assert.rejects(kit.accounts.magicLinkLogin({ email: user.email, code: mail.values.code! }, CTX), { code: 'invalid_code' });
});

test('proving an unverified address clears the password set before it and ends every other session; a verified one keeps it', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const squatter = await registerThroughCore(kit);
  const owner = await registerThroughCore(kit);
  await kit.stores.users.update(owner.user.id, { emailVerified: true }, new Date(kit.clock.now()));
  for (const who of [squatter, owner]) {
    await kit.accounts.requestMagicLink(who.user.email, CTX);
    await kit.accounts.magicLinkLogin({ email: who.user.email, code: kit.mails.at(-1)!.values.code! }, CTX);
  }
  assert.equal(hasPassword((await kit.stores.users.findById(squatter.user.id))!), false);
  await assert.rejects(kit.auth.authenticate(squatter.tokens.access_token), { code: 'session_revoked' });
  assert.deepEqual(kit.eventsOf('unproven_password_cleared').map((event) => [event.userId, event.revokedSessions]), [[squatter.user.id, 1]]);
  assert.equal(hasPassword((await kit.stores.users.findById(owner.user.id))!), true);
  assert.equal((await kit.auth.authenticate(owner.tokens.access_token)).user.id, owner.user.id);
});

// passkeys and identities, made through their real flows: test/federation/unproven-ways-real-flows.test.ts
test('proving an unverified address removes the TOTP its squatter added, after the squatter\'s own sign-ins', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const squatter = await registerThroughCore(kit);
  const userId = squatter.user.id;
  const me = await kit.auth.authenticate(squatter.tokens.access_token);
  const { secret } = await kit.auth.mfa.startTotpEnrolment(me, CTX);
  await kit.auth.mfa.confirmTotpEnrolment(me, totpCode(base32Decode(secret)!, totpStep(kit.clock.now())), CTX);
  kit.clock.advance(60_000);
  await kit.stores.users.markOwnerProven(userId, new Date(kit.clock.now())); // the squatter's own password sign-in
  await kit.accounts.requestMagicLink(squatter.user.email, CTX);
  const pair = await kit.accounts.magicLinkLogin({ email: squatter.user.email, code: kit.mails.at(-1)!.values.code! }, CTX);
  assert.deepEqual((await kit.claimsOf(pair.access_token)).amr, ['email'], 'no second factor is asked: the squatter\'s TOTP is gone');
  assert.equal(await kit.stores.factors.findTotp(userId), null);
});
