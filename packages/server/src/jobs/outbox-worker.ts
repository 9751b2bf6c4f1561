// The mail sender (docs/email.md, "The sender"): claims due outbox rows one at a time under a
// lease and delivers each (outbox-delivery.ts). Polls about every second while started; wake()
// looks at once, so a mail a request just committed goes out without waiting for the poll.
import { createDelivery, type DeliveryDeps } from './outbox-delivery.js';

export interface OutboxWorkerDeps extends DeliveryDeps {
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

/** How long a claim holds a row beyond the SMTP timeouts, so no other sender takes it mid-delivery. */
const LEASE_MARGIN_MS = 60_000;

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const deliver = createDelivery(deps);
  const leaseMs = deps.transport.timeoutMs + LEASE_MARGIN_MS;
  const state = { started: false, stopping: false, again: false, timer: undefined as NodeJS.Timeout | undefined, running: undefined as Promise<void> | undefined };

  async function drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      // one row per claim: a sender that stops holds nothing it will not deliver
      const [row] = await deps.outbox.claimDue(new Date(deps.clock.now()), 1, leaseMs);
      if (!row) return handled;
      await deliver(row);
      handled += 1;
      if (state.stopping) return handled;
    }
  }

  function run(): void {
    state.timer = undefined;
    state.again = false;
    state.running = drain().then(() => undefined, (error: unknown) => {
      deps.log.warn({ err: error }, 'mail outbox: could not claim or update rows (store unavailable?); trying again');
    }).finally(() => {
      state.running = undefined;
      if (state.started) schedule(state.again ? 0 : deps.pollIntervalMs ?? 1000);
    });
  }

  function schedule(ms: number): void {
    clearTimeout(state.timer);
    state.timer = setTimeout(run, ms);
    state.timer.unref();
  }

  return {
    drain,
    start() {
      if (state.started) return;
      Object.assign(state, { started: true, stopping: false });
      schedule(0);
    },
    wake() {
      if (!state.started) return;
      if (state.running) state.again = true;
      else schedule(0);
    },
    async stop(timeoutMs = 5000) {
      Object.assign(state, { started: false, stopping: true });
      clearTimeout(state.timer);
      if (state.running) await boundedWait(state.running, timeoutMs);
      deps.transport.close();
    },
  };
}

async function boundedWait(work: Promise<void>, timeoutMs: number): Promise<void> {
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => { bound = setTimeout(resolve, timeoutMs); })]);
  clearTimeout(bound);
}
