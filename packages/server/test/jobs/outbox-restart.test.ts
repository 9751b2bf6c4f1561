// The outbox outlives the process (design §11): a row written while no server ran (as a request
// that answered just before a SIGKILL leaves it) is delivered by the next server once it starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { createMailMessages } from '../../src/core/email/outbox-message.js';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { createStores } from '../../src/storage/create-stores.js';
import { randomSecret, start } from '../http/spawn-server.js';
import { SmtpSink } from '../mail/smtp-sink.js';

const TTLS = { verify_email: 86_400, reset_password: 1800, magic_link: 900, change_email: 86_400 };

test('a row left in the outbox is delivered by the next server to start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-outbox-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const sink = await SmtpSink.start();
  t.after(() => sink.stop());
  const secret = randomSecret();
  const stores = await createStores({ databaseUrl: `sqlite:${join(dir, 'gatehouse.db')}`, migrate: true });
  const messages = createMailMessages({ key: deriveKey(secret, 'mail-outbox'), clock: systemClock, ttlSeconds: TTLS });
  const link = 'https://app.example.com/reset-password?token=left-behind-token';
  await stores.outbox.enqueue(messages.message({ kind: 'reset_password', to: 'ada@example.com', values: { username: 'ada', email: 'ada@example.com', link } }));
  await stores.close();

  const server = await start({ DATA_DIR: dir, GATEHOUSE_SECRET: secret, SMTP_URL: sink.url, LOG_LEVEL: 'warn' });
  t.after(() => server.stop());
  const mail = await sink.nextMail('ada@example.com');
  assert.equal(mail.link, link);
  assert.equal(mail.subject, 'Reset your Gatehouse password');
});
