// Two clients on one shared storage, as two tabs are (Node has BroadcastChannel too): the second
// hears the first's login, refresh and logout as `sync` events, and uses its refreshed pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { createAuthClient, customStorage, type AuthClient, type KeyValueStore } from '@gatehouse-auth/client';
import { PASSWORD, registerUser } from '../helpers.js';
import { startLiveApp } from './live-app.js';

function sharedStore(): KeyValueStore {
  const data = new Map<string, string>();
  return { getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value), removeItem: (key) => void data.delete(key) };
}

/** The next event of `type` on `client`, as a promise. */
function next(client: AuthClient, type: 'tokens' | 'logout'): Promise<{ reason: string }> {
  const bus = new EventEmitter();
  const stop = client.on(type, (event) => bus.emit('event', event));
  return once(bus, 'event').then(([event]) => {
    stop();
    return event as { reason: string };
  });
}

test('a client on a shared storage hears another tab\'s login, refresh and logout, and sends no refresh of its own', async (t) => {
  const live = await startLiveApp(t);
  const { username } = await registerUser(live.app);
  const store = sharedStore();
  const make = () => createAuthClient({ baseUrl: live.baseUrl, storage: customStorage(store, { key: `tabs-${process.pid}`, shared: true }), now: () => live.clock.now() });
  const [one, two] = [make(), make()];
  t.after(() => { one.close(); two.close(); });

  const loggedIn = next(two, 'tokens');
  await one.login({ username, password: PASSWORD });
  assert.equal((await loggedIn).reason, 'sync');

  live.clock.advance(16 * 60_000);
  const refreshed = next(two, 'tokens');
  assert.equal((await one.fetch('/users/me')).status, 200);
  assert.equal((await refreshed).reason, 'sync');
  assert.equal((await two.fetch('/users/me')).status, 200);
  assert.equal(live.count('POST /auth/refresh'), 1);

  const loggedOut = next(two, 'logout');
  await one.logout();
  assert.equal((await loggedOut).reason, 'sync');
  assert.equal(await two.session(), null);
});
