// The one way a login finishes (core/login/finish-login.ts), called directly through the core
// test kit: password login, the second step, the credential generation, EMAIL_VERIFICATION=required.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import { START_SESSION } from '../../../src/core/login/outcomes.js';
import { isMfaRequired } from '../../../src/core/login/finish-login.js';
import { base32Decode } from '../../../src/core/mfa/base32.js';
import { totpCode, totpStep } from '../../../src/core/mfa/totp.js';
import { createCoreKit, CTX, registerThroughCore, type CoreKit } from '../kit.js';

async function kitFor(t: { after(fn: () => Promise<void>): void }, env: Record<string, string> = {}): Promise<CoreKit> {
  const kit = await createCoreKit(env);
  t.after(() => kit.close());
  return kit;
}

const live = async (kit: CoreKit, userId: string) => (await kit.stores.sessions.listActiveForUser(userId, new Date(kit.clock.now()))).length;

test('a password login answers the pair of a new session with amr pwd and auth_time now, audited once', async (t) => {
  const kit = await kitFor(t);
  const { user, password } = await registerThroughCore(kit);
  kit.clock.advance(60_000);
  kit.events.length = 0;
  const pair = await kit.auth.login({ login: user.username, password }, CTX);
  const claims = await kit.claimsOf(pair.access_token);
  assert.deepEqual([claims.sub, claims.amr, claims.auth_time], [user.id, ['pwd'], kit.clock.now() / 1000]);
  assert.deepEqual(kit.events.map((event) => event.type), ['login_succeeded']);
  await assert.rejects(kit.auth.login({ login: user.username, password: 'not the password at all' }, CTX), { code: 'invalid_credentials' });
  assert.deepEqual(kit.eventsOf('login_failed').map((event) => event.reason), ['invalid_credentials']);
});

test('a login whose proof was checked before a credential change is undone: credentials_changed, no session left', async (t) => {
  const kit = await kitFor(t);
  const { user } = await registerThroughCore(kit);
  const before = await live(kit, user.id);
  const checked = (await kit.stores.users.findById(user.id))!; // what the login read with its proof
  await kit.stores.users.bumpCredentialGeneration(user.id, new Date(kit.clock.now())); // a reset, say, meanwhile
  await assert.rejects(kit.auth.finishLogin(checked, { firstFactor: 'pwd' }, CTX, START_SESSION), { code: 'credentials_changed' });
  assert.equal(await live(kit, user.id), before);
  const fresh = (await kit.stores.users.findById(user.id))!;
  assert.equal(isMfaRequired(await kit.auth.finishLogin(fresh, { firstFactor: 'pwd' }, CTX, START_SESSION)), false);
  assert.equal(await live(kit, user.id), before + 1);
});

test('with TOTP enrolled a password answers mfa_required; the code finishes the login with amr pwd otp mfa, once', async (t) => {
  const kit = await kitFor(t);
  const { user, tokens, password } = await registerThroughCore(kit);
  const me = await kit.auth.authenticate(tokens.access_token);
  const { secret } = await kit.auth.mfa.startTotpEnrolment(me, CTX);
  const code = () => totpCode(base32Decode(secret)!, totpStep(kit.clock.now()));
  await kit.auth.mfa.confirmTotpEnrolment(me, code(), CTX);
  kit.clock.advance(30_000); // the next step: a used code is not taken twice

  const refused = await kit.auth.login({ login: user.username, password }, CTX).then(() => undefined, (error: unknown) => error);
  const { code: answered, details } = refused as { code: string; details: { mfa_token: string; factors: string[] } };
  assert.deepEqual([answered, details.factors], ['mfa_required', ['totp', 'recovery_code']]);
  assert.equal(await live(kit, user.id), 1, 'only the registration\'s session: none before the second factor');
  const mfaToken = details.mfa_token;
  await assert.rejects(kit.auth.verifyMfa({ mfaToken, factor: 'totp', code: '000000' === code() ? '111111' : '000000' }, CTX), { code: 'invalid_mfa_code' });
  const pair = await kit.auth.verifyMfa({ mfaToken, factor: 'totp', code: code() }, CTX);
  assert.deepEqual((await kit.claimsOf(pair.access_token)).amr, ['pwd', 'otp', 'mfa']);
  await assert.rejects(kit.auth.verifyMfa({ mfaToken, factor: 'totp', code: code() }, CTX), { code: 'invalid_mfa_token' });
});

