// The job outbox cases (docs/benchmarks.md, "Outbox"): mails per second to a loopback SMTP sink and
// webhook deliveries per second to a loopback HTTP receiver, each a burst of rows queued at once in
// a fresh SQLite database and timed until the outbox is empty, with the server's own worker,
// concurrency and connection pooling (jobs/mail.ts, jobs/webhooks.ts). Targets: ≥ 100 mails/s and
// ≥ 500 webhook deliveries/s per instance.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../../src/config/config.js';
import { loadMailTemplates } from '../../src/config/mail-templates.js';
import { noAudit } from '../../src/core/audit.js';
import { systemClock } from '../../src/core/clock.js';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { createMail } from '../../src/jobs/mail.js';
import { createWebhooks } from '../../src/jobs/webhooks.js';
import type { OutboxWorker } from '../../src/jobs/outbox-worker.js';
import { createStores } from '../../src/storage/create-stores.js';
import type { Stores } from '../../src/storage/types/stores.js';

export const OUTBOX_MAILS = 2000;
export const OUTBOX_WEBHOOKS = 5000;
export const MAIL_TARGET_PER_SECOND = 100;
export const WEBHOOK_TARGET_PER_SECOND = 500;
/** A case that has not drained by then reports what it delivered so far. */
const BOUND_MS = 120_000;
const SECRET = '0'.repeat(64);
const silent = pino({ level: 'silent' });

export interface OutboxRate {
  messages: number;
  seconds: number;
  perSecond: number;
}

/** Starts `worker` on the queued rows and times it until none is pending. */
async function timeDrain(stores: Stores, worker: OutboxWorker, messages: number): Promise<OutboxRate> {
  const started = performance.now();
  worker.start();
  let pending = messages;
  while (pending > 0 && performance.now() - started < BOUND_MS) {
    await sleep(20);
    pending = (await stores.outbox.counts()).pending;
  }
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  const delivered = messages - pending;
  return { messages: delivered, seconds: Math.round(seconds * 100) / 100, perSecond: Math.round(delivered / seconds) };
}

export async function measureMails(dir: string, mails = OUTBOX_MAILS): Promise<OutboxRate> {
  let received = 0;
  const sink = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, done) {
      stream.on('end', () => { received += 1; done(); });
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const port = (sink.server.address() as AddressInfo).port;
  const stores = await createStores({ databaseUrl: `sqlite:${join(dir, 'mail.db')}`, migrate: true });
  try {
    const mail = createMail({
      settings: loadConfig({ SMTP_URL: `smtp://127.0.0.1:${port}` }).email, key: deriveKey(SECRET, 'mail-outbox'), outbox: stores.outbox,
      templates: loadMailTemplates(undefined), clock: systemClock, audit: noAudit, observe: () => undefined, logger: silent,
    });
    for (let i = 0; i < mails; i += 1) {
      const to = `user${i}@example.com`;
      await stores.outbox.enqueue(mail.outbox.message({ kind: 'account_deleted', to, values: { username: `user${i}`, email: to } }));
    }
    const rate = await timeDrain(stores, mail.worker!, mails);
    if (received < rate.messages) throw new Error(`the sink got ${received} mails of ${rate.messages} marked sent`);
    return rate;
  } finally {
    await stores.close();
    await new Promise<void>((resolve) => sink.close(() => resolve()));
  }
}

export async function measureWebhooks(dir: string, messages = OUTBOX_WEBHOOKS): Promise<OutboxRate> {
  let received = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => { received += 1; res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const stores = await createStores({ databaseUrl: `sqlite:${join(dir, 'webhooks.db')}`, migrate: true });
  try {
    const webhooks = createWebhooks({
      endpoints: stores.webhooks, outbox: stores.outbox, key: deriveKey(SECRET, 'webhook-secrets'), clock: systemClock, logger: silent,
      allowPrivate: true, production: false, audit: noAudit,
    });
    const { endpoint } = await webhooks.admin.create({ url, events: ['*'] });
    const payload = JSON.stringify({ type: 'user.created', timestamp: new Date().toISOString(), data: { user_id: '019b76d9-5c10-7a2e-9b1f-3d2c1e0f9a8b' } });
    for (let i = 0; i < messages; i += 1) {
      await stores.outbox.enqueue({
        id: uuidv7(), channel: 'webhook', kind: 'user.created', recipient: endpoint.id, payload, createdAt: new Date(),
      });
    }
    const rate = await timeDrain(stores, webhooks.worker, messages);
    if (received < rate.messages) throw new Error(`the receiver got ${received} deliveries of ${rate.messages} marked sent`);
    return rate;
  } finally {
    await stores.close();
    receiver.closeAllConnections();
    receiver.close();
  }
}
