// What a request acknowledged survives a crash: a reset mail queued by a 202 is delivered after a
// SIGKILL of the server that answered, by the next server on the same database.
// The dead server may have tried the mail already (the sink refuses it) or been killed while
// trying: its row is then due again after a backoff of 30 s or after the lease of an attempt
// (over a minute). The test does not sit out either: once the row is seen to have survived the
// crash, it is made due now, as the clock would make it later.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { PASSWORD } from '../helpers.js';
import { randomSecret, start } from '../http/spawn-server.js';
import { SmtpSink } from '../mail/smtp-sink.js';

test('a reset mail acknowledged with 202 is delivered after a SIGKILL right after the answer', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-crash-'));
  const sink = await SmtpSink.start();
  t.after(async () => {
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  sink.refuse(); // nothing gets out before the crash
  const env = { DATA_DIR: dir, GATEHOUSE_SECRET: randomSecret(), SMTP_URL: sink.url, EMAIL_VERIFICATION: 'off' };
  const first = await start(env);
  t.after(() => first.stop());
  const post = (url: string, path: string, body: object) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const registered = await post(first.url, '/auth/register', { username: 'crash_test', email: 'crash@example.com', password: PASSWORD });
  assert.equal(registered.status, 201);
  const forgot = await post(first.url, '/auth/password/forgot', { email: 'crash@example.com' });
  assert.equal(forgot.status, 202);
  await first.kill();
  assert.deepEqual(sink.mailsTo('crash@example.com'), [], 'refused before the crash');
  const db = new SqliteDatabase(join(dir, 'gatehouse.db'));
  try {
    const rows = db.prepare("SELECT given_up FROM outbox WHERE kind = 'reset_password' AND recipient = ?").all('crash@example.com');
    assert.deepEqual(rows, [{ given_up: 0 }], 'the acknowledged mail outlived the server, still to be sent');
    db.prepare('UPDATE outbox SET next_attempt_at = 0').run();
  } finally {
    db.close();
  }

  sink.accept();
  const second = await start(env);
  t.after(() => second.stop());
  const mail = await sink.nextMail('crash@example.com', 30_000);
  assert.match(mail.link!, /reset-password\?token=/);
  const reset = await post(second.url, '/auth/password/reset', { token: mail.token, new_password: 'after the crash 123' });
  assert.equal(reset.status, 204);
});
