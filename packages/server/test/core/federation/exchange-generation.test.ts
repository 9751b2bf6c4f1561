// The federated exchange keeps the credential generation its code was issued under (the callback
// proved the provider's identity then): a reset between the callback and the exchange voids the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCodeExchange } from '../../../src/core/federation/exchange.js';
import { createTickets } from '../../../src/core/federation/tickets.js';
import { createCoreKit, CTX, registerThroughCore } from '../kit.js';

test('a code issued before a credential change answers credentials_changed, and no session starts', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { user } = await registerThroughCore(kit);
  const tickets = createTickets({ store: kit.stores.federation, clock: kit.clock, key: Buffer.alloc(32, 1) });
  const exchange = createCodeExchange({ tickets, users: kit.stores.users, audit: kit.deps.audit, finishLogin: kit.auth.finishLogin });
  const code = await tickets.issue('code', { userId: user.id, data: { provider: 'github', generation: user.credentialGeneration, trusted: true } }, 60);
  await kit.stores.users.bumpCredentialGeneration(user.id, new Date(kit.clock.now())); // a reset, its revocation still to come
  const live = async () => (await kit.stores.sessions.listActiveForUser(user.id, new Date(kit.clock.now()))).length;
  const before = await live();
  await assert.rejects(exchange(code, CTX), { code: 'credentials_changed' });
  assert.equal(await live(), before);
  const fresh = (await kit.stores.users.findById(user.id))!;
  const again = await tickets.issue('code', { userId: user.id, data: { provider: 'github', generation: fresh.credentialGeneration, trusted: true } }, 60);
  assert.ok((await exchange(again, CTX)).access_token);
});
