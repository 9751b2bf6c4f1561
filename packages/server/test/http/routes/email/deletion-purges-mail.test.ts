// Account deletion takes the account's mail with it: outbox rows addressed to it, waiting or given
// up (a given-up row is never sent and would keep the address for good), go in the deletion's
// transaction; only the deletion notice itself stays, to be sent. Other people's mail stays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, createTestApp, registerUser } from '../../../helpers.js';
import { SmtpSink } from '../../../mail/smtp-sink.js';

test('deleting an account deletes the outbox rows addressed to it, given-up ones included, and keeps its notice and others\' mail', async (t) => {
  const sink = await SmtpSink.start();
  const h = await createTestApp({}, { smtp: { url: sink.url }, mailWorker: false });
  t.after(async () => {
    await h.close();
    await sink.stop();
  });
  const leaving = await registerUser(h.app); // a verification mail waits for it
  const staying = await registerUser(h.app);
  const stale = h.mail.outbox.message({ kind: 'verify_email', to: leaving.email, values: { username: leaving.username, email: leaving.email, link: 'https://app.test/x' } });
  await h.stores.outbox.enqueue(stale);
  await h.stores.outbox.markFailed(stale.id, 'given up', null);
  assert.deepEqual(await h.stores.outbox.counts(), { pending: 2, failed: 1 });
  const del = await h.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(leaving.tokens.access_token), payload: { current_password: leaving.password } });
  assert.equal(del.statusCode, 204, del.body);
  assert.deepEqual(await h.stores.outbox.counts(), { pending: 2, failed: 0 }, 'the notice and the other user\'s mail');
  await h.mail.worker!.drain();
  assert.deepEqual(sink.mailsTo(leaving.email).map((m) => /deleted/i.test(m.subject)), [true], 'only the notice reached the address');
  assert.equal(sink.mailsTo(staying.email).length, 1);
});
