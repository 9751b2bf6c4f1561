// Load measurements with autocannon over loopback: throughput, latency percentiles and failures.
// Latencies are recorded here from every 2xx answer (autocannon's own histogram keeps whole
// milliseconds). A paired measurement alternates short slices of a case and of the ceiling, so a
// machine whose speed drifts during the run slows both alike and their ratio stays meaningful.
import autocannon, { type Options } from 'autocannon';

export interface Measurement {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, socket errors and timeouts together: a clean run has none. */
  failures: number;
  statusCounts: Record<string, number>;
  /**
   * Answers per second between the first and the last answer of each run: leaves out the time a
   * slow route (login) needs before its first answer arrives, which would weigh on short slices.
   */
  steadyRps: number;
}

/** One autocannon run, with the latency of every 2xx answer kept for percentiles. */
interface Sample {
  seconds: number;
  /** performance.now() of the first and the last 2xx answer. */
  firstAt: number;
  lastAt: number;
  latencies: number[];
  failures: number;
  statusCounts: Record<string, number>;
}

export type LoadOptions = Omit<Options, 'url'>;

/** Timing of a bench run: BENCH_SECONDS per case and BENCH_WARMUP_SECONDS of warm-up before it. */
export const timing = {
  seconds: positiveNumber('BENCH_SECONDS', 10),
  warmupSeconds: positiveNumber('BENCH_WARMUP_SECONDS', 3),
};

/** Slices per paired measurement: each side gets BENCH_SECONDS in total. */
export const PAIRED_SLICES = 5;

export async function measure(url: string, options: LoadOptions): Promise<Measurement> {
  return summarise([await sample(url, options)]);
}

/** A warm-up (discarded) and then the measured run, with the same load. */
export async function warmAndMeasure(url: string, options: LoadOptions): Promise<Measurement> {
  await sample(url, { ...options, duration: timing.warmupSeconds });
  return measure(url, { ...options, duration: timing.seconds });
}

export interface Paired {
  subject: Measurement;
  reference: Measurement;
}

export interface Side {
  url: string;
  options: LoadOptions;
  /** Called after each slice (the refresh case drops the sessions a stopped run left in flight). */
  afterSlice?: () => void;
}

/** Case and reference measured in alternating slices after a warm-up of each; BENCH_SECONDS each. */
export async function measurePaired(subject: Side, reference: Side): Promise<Paired> {
  const run = async (side: Side, duration: number, into?: Sample[]) => {
    const result = await sample(side.url, { ...side.options, duration });
    side.afterSlice?.();
    into?.push(result);
  };
  await run(subject, timing.warmupSeconds);
  await run(reference, timing.warmupSeconds);
  const subjectSamples: Sample[] = [];
  const referenceSamples: Sample[] = [];
  const slice = timing.seconds / PAIRED_SLICES;
  for (let i = 0; i < PAIRED_SLICES; i++) {
    // ABBA order: neither side always runs first after the other.
    const [first, second] = i % 2 === 0 ? [subject, reference] : [reference, subject];
    await run(first, slice, first === subject ? subjectSamples : referenceSamples);
    await run(second, slice, second === subject ? subjectSamples : referenceSamples);
  }
  return { subject: summarise(subjectSamples), reference: summarise(referenceSamples) };
}

/** Slices of `side` alternating with slices of `reference` (any async measurement of a rate). */
export async function measureAlternating(
  side: Side, reference: (seconds: number) => Promise<number>,
): Promise<{ subject: Measurement; referenceRate: number }> {
  await sample(side.url, { ...side.options, duration: timing.warmupSeconds });
  const samples: Sample[] = [];
  const rates: number[] = [];
  const slice = timing.seconds / PAIRED_SLICES;
  for (let i = 0; i < PAIRED_SLICES; i++) {
    if (i % 2 === 1) samples.push(await sample(side.url, { ...side.options, duration: slice }));
    rates.push(await reference(slice));
    if (i % 2 === 0) samples.push(await sample(side.url, { ...side.options, duration: slice }));
  }
  const referenceRate = Math.round((rates.reduce((a, b) => a + b, 0) / rates.length) * 10) / 10;
  return { subject: summarise(samples), referenceRate };
}

async function sample(url: string, options: LoadOptions): Promise<Sample> {
  const latencies: number[] = [];
  let firstAt = 0;
  let lastAt = 0;
  const instance = autocannon({ url, timeout: 10, ...options });
  instance.on('response', (_client, status, _bytes, latencyMs) => {
    if (status < 200 || status >= 300) return;
    latencies.push(latencyMs);
    lastAt = performance.now();
    if (firstAt === 0) firstAt = lastAt;
  });
  const result = await instance;
  const statusCounts: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats)) statusCounts[status] = count;
  const failures = result.non2xx + result.errors + result.timeouts;
  return { seconds: result.duration, firstAt, lastAt, latencies, failures, statusCounts };
}

function summarise(samples: Sample[]): Measurement {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const statusCounts: Record<string, number> = {};
  for (const s of samples) {
    for (const [status, n] of Object.entries(s.statusCounts)) statusCounts[status] = (statusCounts[status] ?? 0) + n;
  }
  const intervals = samples.reduce((sum, s) => sum + Math.max(0, s.latencies.length - 1), 0);
  const spanMs = samples.reduce((sum, s) => sum + (s.lastAt - s.firstAt), 0);
  return {
    requests: latencies.length,
    seconds: Math.round(seconds * 100) / 100,
    rps: Math.round(latencies.length / seconds),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failures: samples.reduce((sum, s) => sum + s.failures, 0),
    statusCounts,
    steadyRps: spanMs > 0 ? Math.round((intervals / spanMs) * 10_000) / 10 : 0,
  };
}

/** Nearest-rank percentile of sorted values, in ms to 0.01. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return Math.round(value * 100) / 100;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number of seconds; got "${raw}"`);
  return value;
}
