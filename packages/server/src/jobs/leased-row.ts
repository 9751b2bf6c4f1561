// A claimed row's delivery under its lease: the claim holds the row for LEASE_MS, and while the
// delivery runs the lease is moved forward every third of it, so a live instance keeps its rows
// however slow the receiver, and a killed instance's rows are due again within LEASE_MS.
import type { pino } from 'pino';
import type { Clock } from '../core/clock.js';
import type { OutboxRow, OutboxStore } from '../storage/types/outbox.js';
import type { Deliverer } from './deliverer.js';

/** How long a claim holds a row without renewal: a dead instance's rows go out again after it. */
export const LEASE_MS = 20_000;
const RENEW_EVERY_MS = LEASE_MS / 3;

export async function deliverLeased(
  deps: { outbox: Pick<OutboxStore, 'renewLease'>; clock: Clock; log: Pick<pino.Logger, 'warn'> }, deliverer: Deliverer, row: OutboxRow,
): Promise<void> {
  let leaseEnd = row.nextAttemptAt;
  let held = true;
  const renew = async () => {
    const newEnd = new Date(deps.clock.now() + LEASE_MS);
    if (!held || newEnd.getTime() <= leaseEnd.getTime()) return;
    try {
      if (await deps.outbox.renewLease(row.id, leaseEnd, newEnd)) leaseEnd = newEnd;
    } catch (error) {
      deps.log.warn({ err: error, outboxId: row.id }, 'job outbox: could not renew a lease; the delivery goes on');
    }
  };
  const timer = setInterval(() => void renew(), RENEW_EVERY_MS);
  timer.unref();
  try {
    await deliverer.deliver(row);
  } finally {
    held = false;
    clearInterval(timer);
  }
}
