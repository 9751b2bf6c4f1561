// Shared steps of the mail-flow tests.
import type { TestApp } from '../../../helpers.js';

/** The outbox's counts once the sender has nothing in flight (it deletes a row after the SMTP server took it). */
export async function outboxSettled(t: Pick<TestApp, 'stores' | 'mail'>): Promise<{ pending: number; failed: number }> {
  let counts = await t.stores.outbox.counts();
  for (let tries = 0; counts.pending > 0 && tries < 100; tries++) {
    await t.mail.worker?.drain();
    await new Promise((resolve) => setTimeout(resolve, 20));
    counts = await t.stores.outbox.counts();
  }
  return counts;
}
