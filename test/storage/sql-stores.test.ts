// The store contract on every SQL backend: SQLite always, PostgreSQL and MySQL when configured.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { createStores } from '../../src/storage/create-stores.js';
import { describeSessionStore, describeUserStore, newUser } from './contract.js';
import { postgres, sqlBackends, unavailable } from './backends.js';

for (const { backend, variable } of sqlBackends) {
  const skip = variable ? unavailable(variable) : false;
  const open = async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return {
      users: stores.users,
      sessions: stores.sessions,
      async newUserId() {
        const user = newUser({ id: randomUUID() });
        await stores.users.create(user);
        return user.id;
      },
      async close() {
        await stores.close();
        await drop();
      },
    };
  };
  describeUserStore(backend.name, skip, open);
  describeSessionStore(backend.name, skip, open);
}

test('PostgreSQL: a Gatehouse in a fresh schema migrates while another schema of the database holds Gatehouse\'s tables',
  { skip: unavailable('POSTGRES_URL') }, async () => {
    const first = await postgres.create();
    const second = await postgres.create();
    try {
      await (await createStores({ databaseUrl: first.url, migrate: true })).close();
      const stores = await createStores({ databaseUrl: second.url, migrate: true });
      try {
        const user = newUser();
        await stores.users.create(user);
        assert.equal((await stores.users.findById(user.id))?.id, user.id);
      } finally {
        await stores.close();
      }
    } finally {
      await first.drop();
      await second.drop();
    }
  });
