// The store contract on every SQL backend: SQLite always, PostgreSQL and MySQL when configured.
import { randomUUID } from 'node:crypto';
import { createStores } from '../../src/storage/create-stores.js';
import { describeSessionStore, describeUserStore, newUser } from './contract.js';
import { sqlBackends, unavailable } from './backends.js';

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