test('EMAIL_VERIFICATION=required: an unverified address finishes a login by mail only', async (t) => {
  const kit = await kitFor(t, { EMAIL_VERIFICATION: 'required' });
  const user = await kit.stores.users.create({
    id: uuidv7(), username: `unverified_${process.pid}`, email: `unverified_${process.pid}@example.com`, emailVerified: false,
    passwordHash: '!no-password', fullName: null, role: 'user', disabled: false, createdAt: new Date(kit.clock.now()),
  });
  for (const firstFactor of ['pwd', 'fed', 'swk'] as const) {
    await assert.rejects(kit.auth.finishLogin(user, { firstFactor }, CTX, START_SESSION), { code: 'email_not_verified' }, firstFactor);
  }
  assert.equal(isMfaRequired(await kit.auth.finishLogin(user, { firstFactor: 'email' }, CTX, START_SESSION)), false);
});

test('a password change and a reset move the credential generation; a rehash at login does not', async (t) => {
  const kit = await kitFor(t);
  const { user, tokens, password } = await registerThroughCore(kit);
  const generation = async () => (await kit.stores.users.findById(user.id))!.credentialGeneration;
  await kit.auth.login({ login: user.username, password }, CTX);
  assert.equal(await generation(), 0);
  const caller = await kit.auth.authenticate(tokens.access_token);
  await kit.auth.changePassword(caller, { currentPassword: password, newPassword: 'another fine passphrase 7' }, CTX);
  const afterChange = await generation();
  assert.ok(afterChange > 0, `moved by the change: ${afterChange}`);
  await kit.accounts.forgotPassword(user.email, CTX);
  const link = new URL(kit.mails.at(-1)!.values.link!);
  await kit.accounts.resetPassword({ token: link.searchParams.get('token')!, newPassword: 'yet another passphrase 9' }, CTX);
  assert.ok(await generation() > afterChange, 'moved by the reset');
});

test('a second step opened with the old password dies with a password change: invalid_mfa_token, before or after it was opened', async (t) => {
  const kit = await kitFor(t);
  const { user, tokens, password } = await registerThroughCore(kit);
  const me = await kit.auth.authenticate(tokens.access_token);
  const { secret } = await kit.auth.mfa.startTotpEnrolment(me, CTX);
  const code = () => totpCode(base32Decode(secret)!, totpStep(kit.clock.now()));
  // enrolment is a change of a way in: the caller goes on in the new session it answers
  const enrolled = await kit.auth.mfa.confirmTotpEnrolment(me, code(), CTX);
  const checked = (await kit.stores.users.findById(user.id))!; // the old password's proof, before the change
  const opened = await kit.auth.finishLogin(checked, { firstFactor: 'pwd' }, CTX, START_SESSION);
  assert.ok(isMfaRequired(opened));

  const caller = await kit.auth.authenticate(enrolled.access_token);
  await kit.auth.changePassword(caller, { currentPassword: password, newPassword: 'another fine passphrase 7' }, CTX);
  kit.clock.advance(30_000);
  await assert.rejects(kit.auth.verifyMfa({ mfaToken: opened.mfaRequired.mfa_token, factor: 'totp', code: code() }, CTX), { code: 'invalid_mfa_token' });
  // opened after the change, from the proof read before it
  await assert.rejects(kit.auth.finishLogin(checked, { firstFactor: 'pwd' }, CTX, START_SESSION), { code: 'credentials_changed' });
});

test('a second step opened before a credential change, taken before the change abandons challenges, answers credentials_changed', async (t) => {
  const kit = await kitFor(t);
  const { user, tokens, password } = await registerThroughCore(kit);
  const me = await kit.auth.authenticate(tokens.access_token);
  const { secret } = await kit.auth.mfa.startTotpEnrolment(me, CTX);
  const code = () => totpCode(base32Decode(secret)!, totpStep(kit.clock.now()));
  await kit.auth.mfa.confirmTotpEnrolment(me, code(), CTX);
  kit.clock.advance(30_000);
  const opened = await kit.auth.login({ login: user.username, password }, CTX).then(() => undefined, (error: { details: { mfa_token: string } }) => error.details);
  // a reset's bump has landed; its abandonForUser and the revocation have not yet
  await kit.stores.users.bumpCredentialGeneration(user.id, new Date(kit.clock.now()));
  const before = await live(kit, user.id);
  await assert.rejects(kit.auth.verifyMfa({ mfaToken: opened!.mfa_token, factor: 'totp', code: code() }, CTX), { code: 'credentials_changed' });
  assert.equal(await live(kit, user.id), before, 'no session started');
  await assert.rejects(kit.auth.verifyMfa({ mfaToken: opened!.mfa_token, factor: 'totp', code: code() }, CTX), { code: 'invalid_mfa_token' });
});
