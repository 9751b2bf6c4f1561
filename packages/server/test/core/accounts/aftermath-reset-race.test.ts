// The aftermath of a change of a way in starts the caller's new session (core/accounts/credential-aftermath.ts);
// a reset racing it, landing after the aftermath's own bump, must end that session as finishLogin's re-read does.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createCredentialAftermath } from '../../../src/core/accounts/credential-aftermath.js';
import { createSessionOpener } from '../../../src/core/sessions/start-session.js';
import { sessionSettings } from '../../../src/config/slices.js';
import { createCoreKit, CTX, registerThroughCore } from '../kit.js';

test('a credential change whose new session started after a racing reset answers credentials_changed; that session is ended', async (t) => {
  const { kit, user, caller, open, email } = await aftermathSetup(t);
  const after = createCredentialAftermath({ ...kit.deps, ...email }, async (...args) => {
    await kit.stores.users.bumpCredentialGeneration(user.id, new Date(kit.clock.now())); // the reset lands here
    return open(...args);
  });
  await assert.rejects(after(caller.user, 'identity_linked', { rotate: { amr: ['pwd'], authTime: new Date(kit.clock.now()) }, sessionId: caller.claims.sid }, CTX),
    { code: 'credentials_changed' });
  assert.deepEqual(await kit.stores.sessions.listActiveForUser(user.id, new Date(kit.clock.now())), []);
});

test('a reset whose bump lands between the aftermath\'s own bump and its read of the generation still ends the caller\'s new session', async (t) => {
  const { kit, user, caller, open, email } = await aftermathSetup(t);
  const real = kit.stores.users.bumpCredentialGeneration;
  // the seam: right after the aftermath's own bump, and before anything else it does, a reset bumps too
  const users = {
    ...kit.stores.users,
    bumpCredentialGeneration: async (id: string, now: Date) => {
      const mine = await real(id, now);
      await real(id, now); // the reset's bump
      return mine;
    },
  };
  const after = createCredentialAftermath({ ...kit.deps, users, ...email }, open);
  await assert.rejects(after(caller.user, 'identity_linked', { rotate: { amr: ['pwd'], authTime: new Date(kit.clock.now()) }, sessionId: caller.claims.sid }, CTX),
    { code: 'credentials_changed' });
  assert.deepEqual(await kit.stores.sessions.listActiveForUser(user.id, new Date(kit.clock.now())), []);
});

/** A registered user signed in through the core, the session opener and the aftermath's mail parts (no mail sent). */
async function aftermathSetup(t: TestContext) {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { user, tokens } = await registerThroughCore(kit);
  const caller = await kit.auth.authenticate(tokens.access_token);
  const open = createSessionOpener(kit.deps, sessionSettings(kit.config));
  const email = {
    oneTimeTokens: kit.stores.oneTimeTokens, transaction: kit.stores.transaction, settings: { ...kit.config.email, mailEnabled: false } as never,
    mailer: { message: () => { throw new Error('no mail'); }, wake: () => undefined } as never,
  };
  return { kit, user, caller, open, email };
}
