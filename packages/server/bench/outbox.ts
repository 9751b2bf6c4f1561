// `npm run bench:outbox`: the job outbox cases alone (bench/lib/outbox-case.ts), without the
// servers of the full bench: mails/s to a loopback SMTP sink, webhook deliveries/s to a loopback receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIL_TARGET_PER_SECOND, measureMails, measureWebhooks, WEBHOOK_TARGET_PER_SECOND, type OutboxRate } from './lib/outbox-case.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-outbox-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const load = loadavg().map((n) => n.toFixed(2)).join(', ');
const line = (name: string, unit: string, rate: OutboxRate, target: number) =>
  `${name}: ${rate.messages} in ${rate.seconds} s = ${rate.perSecond} ${unit}/s on SQLite (${rate.perSecond >= target ? 'meets' : 'misses'} the target of ${target})`;
console.log(line('mail', 'mails', await measureMails(dir), MAIL_TARGET_PER_SECOND));
console.log(line('webhooks', 'deliveries', await measureWebhooks(dir), WEBHOOK_TARGET_PER_SECOND));
console.log(`load average at start ${load}`);
