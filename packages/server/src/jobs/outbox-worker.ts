// The job outbox's worker (docs/email.md, "The sender"; docs/architecture.md, "Events"): for each
// channel it claims due rows under a short lease, renewed while a delivery runs, and runs up to
// the channel's concurrency at once (leased-row.ts). Polls about every second while started; wake()
// looks at once, so a row a request just committed goes out without waiting for the poll.
import type { pino } from 'pino';
import type { Clock } from '../core/clock.js';
import type { OutboxStore } from '../storage/types/outbox.js';
import type { Deliverer } from './deliverer.js';
import { deliverLeased, LEASE_MS } from './leased-row.js';

export interface OutboxWorkerDeps {
  outbox: Pick<OutboxStore, 'claimDue' | 'renewLease'>;
  clock: Clock;
  log: Pick<pino.Logger, 'warn'>;
  deliverers: readonly Deliverer[];
  /** How often due rows are looked for without a wake(); 1 s by default. */
  pollIntervalMs?: number;
}

export interface OutboxWorker {
  start(): void;
  /** Stops polling and waits for the deliveries in flight, at most `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** Looks for due rows now (a flow calls it once its transaction committed). */
  wake(): void;
  /** Delivers every row due now, every channel; answers how many rows it handled. Tests drive it. */
  drain(): Promise<number>;
}

/**
 * One channel's slots: claims as many rows as it has free slots, once at least a quarter of them
 * are free (or none is busy), so a busy channel claims in batches, one statement for many rows,
 * rather than a row each time a delivery ends.
 */
function createLane(deps: OutboxWorkerDeps, deliverer: Deliverer, running: () => boolean) {
  const inFlight = new Set<Promise<void>>();
  const lane = { pumping: false, again: false, inFlight };

  const batch = Math.max(1, Math.floor(deliverer.concurrency / 4));
  async function fill(): Promise<number> {
    const free = deliverer.concurrency - inFlight.size;
    if (free <= 0 || (inFlight.size > 0 && free < batch)) return 0;
    const rows = await deps.outbox.claimDue(new Date(deps.clock.now()), free, LEASE_MS, deliverer.channel);
    for (const row of rows) {
      const delivery: Promise<void> = deliverLeased(deps, deliverer, row)
        .catch((error: unknown) => deps.log.warn({ err: error, channel: deliverer.channel }, 'job outbox: could not record a delivery (store unavailable?)'))
        .finally(() => {
          inFlight.delete(delivery);
          if (running()) void pump();
        });
      inFlight.add(delivery);
    }
    return rows.length;
  }

  async function pump(): Promise<void> {
    if (lane.pumping) {
      lane.again = true;
      return;
    }
    lane.pumping = true;
    try {
      do {
        lane.again = false;
        const claimed = await fill();
        if (claimed > 0 && deliverer.concurrency - inFlight.size >= batch) lane.again = true; // more may be due
      } while (lane.again && running());
    } catch (error) {
      deps.log.warn({ err: error, channel: deliverer.channel }, 'job outbox: could not claim rows (store unavailable?); trying again');
    } finally {
      lane.pumping = false;
    }
  }

  /** Every row due now, `concurrency` at a time, whether or not the worker runs. */
  async function drain(stopping: () => boolean): Promise<number> {
    let handled = 0;
    for (;;) {
      const rows = await deps.outbox.claimDue(new Date(deps.clock.now()), deliverer.concurrency, LEASE_MS, deliverer.channel);
      if (rows.length === 0) return handled;
      await Promise.all(rows.map((row) => deliverLeased(deps, deliverer, row)));
      handled += rows.length;
      if (stopping()) return handled;
    }
  }

  return { pump, drain, inFlight };
}

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const state = { started: false, stopping: false, timer: undefined as NodeJS.Timeout | undefined };
  const lanes = deps.deliverers.map((deliverer) => createLane(deps, deliverer, () => state.started));
  const pumpAll = () => {
    for (const lane of lanes) void lane.pump();
  };

  return {
    async drain() {
      const counts = await Promise.all(lanes.map((lane) => lane.drain(() => state.stopping)));
      return counts.reduce((sum, n) => sum + n, 0);
    },
    start() {
      if (state.started) return;
      Object.assign(state, { started: true, stopping: false });
      state.timer = setInterval(pumpAll, deps.pollIntervalMs ?? 1000);
      state.timer.unref();
      pumpAll();
    },
    wake() {
      if (state.started) pumpAll();
    },
    async stop(timeoutMs = 5000) {
      Object.assign(state, { started: false, stopping: true });
      clearInterval(state.timer);
      const inFlight = lanes.flatMap((lane) => [...lane.inFlight]);
      if (inFlight.length > 0) await boundedWait(Promise.all(inFlight).then(() => undefined), timeoutMs);
      for (const deliverer of deps.deliverers) deliverer.close();
    },
  };
}

async function boundedWait(work: Promise<void>, timeoutMs: number): Promise<void> {
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => { bound = setTimeout(resolve, timeoutMs); })]);
  clearTimeout(bound);
}
