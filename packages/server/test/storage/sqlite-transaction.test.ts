// The embedded database has one connection. A transaction on it (Stores.transaction, the outbox
// claim) holds it between its awaits, and other requests run in between: their hot-path
// statements (prepared.ts), which run on the connection directly, must wait for the transaction
// to end, or a rollback takes their writes with it and they read what was never committed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createStores } from '../../src/storage/create-stores.js';
import type { Stores } from '../../src/storage/types/stores.js';
import { sqlite } from './backends.js';
import { newSession, newUser } from './contract.js';

let stores: Stores;
let drop: () => Promise<void>;

before(async () => {
  const created = await sqlite.create();
  drop = created.drop;
  stores = await createStores({ databaseUrl: created.url, migrate: true });
});
after(async () => {
  await stores?.close();
  await drop?.();
});

const workFailed = new Error('the work failed');

test('a session written by another request while a transaction is open stays when the transaction rolls back', async () => {
  const user = newUser();
  await stores.users.create(user);
  const session = newSession(user.id);
  let login: Promise<void> | undefined;
  await assert.rejects(stores.transaction(async (writes) => {
    await writes.users.update(user.id, { fullName: 'Never Committed' }, new Date());
    login = stores.sessions.create(session); // another request's login, between two of the transaction's awaits
    await writes.users.findById(user.id);
    throw workFailed;
  }), workFailed);
  await login;
  assert.ok(await stores.sessions.findById(user.id, session.id), 'the login was acknowledged, so its session must exist');
  assert.equal((await stores.users.findById(user.id))?.fullName, user.fullName, 'the transaction itself was rolled back');
});

test('another request reads only what is committed, never what an open transaction wrote', async () => {
  const user = newUser();
  await stores.users.create(user);
  assert.equal((await stores.users.findById(user.id))?.fullName, user.fullName); // cached from here on
  let read: Promise<string | null | undefined> | undefined;
  await assert.rejects(stores.transaction(async (writes) => {
    await writes.users.update(user.id, { fullName: 'Never Committed' }, new Date());
    read = stores.users.findById(user.id).then((found) => found?.fullName);
    await writes.users.findById(user.id);
    throw workFailed;
  }), workFailed);
  assert.equal(await read, user.fullName);
  assert.equal((await stores.users.findById(user.id))?.fullName, user.fullName);
});

test('a committed transaction lets the waiting statements run after it, in order, and they see its writes', async () => {
  const user = newUser();
  await stores.users.create(user);
  const session = newSession(user.id);
  const order: string[] = [];
  let read: Promise<string | null | undefined> | undefined;
  await stores.transaction(async (writes) => {
    await writes.users.update(user.id, { fullName: 'Committed' }, new Date());
    read = stores.users.findById(user.id).then((found) => { order.push('read'); return found?.fullName; });
    void stores.sessions.create(session).then(() => order.push('login'));
    await writes.users.findById(user.id);
    order.push('commit');
  });
  assert.equal(await read, 'Committed');
  assert.ok(await stores.sessions.findById(user.id, session.id));
  assert.deepEqual(order, ['commit', 'read', 'login']);
});
