// The contract of Stores.transaction (storage/types/stores.ts, AccountWrites): a state change and
// its mail commit together or not at all, and the work's own errors come out as they were thrown.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DuplicateUserError } from '../../../src/storage/errors.js';
import type { Stores } from '../../../src/storage/types/stores.js';
import { newUser } from '../contract.js';
import { newToken } from './one-time-tokens.js';
import { newMessage } from './outbox.js';

export interface AccountWritesHarness {
  stores: Pick<Stores, 'transaction' | 'users' | 'oneTimeTokens' | 'outbox'>;
  close(): Promise<void>;
}

export function describeAccountWrites(name: string, skip: string | false, open: () => Promise<AccountWritesHarness>): void {
  describe(`Stores.transaction contract: ${name}`, { skip }, () => {
    let h: AccountWritesHarness;
    before(async () => { h = await open(); });
    after(async () => h?.close());

    test('commits a new user, its token and its mail together', async () => {
      const user = newUser({ id: randomUUID() });
      const token = newToken(user.id, 'verify_email');
      const message = newMessage({ recipient: user.email });
      const created = await h.stores.transaction(async (writes) => {
        const row = await writes.users.create(user);
        await writes.oneTimeTokens.issue(token);
        await writes.outbox.enqueue(message);
        return row;
      });
      assert.equal(created.id, user.id);
      assert.equal((await h.stores.users.findById(user.id))?.email, user.email);
      assert.deepEqual(await h.stores.oneTimeTokens.findByHash(token.tokenHash), token);
      const claimed = await h.stores.outbox.claimDue(new Date(8.64e15), 100, 1000);
      assert.ok(claimed.some((row) => row.id === message.id));
      for (const row of claimed) await h.stores.outbox.markSent(row.id);
    });

    test('a failure in the work rolls everything back and comes out as it was thrown', async () => {
      const user = newUser({ id: randomUUID() });
      await h.stores.users.create(user);
      const token = newToken(user.id, 'reset_password');
      const message = newMessage();
      const failure = new Error('the work failed');
      await assert.rejects(h.stores.transaction(async (writes) => {
        await writes.oneTimeTokens.issue(token);
        await writes.outbox.enqueue(message);
        await writes.users.update(user.id, { emailVerified: true }, new Date());
        throw failure;
      }), (error) => error === failure);
      assert.equal(await h.stores.oneTimeTokens.findByHash(token.tokenHash), null);
      assert.equal((await h.stores.users.findById(user.id))?.emailVerified, false);
      assert.deepEqual(await h.stores.outbox.claimDue(new Date(8.64e15), 100, 1000), []);
    });

    test('a taken address inside the work is a DuplicateUserError naming the field, and nothing is kept', async () => {
      const first = newUser({ id: randomUUID() });
      await h.stores.users.create(first);
      const second = newUser({ id: randomUUID() });
      await h.stores.users.create(second);
      await assert.rejects(h.stores.transaction(async (writes) => {
        await writes.users.update(second.id, { fullName: 'Changed' }, new Date());
        await writes.users.update(second.id, { email: first.email }, new Date());
      }), (error) => error instanceof DuplicateUserError && error.field === 'email');
      assert.equal((await h.stores.users.findById(second.id))?.fullName, null);
      const clash = newUser({ id: randomUUID(), username: first.username.toUpperCase(), email: 'other@example.com' });
      await assert.rejects(h.stores.transaction((writes) => writes.users.create(clash)),
        (error) => error instanceof DuplicateUserError && error.field === 'username');
    });
  });
}
