// Account pre-hijacking through a provider (docs/federation.md, "Linking rules"): an address the
// provider did not verify never makes an account nor claims one; EMAIL_VERIFICATION=required
// applies to sign-in through a provider as it does to a password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError } from '../helpers.js';
import { TestBrowser } from './browser.js';
import { account, APP_URL, exchange, signIn, startStand } from './harness.js';

const PAGE = `${APP_URL}/signed-in`;

test('a provider address with email_verified false makes no account: provider_email_unverified', async (t) => {
  const squatter = account({ email_verified: false });
  const stand = await startStand(t, [squatter]);
  const landed = await signIn(stand, new TestBrowser(), squatter, { redirectTo: PAGE });
  assert.deepEqual(Object.fromEntries(landed.searchParams), { error: 'provider_email_unverified' });
  assert.equal(await stand.gatehouse.stores.users.findByLogin(squatter.email), null, 'the address is not claimed');
});

test('under EMAIL_VERIFICATION=required a linked account whose address is unverified signs in through a provider no more than by password', async (t) => {
  const who = account();
  const stand = await startStand(t, [who], { EMAIL_VERIFICATION: 'required' });
  const first = await exchange(stand, (await signIn(stand, new TestBrowser(), who, { redirectTo: PAGE })).searchParams.get('code')!);
  assert.equal(first.statusCode, 200, first.body);
  const user = (await stand.gatehouse.stores.users.findByLogin(who.email))!;
  await stand.gatehouse.stores.users.update(user.id, { emailVerified: false }, new Date(stand.gatehouse.clock.now()));
  const landed = await signIn(stand, new TestBrowser(), who, { redirectTo: PAGE });
  assertError(await exchange(stand, landed.searchParams.get('code')!), 403, 'email_not_verified');
});
