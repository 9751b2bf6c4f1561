// Prometheus metrics on a registry of this app's own (not prom-client's global one, so several
// apps can live in one process): requests by route pattern and status, latency, login and refresh
// outcomes (fed by the audit events), password-hash queue and duration, store failures, mail deliveries
// and the outbox.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import type { AuditEvent } from '../core/audit.js';
import { AuthError } from '../core/errors.js';
import type { PasswordHasher } from '../core/passwords/hasher.js';
import { isWeakHash } from '../core/passwords/hash-formats.js';
import type { OutboxStore } from '../storage/types/outbox.js';

type OutboxCounts = Awaited<ReturnType<OutboxStore['counts']>>;

export type Metrics = ReturnType<typeof createMetrics>;

const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HASH_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every series, registered on `registry` only. */
function defineSeries(registry: Registry, queueDepth: () => number, outboxCounts: () => Promise<OutboxCounts | undefined>) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'gatehouse_http_requests_total', help: 'HTTP answers by route pattern, method and status',
      labelNames: ['method', 'route', 'status_code'] as const, registers,
    }),
    latency: new Histogram({
      name: 'gatehouse_http_request_duration_seconds', help: 'Time from request to answer, by route pattern and method',
      labelNames: ['method', 'route'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers,
    }),
    storeErrors: new Counter({
      name: 'gatehouse_store_errors_total', help: 'Answers 503 store_unavailable: a database or Redis could not be reached',
      labelNames: ['route'] as const, registers,
    }),
    auditEvents: new Counter({ name: 'gatehouse_audit_events_total', help: 'Audit events by type', labelNames: ['type'] as const, registers }),
    logins: new Counter({
      name: 'gatehouse_logins_total', help: 'Login attempts by outcome: success, or the error code answered',
      labelNames: ['outcome'] as const, registers,
    }),
    refreshes: new Counter({
      name: 'gatehouse_refreshes_total', help: 'Refresh attempts by outcome, and the error code for outcome "rejected"',
      labelNames: ['outcome', 'reason'] as const, registers,
    }),
    hashDuration: new Histogram({
      name: 'gatehouse_password_hash_duration_seconds', help: 'Time to hash or verify a password, queue wait included',
      labelNames: ['operation'] as const, buckets: HASH_BUCKETS_SECONDS, registers,
    }),
    hashesShed: new Counter({
      name: 'gatehouse_password_hashes_shed_total', help: 'Hashes refused at once because the hash queue, or the address\'s share of it, was full (503 overloaded)',
      labelNames: ['operation'] as const, registers,
    }),
    weakHashes: new Counter({
      name: 'gatehouse_password_weak_hash_verifications_total',
      help: 'Logins that matched a weak imported hash (salted SHA-256/512), each replaced by argon2id at once (docs/migrating.md)',
      registers,
    }),
    hashQueue: new Gauge({
      name: 'gatehouse_password_hash_queue_depth', help: 'Password hashes waiting for a slot', registers,
      collect() { this.set(queueDepth()); },
    }),
    mails: new Counter({
      name: 'gatehouse_mail_deliveries_total', help: 'Mail delivery attempts by kind and outcome: sent, failed (retried later) or given_up',
      labelNames: ['kind', 'outcome'] as const, registers,
    }),
    outbox: new Gauge({
      name: 'gatehouse_mail_outbox_messages', help: 'Outbox rows by state: pending (still to deliver) or failed (given up)',
      labelNames: ['state'] as const, registers,
      // read at each scrape; a store that is down leaves the last values
      async collect() {
        const counts = await outboxCounts().catch(() => undefined);
        if (counts) for (const state of ['pending', 'failed'] as const) this.set({ state }, counts[state]);
      },
    }),
  };
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let queueDepth = () => 0;
  let outboxCounts: () => Promise<OutboxCounts | undefined> = async () => undefined;
  const series = defineSeries(registry, () => queueDepth(), () => outboxCounts());
  const { requests, latency, storeErrors, auditEvents, logins, refreshes, hashDuration, hashesShed, mails, weakHashes } = series;

  /** Audit sink: counts every event, and logins and refreshes by outcome. */
  function observeAudit(event: AuditEvent): void {
    auditEvents.inc({ type: event.type });
    if (event.type === 'login_succeeded') logins.inc({ outcome: 'success' });
    else if (event.type === 'login_failed') logins.inc({ outcome: event.reason });
    else if (event.type === 'refresh') refreshes.inc({ outcome: event.outcome, reason: event.reason ?? '' });
  }

  /** The same hasher, timed (a shed hash is counted instead); its queue depth is read at each scrape. */
  function instrumentHasher(hasher: PasswordHasher): PasswordHasher {
    queueDepth = () => hasher.queueDepth();
    const timed = <A extends unknown[], R>(operation: string, run: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const stop = hashDuration.startTimer({ operation });
        try {
          const result = await run(...args);
          stop();
          return result;
        } catch (error) {
          if (error instanceof AuthError && error.code === 'overloaded') hashesShed.inc({ operation });
          else stop();
          throw error;
        }
      };
    return {
      ...hasher,
      hash: timed('hash', (password: string, source?: string) => hasher.hash(password, source)),
      verify: timed('verify', async (hash: string, password: string, source?: string) => {
        const outcome = await hasher.verify(hash, password, source);
        if (outcome.ok && isWeakHash(hash)) weakHashes.inc(); // its rehash follows (core/login/password-check.ts)
        return outcome;
      }),
      verifyDummy: timed('verify', (password: string, source?: string) => hasher.verifyDummy(password, source)),
    };
  }

  /** Counts every answer by the route's pattern (never the raw URL, which would explode the series). */
  function registerHooks(app: FastifyInstance): void {
    // callback style: no promise per request on the hot path
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      requests.inc({ method: request.method, route, status_code: String(reply.statusCode) });
      latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
      // 503 is also `overloaded`, the one that carries Retry-After: the hash queue shed it, no store failed
      if (reply.statusCode === 503 && !reply.hasHeader('retry-after')) storeErrors.inc({ route });
      done();
    });
  }

  /** Counts one delivery attempt of the mail sender (jobs/outbox-worker.ts). */
  function observeMail(kind: string, outcome: 'sent' | 'failed' | 'given_up'): void {
    mails.inc({ kind, outcome });
  }

  /** Where the outbox gauge reads its counts at each scrape. */
  function watchOutbox(counts: () => Promise<OutboxCounts>): void {
    outboxCounts = counts;
  }

  return { registry, observeAudit, instrumentHasher, registerHooks, observeMail, watchOutbox };
}
