// The sweeper: one job deletes what expired in every expiring table (docs/architecture.md,
// "Stores"): login challenges, one-time mail tokens, WebAuthn challenges, federation tickets,
// sessions, audit events past AUDIT_RETENTION and the webhook delivery log. It runs once the app is ready, then every ten minutes or so (jittered, so instances
// started together do not sweep together), and stops when the app closes.
import type { Clock } from '../core/clock.js';
import type { Stores } from '../storage/types/stores.js';
import { sweepAuditLog, sweepWebhookDeliveries } from './audit-retention.js';

/** One expiring table: its name in logs and what deletes its expired rows, answering how many. */
export interface SweepTarget {
  name: string;
  sweep(now: Date): Promise<number>;
}

export type SweepCounts = Record<string, number>;

export interface Sweeper {
  start(): void;
  /** Stops the timer and waits for a sweep in flight. */
  stop(): Promise<void>;
  /** Sweeps now (when started), then goes on at the interval. */
  wake(): void;
  /** One sweep of every target; a target that fails is logged and counts 0, the others still run. */
  sweepOnce(): Promise<SweepCounts>;
  readonly running: boolean;
}

export interface SweeperDeps {
  targets: readonly SweepTarget[];
  clock: Clock;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  intervalMs?: number;
  /** [0, 1): the jitter's draw (Math.random). */
  random?: () => number;
}

export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Every expiring table of the stores. Redis expires its sessions itself (its deleteExpired answers
 * 0). `auditRetentionSeconds` is absent under AUDIT_LOG=off: nothing is stored, nothing to sweep.
 */
export function sweepTargets(stores: Stores, auditRetentionSeconds?: number): SweepTarget[] {
  const audit = auditRetentionSeconds === undefined ? []
    : [{ name: 'auditEvents', sweep: (now: Date) => sweepAuditLog(stores.audit, now, auditRetentionSeconds) }];
  return [
    ...audit,
    { name: 'webhookDeliveries', sweep: (now) => sweepWebhookDeliveries(stores.webhooks, now) },
    { name: 'loginChallenges', sweep: (now) => stores.loginChallenges.deleteExpired(now) },
    { name: 'oneTimeTokens', sweep: (now) => stores.oneTimeTokens.deleteExpired(now) },
    { name: 'webauthnChallenges', sweep: (now) => stores.webauthnChallenges.deleteExpired(now) },
    { name: 'federationTickets', sweep: (now) => stores.federation.deleteExpiredTickets(now) },
    { name: 'sessions', sweep: (now) => stores.sessions.deleteExpired(now) },
  ];
}

export function createSweeper(deps: SweeperDeps): Sweeper {
  const intervalMs = deps.intervalMs ?? SWEEP_INTERVAL_MS;
  const random = deps.random ?? Math.random;
  const state = { started: false, timer: undefined as NodeJS.Timeout | undefined, inFlight: undefined as Promise<unknown> | undefined };

  async function sweepOnce(): Promise<SweepCounts> {
    const now = new Date(deps.clock.now());
    const counts: SweepCounts = {};
    for (const target of deps.targets) {
      counts[target.name] = await target.sweep(now).catch((err: unknown) => {
        deps.log.warn({ err, table: target.name }, 'sweeper: could not delete expired rows (store unavailable?); trying again later');
        return 0;
      });
    }
    if (Object.values(counts).some((n) => n > 0)) deps.log.info({ swept: counts }, 'sweeper: deleted expired rows');
    return counts;
  }

  function schedule(ms: number): void {
    clearTimeout(state.timer);
    state.timer = setTimeout(run, ms);
    state.timer.unref();
  }

  function run(): void {
    if (!state.started || state.inFlight) return;
    state.inFlight = sweepOnce().finally(() => {
      state.inFlight = undefined;
      if (state.started) schedule(intervalMs * (0.8 + 0.4 * random()));
    });
  }

  return {
    sweepOnce,
    get running() {
      return state.started;
    },
    start() {
      if (state.started) return;
      state.started = true;
      run();
    },
    wake() {
      if (state.started) schedule(0);
    },
    async stop() {
      state.started = false;
      clearTimeout(state.timer);
      await state.inFlight;
    },
  };
}
