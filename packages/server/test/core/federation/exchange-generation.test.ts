// The federated exchange keeps the credential generation its code was issued under (the callback
// proved the provider's identity then): a reset between the callback and the exchange voids the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCodeExchange } from '../../../src/core/federation/exchange.js';
import { createTickets } from '../../../src/core/federation/tickets.js';
import { createAccountResolver } from '../../../src/core/federation/resolve-account.js';
import { createCoreKit, CTX, registerThroughCore } from '../kit.js';
import { challengeOf } from '../../../src/core/federation/pkce.js';

const VERIFIER = 'v'.repeat(43);

test('a code issued before a credential change answers credentials_changed, and no session starts', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { user } = await registerThroughCore(kit);
  const tickets = createTickets({ store: kit.stores.federation, clock: kit.clock, key: Buffer.alloc(32, 1) });
  const { exchange } = createCodeExchange({ tickets, users: kit.stores.users, audit: kit.deps.audit, finishLogin: kit.auth.finishLogin });
  const code = await tickets.issue('code', { userId: user.id, data: { provider: 'github', generation: user.credentialGeneration, trusted: true } }, 60, undefined, challengeOf(VERIFIER));
  await kit.stores.users.bumpCredentialGeneration(user.id, new Date(kit.clock.now())); // a reset, its revocation still to come
  const live = async () => (await kit.stores.sessions.listActiveForUser(user.id, new Date(kit.clock.now()))).length;
  const before = await live();
  await assert.rejects(exchange(code, VERIFIER, CTX), { code: 'credentials_changed' });
  assert.equal(await live(), before);
  const fresh = (await kit.stores.users.findById(user.id))!;
  const again = await tickets.issue('code', { userId: user.id, data: { provider: 'github', generation: fresh.credentialGeneration, trusted: true } }, 60, undefined, challengeOf(VERIFIER));
  assert.ok((await exchange(again, VERIFIER, CTX)).access_token);
});

test('a link asked for before a reset does not complete after it: credentials_changed, nothing linked', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { user } = await registerThroughCore(kit);
  const accounts = createAccountResolver({
    users: kit.stores.users, federation: kit.stores.federation, clock: kit.clock, audit: kit.deps.audit, signup: false,
    afterCredentialChange: kit.auth.credentials.after, notifyOwner: kit.auth.credentials.notify, providerName: (id) => id,
  });
  const asked = user.credentialGeneration; // what startLink kept in the link ticket
  await kit.accounts.forgotPassword(user.email, CTX);
  const link = new URL(kit.mails.at(-1)!.values.link!);
  await kit.accounts.resetPassword({ token: link.searchParams.get('token')!, newPassword: 'the owner\'s passphrase 5' }, CTX);
  const profile = { subject: 'thief-1', email: null, emailVerified: false, username: 'thief', name: null };
  await assert.rejects(accounts.link(user.id, 'github', profile as never, CTX, { keepSessionId: '' }, asked), { code: 'credentials_changed' });
  assert.deepEqual(await kit.stores.federation.listIdentities(user.id), []);
});
