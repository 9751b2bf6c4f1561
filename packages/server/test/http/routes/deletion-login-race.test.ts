// A login racing an account deletion: the login read the user before the deletion and stores its
// session after it. No session of the deleted account may survive (on Redis it would sit there,
// with its address and user agent, for the refresh lifetime), and the login answers as for an
// account that does not exist.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, bearer, PASSWORD, registerUser } from '../../helpers.js';
import { sessionBackends } from '../session-backends.js';
import type { Stores } from '../../../src/storage/types/stores.js';

for (const backend of sessionBackends) {
  describe(`login racing an account deletion on ${backend.name}`, { skip: backend.skip }, () => {
    test('the session the login stores after the deletion does not survive; the login answers 401 invalid_credentials', async (t) => {
      let hold: { userId: string; reached: () => void; release: Promise<void> } | undefined;
      const wrap = (stores: Stores): Stores => {
        const create = stores.sessions.create.bind(stores.sessions);
        stores.sessions.create = async (session) => {
          const held = hold;
          if (held?.userId === session.userId) {
            hold = undefined;
            held.reached();
            await held.release;
          }
          return create(session);
        };
        return stores;
      };
      const h = await backend.open({ stores: wrap });
      t.after(() => h.close());
      const user = await registerUser(h.app);
      let release!: () => void;
      const reached = new Promise<void>((resolve) => {
        hold = { userId: user.userId, reached: resolve, release: new Promise<void>((r) => { release = r; }) };
      });
      const login = h.app.inject({ method: 'POST', url: '/auth/login', payload: { username: user.username, password: PASSWORD } });
      await reached;
      const deleted = await h.app.inject({
        method: 'DELETE', url: '/users/me', headers: bearer(user.tokens.access_token), payload: { current_password: PASSWORD },
      });
      assert.equal(deleted.statusCode, 204, deleted.body);
      release();
      assertError(await login, 401, 'invalid_credentials');
      assert.deepEqual(await h.stores.sessions.listActiveForUser(user.userId, new Date(h.clock.now())), []);
    });
  });
}
