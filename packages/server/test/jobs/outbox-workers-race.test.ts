// Several senders over one outbox (docs/architecture.md, "Mail"): two instances on PostgreSQL or
// MySQL (FOR UPDATE SKIP LOCKED), or two senders in one process on SQLite, deliver each of N mails
// exactly once to a real SMTP server.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { loadMailTemplates } from '../../src/config/mail-templates.js';
import { noAudit } from '../../src/core/audit.js';
import { ManualClock } from '../../src/core/clock.js';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { createMail } from '../../src/jobs/mail.js';
import { createStores } from '../../src/storage/create-stores.js';
import type { Stores } from '../../src/storage/types/stores.js';
import { sqlBackends, unavailable } from '../storage/backends.js';
import { TEST_SECRET } from '../helpers.js';
import { SmtpSink } from '../mail/smtp-sink.js';

const MAILS = 40;

function sender(stores: Stores, smtpUrl: string, clock: ManualClock) {
  return createMail({
    settings: loadConfig({ SMTP_URL: smtpUrl }).email,
    key: deriveKey(TEST_SECRET, 'mail-outbox'),
    outbox: stores.outbox,
    templates: loadMailTemplates(undefined),
    clock,
    audit: noAudit,
    observe: () => undefined,
    logger: pino({ level: 'silent' }),
  });
}

for (const { backend, variable } of sqlBackends) {
  const skip = variable ? unavailable(variable) : false;
  describe(`two senders over one outbox: ${backend.name}`, { skip }, () => {
    test(`deliver each of ${MAILS} mails exactly once`, async (t) => {
      const sink = await SmtpSink.start();
      t.after(() => sink.stop());
      const { url, drop } = await backend.create();
      const first = await createStores({ databaseUrl: url, migrate: true });
      // SQLite serves one process: there the two senders share its connection
      const second = backend.name === 'sqlite' ? first : await createStores({ databaseUrl: url, migrate: false });
      t.after(async () => {
        if (second !== first) await second.close();
        await first.close();
        await drop();
      });
      const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
      const [a, b] = [sender(first, sink.url, clock), sender(second, sink.url, clock)];
      const recipients = Array.from({ length: MAILS }, (_, i) => `user${i}@example.com`);
      for (const to of recipients) {
        await first.outbox.enqueue(a.outbox.message({ kind: 'account_deleted', to, values: { username: to.split('@')[0]!, email: to } }));
      }
      const handled = await Promise.all([a.worker!.drain(), b.worker!.drain(), a.worker!.drain(), b.worker!.drain()]);
      assert.equal(handled.reduce((sum, n) => sum + n, 0), MAILS, `handled per drain: ${handled.join(', ')}`);
      assert.deepEqual(sink.mails.flatMap((mail) => mail.to).sort(), [...recipients].sort());
      assert.deepEqual(await first.outbox.counts(), { pending: 0, failed: 0 });
    });
  });
}
