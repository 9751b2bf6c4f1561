// An imported bcrypt hash is checked off the event loop (security finding 5): while a cost-12
// verify runs, timers and setImmediate keep firing, and the loop's lag stays small next to the
// verify's own time. Ratios only: the machine's speed sets both sides. bcryptjs, on the loop, gave
// 7 turns in 680 ms and a median lag of 100 ms; the native binding 350 000 turns and 1 ms, with the
// machine's two cores shared by ten runnable processes (a load that also puts its worst lags at 30-60 ms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPasswordHasher } from '../../../src/core/passwords/hasher.js';

const PASSWORD = 'correct horse battery staple';
/** PASSWORD at cost 12 (2^12 rounds), made once by bcryptjs: what an older system would have stored. */
const COST_12 = '$2b$12$9vp1CSWdLf956lnWy771EeMv0NJfKMMoJ9RGwzMbgOOB/dU.cH3My';

/** Runs `work` while counting setImmediate turns and sampling the loop's delay every millisecond. */
async function whileLooping<T>(work: () => Promise<T>): Promise<{ result: T; elapsedMs: number; turns: number; medianLagMs: number }> {
  const lag = monitorEventLoopDelay({ resolution: 1 });
  let turns = 0;
  let spinning = true;
  const spin = () => {
    turns++;
    if (spinning) setImmediate(spin);
  };
  lag.enable();
  setImmediate(spin);
  const started = performance.now();
  try {
    const result = await work();
    return { result, elapsedMs: performance.now() - started, turns, medianLagMs: lag.percentile(50) / 1e6 };
  } finally {
    spinning = false;
    lag.disable();
  }
}

test('a cost-12 bcrypt verify leaves the event loop free: it keeps turning, and its lag stays small next to the verify time', async () => {
  const hasher = await createPasswordHasher({ maxConcurrent: 1 });
  for (const password of [PASSWORD, 'wrong password']) {
    const { result, elapsedMs, turns, medianLagMs } = await whileLooping(() => hasher.verify(COST_12, password));
    assert.deepEqual(result, { ok: password === PASSWORD, needsRehash: password === PASSWORD });
    const seen = `verify ${elapsedMs.toFixed(1)} ms, ${turns} turns, median lag ${medianLagMs.toFixed(1)} ms`;
    assert.ok(turns >= elapsedMs, `the loop turned less than once a millisecond: ${seen}`);
    // The median, not the maximum: on a shared machine the scheduler alone can hold the loop for a while.
    assert.ok(medianLagMs < elapsedMs / 20, `the loop's typical lag is a twentieth of the verify or more: ${seen}`);
  }
});
