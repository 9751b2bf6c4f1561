// "This wasn't me" on an address change (core/email/email-change.ts): once the change is confirmed
// the cancel link is dead (it answered success and changed nothing); a cancel moves the credential
// generation, so a login under way when it was pressed does not outlive it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreKit, CTX, registerThroughCore, type CoreKit } from '../kit.js';

async function askChange(kit: CoreKit) {
  const { user, tokens, password } = await registerThroughCore(kit);
  const caller = await kit.auth.authenticate(tokens.access_token);
  await kit.accounts.requestEmailChange(caller, { newEmail: `new-${user.username}@example.com`, currentPassword: password }, CTX);
  const tokenOf = (kind: string) => new URL(kit.mails.filter((mail) => mail.kind === kind).at(-1)!.values.link!).searchParams.get('token')!;
  return { user, confirm: tokenOf('change_email_confirm'), cancel: tokenOf('change_email_notice') };
}

test('a cancel link after the change was confirmed answers link_invalid', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { confirm, cancel } = await askChange(kit);
  await kit.accounts.confirmEmailChange(confirm, CTX);
  await assert.rejects(kit.accounts.cancelEmailChange(cancel, CTX), { code: 'link_invalid' });
});

test('a cancel moves the credential generation', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { user, cancel } = await askChange(kit);
  const before = (await kit.stores.users.findById(user.id))!.credentialGeneration;
  await kit.accounts.cancelEmailChange(cancel, CTX);
  assert.ok((await kit.stores.users.findById(user.id))!.credentialGeneration > before);
});
