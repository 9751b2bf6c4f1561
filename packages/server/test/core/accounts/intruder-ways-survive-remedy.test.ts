// A bearer token from a recent sign-in, on an account with no second factor, can add TOTP, a
// passkey or an identity, which its owner then cannot remove. The remedies (a reset, a password
// change, "log out everywhere") remove what was added since the owner last signed in with a way the
// account already trusted (core/accounts/unproven-ways.ts); a later sign-in keeps what the owner added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import { base32Decode } from '../../../src/core/mfa/base32.js';
import { totpCode, totpStep } from '../../../src/core/mfa/totp.js';
import type { TokenPair } from '../../../src/core/tokens/token-pair.js';
import { START_SESSION } from '../../../src/core/login/outcomes.js';
import { createCoreKit, CTX, registerThroughCore, type CoreKit } from '../kit.js';

async function kitFor(t: { after(fn: () => Promise<void>): void }): Promise<CoreKit> {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  return kit;
}

/** What the stolen token adds: TOTP (through the core, as the route does), a passkey and an identity (written as their flows write them). */
async function intrude(kit: CoreKit, userId: string, tokens: TokenPair): Promise<{ enrolled: TokenPair; secret: string }> {
  kit.clock.advance(1000);
  const thief = await kit.auth.authenticate(tokens.access_token);
  const { secret } = await kit.auth.mfa.startTotpEnrolment(thief, CTX);
  const enrolled = await kit.auth.mfa.confirmTotpEnrolment(thief, totpCode(base32Decode(secret)!, totpStep(kit.clock.now())), CTX);
  const now = new Date(kit.clock.now());
  await kit.stores.passkeys.create({
    id: uuidv7(), userId, credentialId: `thief-${uuidv7()}`, publicKey: 'pk', counter: 0, transports: [], deviceType: 'singleDevice',
    backedUp: false, name: 'thief', createdAt: now, lastUsedAt: null,
  });
  await kit.stores.federation.createIdentity({
    id: uuidv7(), userId, provider: 'github', subject: `thief-${uuidv7()}`, email: null, emailVerified: false, createdAt: now, lastUsedAt: now,
  });
  return { enrolled, secret };
}

async function waysOf(kit: CoreKit, userId: string) {
  return {
    totp: (await kit.stores.factors.findTotp(userId)) !== null,
    passkeys: (await kit.stores.passkeys.listForUser(userId)).length,
    identities: (await kit.stores.federation.listIdentities(userId)).length,
  };
}

const NONE = { totp: false, passkeys: 0, identities: 0 };
const ALL = { totp: true, passkeys: 1, identities: 1 };

test('a password reset removes the TOTP, passkey and identity a stolen token added', async (t) => {
  const kit = await kitFor(t);
  const { user, tokens } = await registerThroughCore(kit);
  await intrude(kit, user.id, tokens);
  assert.deepEqual(await waysOf(kit, user.id), ALL);
  kit.clock.advance(60_000);
  await kit.accounts.forgotPassword(user.email, CTX);
  const link = new URL(kit.mails.at(-1)!.values.link!);
  await kit.accounts.resetPassword({ token: link.searchParams.get('token')!, newPassword: 'an owner\'s new passphrase 4' }, CTX);
  assert.deepEqual(await waysOf(kit, user.id), NONE);
  assert.deepEqual(kit.eventsOf('unproven_ways_removed').map(({ totp, passkeys, identities }) => ({ totp, passkeys, identities })), [ALL]);
});

/** A passkey and an identity, written as their flows write them, without the aftermath: the owner's session lives on. */
async function addQuietly(kit: CoreKit, userId: string, { passkey = true } = {}): Promise<void> {
  kit.clock.advance(1000);
  const now = new Date(kit.clock.now());
  if (passkey) await kit.stores.passkeys.create({
    id: uuidv7(), userId, credentialId: `added-${uuidv7()}`, publicKey: 'pk', counter: 0, transports: [], deviceType: 'singleDevice',
    backedUp: false, name: 'added', createdAt: now, lastUsedAt: null,
  });
  await kit.stores.federation.createIdentity({
    id: uuidv7(), userId, provider: 'github', subject: `added-${uuidv7()}`, email: null, emailVerified: false, createdAt: now, lastUsedAt: now,
  });
}

const QUIET = { totp: false, passkeys: 1, identities: 1 };

test('"log out everywhere" from the owner\'s sign-in after the intrusion removes what was added before it', async (t) => {
  const kit = await kitFor(t);
  const { user, password } = await registerThroughCore(kit);
  await addQuietly(kit, user.id);
  kit.clock.advance(60_000);
  const owner = await kit.auth.login({ login: user.username, password }, CTX); // the owner signs in, sees a strange passkey
  assert.deepEqual(await waysOf(kit, user.id), QUIET);
  await kit.auth.logout({ accessToken: owner.access_token, scope: 'global' }, CTX);
  assert.deepEqual(await waysOf(kit, user.id), NONE);
});

test('a password change removes an identity added too (with a passkey added, only a passkey sign-in could change it)', async (t) => {
  const kit = await kitFor(t);
  const { user, tokens, password } = await registerThroughCore(kit);
  await addQuietly(kit, user.id, { passkey: false });
  assert.deepEqual(await waysOf(kit, user.id), { ...NONE, identities: 1 });
  const caller = await kit.auth.authenticate(tokens.access_token);
  await kit.auth.changePassword(caller, { currentPassword: password, newPassword: 'the owner\'s passphrase 11' }, CTX);
  assert.deepEqual(await waysOf(kit, user.id), NONE);
});

test('what the owner added and then signed in after with a trusted way survives a reset', async (t) => {
  const kit = await kitFor(t);
  const { user, tokens, password } = await registerThroughCore(kit);
  // a proven address: on one nobody proved, a reset removes everything (test/core/email/magic-link.test.ts)
  await kit.stores.users.update(user.id, { emailVerified: true }, new Date(kit.clock.now()));
  const { secret } = await intrude(kit, user.id, tokens); // the owner's own additions, this time
  kit.clock.advance(60_000);
  const opened = await kit.auth.login({ login: user.username, password }, CTX).then(() => undefined, (error: { details: { mfa_token: string } }) => error.details);
  await kit.auth.verifyMfa({ mfaToken: opened!.mfa_token, factor: 'totp', code: totpCode(base32Decode(secret)!, totpStep(kit.clock.now())) }, CTX);
  kit.clock.advance(60_000);
  await kit.accounts.forgotPassword(user.email, CTX);
  const link = new URL(kit.mails.at(-1)!.values.link!);
  await kit.accounts.resetPassword({ token: link.searchParams.get('token')!, newPassword: 'an owner\'s new passphrase 4' }, CTX);
  assert.deepEqual(await waysOf(kit, user.id), ALL);
  assert.deepEqual(kit.eventsOf('unproven_ways_removed'), []);
});

test('a login through a way added since the last proven sign-in proves nothing: the owner stays proven where they were', async (t) => {
  const kit = await kitFor(t);
  const { user, password } = await registerThroughCore(kit);
  await addQuietly(kit, user.id);
  kit.clock.advance(60_000);
  const before = (await kit.stores.users.findById(user.id))!;
  await kit.auth.finishLogin(before, { firstFactor: 'hwk', trusted: false }, CTX, START_SESSION);
  assert.deepEqual((await kit.stores.users.findById(user.id))!.ownerProvenAt, before.ownerProvenAt);
  await kit.auth.login({ login: user.username, password }, CTX);
  assert.deepEqual((await kit.stores.users.findById(user.id))!.ownerProvenAt, new Date(kit.clock.now()), 'a password proves the owner');
});
