// The refresh state machine (docs/architecture.md, "Refresh"), called directly through the core
// test kit: rotate, the grace replay bound to the rotating client, reuse ending the session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreKit, CTX, registerThroughCore } from '../kit.js';

const OTHER = { ip: '198.51.100.9', ipKey: '198.51.100.9', userAgent: 'elsewhere/2.0' };
const request = (pair: { access_token: string; refresh_token: string }) => ({ accessToken: pair.access_token, refreshToken: pair.refresh_token });

test('rotate: the current token gives a new pair of the same session; the refreshed pair works, generation one up', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { tokens } = await registerThroughCore(kit);
  kit.clock.advance(5_000);
  const next = await kit.auth.refresh(request(tokens), CTX);
  assert.notEqual(next.refresh_token, tokens.refresh_token);
  assert.equal((await kit.claimsOf(next.access_token)).sid, (await kit.claimsOf(tokens.access_token)).sid);
  kit.clock.advance(60_000);
  const third = await kit.auth.refresh(request(next), CTX);
  const session = await kit.stores.sessions.findById((await kit.claimsOf(third.access_token)).sub, (await kit.claimsOf(third.access_token)).sid);
  assert.equal(session?.generation, 2);
  assert.deepEqual(kit.eventsOf('refresh').map((event) => event.outcome), ['rotated', 'rotated']);
});

test('grace: the previous token from the rotating client inside REFRESH_GRACE gets the same successor pair again', async (t) => {
  const kit = await createCoreKit();
  t.after(() => kit.close());
  const { tokens } = await registerThroughCore(kit);
  const next = await kit.auth.refresh(request(tokens), CTX);
  kit.clock.advance(9_000);
  const again = await kit.auth.refresh(request(tokens), CTX);
  assert.deepEqual([again.access_token, again.refresh_token], [next.access_token, next.refresh_token]);
  assert.equal(again.expires_in, next.expires_in - 9, 'the same tokens, 9 s older');
  assert.deepEqual(kit.eventsOf('refresh').map((event) => event.outcome), ['rotated', 'grace_replay']);
  assert.equal((await kit.auth.authenticate(next.access_token)).user.id, (await kit.claimsOf(next.access_token)).sub);
});

test('reuse: the previous token from another client, or after the grace window, ends the whole session', async (t) => {
  for (const [who, waitMs] of [[OTHER, 1_000], [CTX, 11_000]] as const) {
    const kit = await createCoreKit();
    t.after(() => kit.close());
    const { tokens } = await registerThroughCore(kit);
    const next = await kit.auth.refresh(request(tokens), CTX);
    kit.clock.advance(waitMs);
    await assert.rejects(kit.auth.refresh(request(tokens), who), { code: 'refresh_token_reused' });
    await assert.rejects(kit.auth.refresh(request(next), CTX), { code: 'session_revoked' });
    await assert.rejects(kit.auth.authenticate(next.access_token), { code: 'session_revoked' });
  }
});
