// The mail sender (docs/email.md, "The sender"): claims due outbox rows one at a time under a
// lease, opens, renders and sends each, and retries a failure with exponential backoff until
// MAIL_MAX_ATTEMPTS, when the row is given up. Polls about every second; wake() sends at once.
import type { pino } from 'pino';
import { auditOrigin, type AuditSink } from '../core/audit.js';
import type { Clock } from '../core/clock.js';
import type { MailRequest } from '../core/email/mail.js';
import type { MailMessages } from '../core/email/outbox-message.js';
import type { MailTemplates } from '../core/email/templates.js';
import type { OutboxRow, OutboxStore } from '../storage/types/outbox.js';
import type { MailTransport } from './mail-transport.js';

export type MailOutcome = 'sent' | 'failed' | 'given_up';

export interface OutboxWorkerDeps {
  outbox: OutboxStore;
  messages: Pick<MailMessages, 'open'>;
  templates: MailTemplates;
  transport: MailTransport;
  clock: Clock;
  audit: AuditSink;
  observe: (kind: string, outcome: MailOutcome) => void;
  log: Pick<pino.Logger, 'warn'>;
  settings: { mailFrom: string; productName: string; appUrl: string | undefined; maxAttempts: number };
  /** How often due rows are looked for without a wake(); 1 s by default. */
  pollIntervalMs?: number;
}

export interface OutboxWorker {
  start(): void;
  /** Stops polling and waits for a delivery in flight, at most `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Looks for due rows now (a flow calls it once its transaction committed). */
  wake(): void;
  /** Delivers every row due now, one claim at a time; answers how many rows it handled. Tests drive it. */
  drain(): Promise<number>;
}

/** How long a claim holds a row: the SMTP timeouts plus a minute, so no other sender takes it mid-delivery. */
export const LEASE_MARGIN_MS = 60_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 3_600_000;

/** 30 s × 2^(attempts − 1), at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const { outbox, clock, transport, log } = deps;
  const leaseMs = transport.timeoutMs + LEASE_MARGIN_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let again = false;
  let started = false;
  let stopping = false;

  async function drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const [row] = await outbox.claimDue(new Date(clock.now()), 1, leaseMs);
      if (!row) return handled;
      await deliver(row);
      handled += 1;
      if (stopping) return handled; // the rest waits for the next start (nothing else is claimed)
    }
  }

  async function deliver(row: OutboxRow): Promise<void> {
    let request: MailRequest;
    try {
      request = deps.messages.open(row);
    } catch {
      // sealed under another GATEHOUSE_SECRET, or altered: no retry will open it
      await failed(row, 'the payload does not open (sealed under another GATEHOUSE_SECRET, or altered)', true);
      return;
    }
    try {
      const values = { ...request.values, product_name: deps.settings.productName, app_url: deps.settings.appUrl ?? '' };
      const mail = deps.templates.render(request.kind, values);
      await transport.send({ ...mail, kind: request.kind, from: deps.settings.mailFrom, to: request.to });
    } catch (error) {
      await failed(row, String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 200), false);
      return;
    }
    await outbox.markSent(row.id);
    deps.observe(row.kind, 'sent');
  }

  /** Due again after the backoff, or given up: counted, logged (no payload) and audited. */
  async function failed(row: OutboxRow, error: string, hopeless: boolean): Promise<void> {
    const givenUp = hopeless || row.attempts >= deps.settings.maxAttempts;
    const retryAt = givenUp ? null : new Date(clock.now() + retryDelayMs(row.attempts));
    await outbox.markFailed(row.id, error, retryAt);
    deps.observe(row.kind, givenUp ? 'given_up' : 'failed');
    const facts = { outboxId: row.id, kind: row.kind, attempt: row.attempts, error };
    log.warn({ mail: { ...facts, retryAt: retryAt?.toISOString() ?? null } },
      givenUp ? `mail given up after ${row.attempts} attempt(s)` : 'mail delivery failed; will retry');
    deps.audit(retryAt === null
      ? { type: 'mail_given_up', ...facts, ...auditOrigin(undefined) }
      : { type: 'mail_failed', ...facts, retryAt: retryAt.toISOString(), ...auditOrigin(undefined) });
  }

  function run(): void {
    timer = undefined;
    again = false;
    running = drain()
      .catch((error: unknown) => log.warn({ err: error }, 'mail outbox: could not claim rows (store unavailable?); retrying'))
      .finally(() => {
        running = undefined;
        if (started) schedule(again ? 0 : deps.pollIntervalMs ?? 1000);
      });
  }

  function schedule(ms: number): void {
    clearTimeout(timer);
    timer = setTimeout(run, ms);
    timer.unref();
  }

  return {
    drain,
    start() {
      if (started) return;
      started = true;
      stopping = false;
      schedule(0);
    },
    wake() {
      if (!started) return;
      if (running) again = true;
      else schedule(0);
    },
    async stop(timeoutMs = 5000) {
      started = false;
      stopping = true;
      clearTimeout(timer);
      timer = undefined;
      if (running) {
        let bound: NodeJS.Timeout | undefined;
        await Promise.race([running, new Promise((resolve) => { bound = setTimeout(resolve, timeoutMs); })]);
        clearTimeout(bound);
      }
      transport.close();
    },
  };
}
