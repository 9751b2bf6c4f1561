// One outbox row's delivery (docs/email.md, "Retries and giving up"): open the sealed payload,
// render, send; on failure the row is due again after an exponential backoff, or given up after
// MAIL_MAX_ATTEMPTS, and the failure is counted, logged (no payload, no password) and audited.
// Outcomes are written a batch per transaction (result-batch.ts).
import type { pino } from 'pino';
import { auditOrigin, type AuditSink } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { MailRequest } from '../core/email/mail.js';
import type { MailMessages } from '../core/email/outbox-message.js';
import type { MailTemplates } from '../core/email/templates.js';
import type { OutboxResult, OutboxRow, OutboxStore } from '../storage/types/outbox.js';
import { createResultBatch } from './result-batch.js';
import type { MailTransport } from './mail-transport.js';

export type MailOutcome = 'sent' | 'failed' | 'given_up';

export interface DeliveryDeps {
  outbox: OutboxStore;
  messages: Pick<MailMessages, 'open'>;
  templates: MailTemplates;
  transport: MailTransport;
  clock: Clock;
  audit: AuditSink;
  observe: (kind: string, outcome: MailOutcome) => void;
  log: Pick<pino.Logger, 'warn'>;
  settings: { mailFrom: string; productName: string; appUrl: string | undefined; maxAttempts: number };
}

const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;

/** 30 s × 2^(attempts − 1), at most an hour. */
function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** Delivers a claimed row: sent (the row is deleted), or marked failed for a retry or for good. */
export function createDelivery(deps: DeliveryDeps): (row: OutboxRow) => Promise<void> {
  // the outcomes of the mails sent at once commit together (result-batch.ts): one transaction, not one per mail
  const settle = createResultBatch<OutboxResult>((results) => deps.outbox.settle(results));
  const failed = failureRecorder(deps, settle);
  return async (row) => {
    let request: MailRequest;
    try {
      request = deps.messages.open(row);
    } catch {
      // sealed under another GATEHOUSE_SECRET, or altered: no retry will open it
      return failed(row, 'the payload does not open (sealed under another GATEHOUSE_SECRET, or altered)', true);
    }
    try {
      const values = { ...request.values, product_name: deps.settings.productName, app_url: deps.settings.appUrl ?? '' };
      const mail = deps.templates.render(request.kind, values);
      await deps.transport.send({ ...mail, kind: request.kind, from: deps.settings.mailFrom, to: request.to });
    } catch (error) {
      return failed(row, String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 200), false);
    }
    await settle({ id: row.id, sent: true });
    deps.observe(row.kind, 'sent');
  };
}

/** Due again after the backoff, or given up: counted, logged and audited. */
function failureRecorder(deps: DeliveryDeps, settle: (result: OutboxResult) => Promise<void>) {
  return async (row: OutboxRow, error: string, hopeless: boolean): Promise<void> => {
    const givenUp = hopeless || row.attempts >= deps.settings.maxAttempts;
    const retryAt = givenUp ? null : new Date(deps.clock.now() + retryDelayMs(row.attempts));
    await settle({ id: row.id, sent: false, error, retryAt });
    deps.observe(row.kind, givenUp ? 'given_up' : 'failed');
    const facts = { outboxId: row.id, kind: row.kind, attempt: row.attempts, error };
    deps.log.warn({ mail: { ...facts, retryAt: retryAt?.toISOString() ?? null } },
      givenUp ? `mail given up after ${row.attempts} attempt(s)` : 'mail delivery failed; will retry');
    deps.audit(retryAt === null
      ? { type: 'mail_given_up', ...facts, ...auditOrigin(undefined) }
      : { type: 'mail_failed', ...facts, retryAt: retryAt.toISOString(), ...auditOrigin(undefined) });
  };
}
