// The store contract on every SQL backend: SQLite always, PostgreSQL and MySQL when configured.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { createStores } from '../../src/storage/create-stores.js';
import type { Stores } from '../../src/storage/types/stores.js';
import { describeSessionStore, describeUserStore, newSession, newUser } from './contract.js';
import { describePasskeyStore } from './contract/passkeys.js';
import { describeFederationStore } from './contract/federation.js';
import { postgres, sqlBackends, unavailable } from './backends.js';
import { describeOneTimeTokenStore } from './contract/one-time-tokens.js';
import { describeOutboxStore } from './contract/outbox.js';
import { describeAuditStore } from './contract/audit.js';
import { describeAccountWrites } from './contract/account-writes.js';
import { describeFactorStores } from './contract/factors.js';
import { describeOAuthClientStore } from './contract/oauth-clients.js';
import { describeConsentGrantStore } from './contract/consent-grants.js';

/** A user row for rows that need one (sessions, passkeys); answers its id. */
async function newUserIdIn(stores: Stores): Promise<string> {
  const user = newUser({ id: randomUUID() });
  await stores.users.create(user);
  return user.id;
}

for (const { backend, variable } of sqlBackends) {
  const skip = variable ? unavailable(variable) : false;
  const open = async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return {
      stores,
      users: stores.users,
      sessions: stores.sessions,
      factors: stores.factors,
      loginChallenges: stores.loginChallenges,
      newUserId: () => newUserIdIn(stores),
      async close() {
        await stores.close();
        await drop();
      },
    };
  };
  describeUserStore(backend.name, skip, open);
  describeSessionStore(backend.name, skip, open);
  describeOAuthClientStore(backend.name, skip, async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return { clients: stores.oauthClients, close: async () => { await stores.close(); await drop(); } };
  });
  describeConsentGrantStore(backend.name, skip, async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return {
      grants: stores.consentGrants,
      newUserId: () => newUserIdIn(stores),
      deleteUser: async (id) => { await stores.users.delete(id); },
      close: async () => { await stores.close(); await drop(); },
    };
  });
  describeOneTimeTokenStore(backend.name, skip, async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return {
      tokens: stores.oneTimeTokens,
      async newUserId() {
        const user = newUser({ id: randomUUID() });
        await stores.users.create(user);
        return user.id;
      },
      deleteUser: async (id) => { await stores.users.delete(id); },
      async close() {
        await stores.close();
        await drop();
      },
    };
  });
  describeAccountWrites(backend.name, skip, async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return {
      stores,
      async close() {
        await stores.close();
        await drop();
      },
    };
  });
  describeOutboxStore(backend.name, skip, async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    // another instance on the same database; SQLite serves one process, where two claimers share its connection
    const second = backend.name === 'sqlite' ? undefined : await createStores({ databaseUrl: url, migrate: false });
    return {
      outbox: stores.outbox,
      second: second?.outbox ?? stores.outbox,
      async close() {
        await second?.close();
        await stores.close();
        await drop();
      },
    };
  });
  describeAuditStore(backend.name, skip, async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return {
      audit: stores.audit,
      async close() {
        await stores.close();
        await drop();
      },
    };
  });
  describeFactorStores(backend.name, skip, open);
  describePasskeyStore(backend.name, skip, async () => {
    const { url, drop } = await backend.create();
    const stores = await createStores({ databaseUrl: url, migrate: true });
    return {
      passkeys: stores.passkeys,
      challenges: stores.webauthnChallenges,
      newUserId: () => newUserIdIn(stores),
      deleteUser: async (id) => void await stores.users.delete(id),
      async close() {
        await stores.close();
        await drop();
      },
    };
  });
  describeFederationStore(backend.name, skip, async () => {
    const harness = await open();
    return { ...harness, federation: harness.stores.federation, loginMethods: harness.stores.loginMethods, deleteUser: async (id) => void (await harness.stores.users.delete(id)) };
  });

  describe(`sessionAndUser: ${backend.name}`, { skip }, () => {
    test(backend.name === 'sqlite' ? 'is not offered: the row cache serves both reads'
      : 'reads a session and its user together, as findById and findById would', async () => {
      const { url, drop } = await backend.create();
      const stores = await createStores({ databaseUrl: url, migrate: true });
      try {
        if (backend.name === 'sqlite') return assert.equal(stores.sessionAndUser, undefined);
        const read = stores.sessionAndUser!;
        const user = newUser();
        const other = newUser();
        await stores.users.create(user);
        await stores.users.create(other);
        const session = newSession(user.id, { ip: null, userAgent: null, previousHash: 'b'.repeat(64), rotationFingerprint: 'c'.repeat(64) });
        await stores.sessions.create(session);
        const apart = async (userId: string, sessionId: string) =>
          ({ session: await stores.sessions.findById(userId, sessionId), user: await stores.users.findById(userId) });
        const cases: Array<[string, string, string]> = [
          ['both', user.id, session.id], ['another user\'s session', other.id, session.id],
          ['no such session', user.id, randomUUID()], ['no such user', randomUUID(), session.id],
        ];
        for (const [label, userId, sessionId] of cases) assert.deepEqual(await read(userId, sessionId), await apart(userId, sessionId), label);
        assert.deepEqual((await read(user.id, session.id)).session, session);
        await stores.sessions.revoke(user.id, session.id, new Date(session.createdAt.getTime() + 5000));
        await stores.users.update(user.id, { disabled: true }, new Date());
        assert.deepEqual(await read(user.id, session.id), await apart(user.id, session.id), 'revoked, disabled');
        assert.ok((await read(user.id, session.id)).session?.revokedAt);
      } finally {
        await stores.close();
        await drop();
      }
    });
  });
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
