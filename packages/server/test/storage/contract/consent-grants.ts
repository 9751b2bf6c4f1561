// The contract every ConsentGrantStore passes (storage/types/consent-grants.ts): a grant reads back
// as saved, a save replaces the scopes and keeps createdAt, grants are per user and per client
// (ids compared byte for byte), a delete says whether it found one, and a user's grants go with the user.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsentGrantRecord, ConsentGrantStore } from '../../../src/storage/types/consent-grants.js';

export interface ConsentGrantHarness {
  grants: ConsentGrantStore;
  newUserId(): Promise<string>;
  deleteUser(id: string): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.UTC(2026, 11, 1, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function grant(userId: string, clientId: string, scopes: string[], when = 0): ConsentGrantRecord {
  return { userId, clientId, scopes, createdAt: at(when), updatedAt: at(when) };
}

export function describeConsentGrantStore(name: string, skip: string | false, open: () => Promise<ConsentGrantHarness>): void {
  describe(`ConsentGrantStore contract: ${name}`, { skip }, () => {
    let h: ConsentGrantHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('a saved grant reads back as saved; another user or client finds nothing', async () => {
      const [alice, bob] = [await h.newUserId(), await h.newUserId()];
      const saved = grant(alice, 'wiki', ['openid', 'email']);
      await h.grants.save(saved);
      assert.deepEqual(await h.grants.find(alice, 'wiki'), saved);
      assert.equal(await h.grants.find(bob, 'wiki'), null);
      assert.equal(await h.grants.find(alice, 'Wiki'), null);
      assert.equal(await h.grants.find(alice, 'grafana'), null);
    });

    test('saving again replaces the scopes and the update time, and keeps when it was first given', async () => {
      const user = await h.newUserId();
      await h.grants.save(grant(user, 'wiki', ['openid']));
      await h.grants.save({ ...grant(user, 'wiki', ['openid', 'profile'], 60), createdAt: at(999) });
      assert.deepEqual(await h.grants.find(user, 'wiki'), { ...grant(user, 'wiki', ['openid', 'profile']), updatedAt: at(60) });
    });

    test('concurrent first saves of one grant leave one row', async () => {
      const user = await h.newUserId();
      await Promise.all(Array.from({ length: 10 }, (_, i) => h.grants.save(grant(user, 'race', ['openid'], i))));
      assert.equal((await h.grants.listForUser(user)).length, 1);
    });

    test('lists a user\'s grants by client id, nobody else\'s', async () => {
      const [alice, bob] = [await h.newUserId(), await h.newUserId()];
      await h.grants.save(grant(alice, 'wiki', ['openid']));
      await h.grants.save(grant(alice, 'grafana', ['openid', 'email']));
      await h.grants.save(grant(bob, 'wiki', ['openid']));
      assert.deepEqual((await h.grants.listForUser(alice)).map((g) => g.clientId), ['grafana', 'wiki']);
      assert.deepEqual(await h.grants.listForUser(await h.newUserId()), []);
    });

    test('deletes a grant once: true the first time, false after; other grants stay', async () => {
      const user = await h.newUserId();
      await h.grants.save(grant(user, 'wiki', ['openid']));
      await h.grants.save(grant(user, 'grafana', ['openid']));
      assert.equal(await h.grants.delete(user, 'wiki'), true);
      assert.equal(await h.grants.delete(user, 'wiki'), false);
      assert.deepEqual((await h.grants.listForUser(user)).map((g) => g.clientId), ['grafana']);
    });

    test('a user\'s grants go with the user', async () => {
      const user = await h.newUserId();
      await h.grants.save(grant(user, 'wiki', ['openid']));
      await h.deleteUser(user);
      assert.deepEqual(await h.grants.listForUser(user), []);
    });
  });
}
