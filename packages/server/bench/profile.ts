// `node dist/bench/profile.js`: Gatehouse under `node --cpu-prof` while one case is loaded as in
// the bench (BENCH_PROFILE_CASE: me, the default, refresh, login, sso (the SSO code flow, each
// flow two requests), or verify: then the profiled process is the gatehouse/verify resource server, not Gatehouse), then the self time of the
// measured window summed by area and by function. BENCH_PROFILE_INTERVAL sets the sampling
// interval in µs (V8's default is 1000; login's short bursts of loop work want ~50).
// BENCH_PROFILE_STORE=postgres|redis runs Gatehouse on a store variant of the bench (POSTGRES_URL,
// REDIS_URL as for `npm run bench`) instead of the embedded SQLite. The profile stays in
// BENCH_PROFILE_DIR (default /tmp/gatehouse-prof); it is not part of the results. `profile.js FILE`
// summarises a profile.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, stopAll, stopChild, type Child } from './lib/children.js';
import { BENCH_ACCESS_KEY, BENCH_PASSWORD, fetchMe, loginMany, registerUser, startGatehouse, startNodeOptions } from './lib/gatehouse.js';
import { CONNECTIONS, LOGIN_CONNECTIONS } from './lib/cases.js';
import { measure, timing, type LoadOptions } from './lib/load.js';
import { RefreshChains } from './lib/refresh-chains.js';
import { summariseProfile, type SelfTime } from './lib/cpu-profile.js';
import { storeVariants, type StoreVariant } from './lib/store-variants.js';
import { startSsoGatehouse } from './lib/sso-case.js';

const PROFILE_DIR = process.env.BENCH_PROFILE_DIR ?? '/tmp/gatehouse-prof';
const CASE = process.env.BENCH_PROFILE_CASE ?? 'me';
const TOP = Number(process.env.BENCH_PROFILE_TOP ?? 25);
const INTERVAL = process.env.BENCH_PROFILE_INTERVAL;
const STORE = process.env.BENCH_PROFILE_STORE;

interface ProfiledRun {
  path: string;
  /** The measured window, in ms after the child was started. */
  fromMs: number;
  toMs: number;
  requests: number;
}

async function loadFor(gatehouse: Child): Promise<{ path: string; options: LoadOptions }> {
  const { access_token: accessToken } = await registerUser(gatehouse.url, 'bench_user');
  const headers = { authorization: `Bearer ${accessToken}` };
  if (CASE === 'me' || CASE === 'verify') return { path: '/users/me', options: { connections: CONNECTIONS, headers } };
  if (CASE === 'login') {
    const body = JSON.stringify({ username: 'bench_user', password: BENCH_PASSWORD });
    return { path: '/auth/login', options: { connections: LOGIN_CONNECTIONS, method: 'POST', headers: { 'content-type': 'application/json' }, body } };
  }
  if (CASE !== 'refresh') throw new TypeError(`BENCH_PROFILE_CASE must be me, refresh, login, sso or verify; got "${CASE}"`);
  const chains = new RefreshChains(await loginMany(gatehouse.url, 'bench_user', CONNECTIONS * 4));
  return { path: '/auth/refresh', options: { connections: CONNECTIONS, requests: chains.requests() } };
}

async function profileCase(): Promise<ProfiledRun> {
  const runDir = mkdtempSync(join(PROFILE_DIR, 'run-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-prof-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true })); // also when interrupted
  let spawnedAt = performance.now(); // of the profiled process
  let window: Omit<ProfiledRun, 'path'>;
  const variant = STORE ? await storeVariant(STORE) : undefined;
  try {
    const profiling = ['--cpu-prof', '--cpu-prof-dir', runDir, ...(INTERVAL ? ['--cpu-prof-interval', INTERVAL] : [])];
    const sso = CASE === 'sso' ? await startSsoGatehouse(dataDir, profiling) : undefined;
    const gatehouse = sso?.child ?? await startGatehouse(dataDir, { nodeArgs: CASE === 'verify' ? [] : profiling, env: variant?.env });
    const { path, options } = sso ? { path: '', options: sso.side({ withoutIdToken: 0 }).options } : await loadFor(gatehouse);
    if (CASE === 'verify') spawnedAt = performance.now();
    const target = CASE === 'verify' ? await startResource(gatehouse, options, profiling) : gatehouse;
    await measure(`${target.url}${path}`, { ...options, duration: timing.warmupSeconds });
    const fromMs = performance.now() - spawnedAt;
    const load = await measure(`${target.url}${path}`, { ...options, duration: timing.seconds });
    window = { fromMs, toMs: performance.now() - spawnedAt, requests: load.requests };
    console.log(`${target.name} ${path} under --cpu-prof: ${load.rps} req/s, p99 ${load.p99Ms} ms, ${options.connections} connections`);
    await stopChild(target); // SIGTERM: the server closes and the profile is written on exit
  } finally {
    await stopAll();
    await variant?.drop();
  }
  const file = readdirSync(runDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${runDir}`);
  return { path: join(runDir, file), ...window };
}

/** The bench's store variant `id`, for which POSTGRES_URL or REDIS_URL must be set. */
async function storeVariant(id: string): Promise<StoreVariant> {
  const variants = await storeVariants();
  const variant = variants.find((v) => v.id === id);
  await Promise.all(variants.filter((v) => v !== variant).map((v) => v.drop()));
  if (!variant) throw new TypeError(`BENCH_PROFILE_STORE=${id} needs ${id === 'redis' ? 'REDIS_URL' : 'POSTGRES_URL'} set (postgres or redis)`);
  return variant;
}

/** The bench's verify-only resource server, answering what Gatehouse's /users/me answers. */
async function startResource(gatehouse: Child, options: LoadOptions, nodeArgs: string[]): Promise<Child> {
  const authorization = (options.headers as Record<string, string>).authorization!;
  const body = await fetchMe(gatehouse.url, authorization.slice('Bearer '.length));
  const script = fileURLToPath(new URL('./servers/resource.js', import.meta.url));
  return startChild('resource', script, { nodeArgs: [...startNodeOptions(), ...nodeArgs], env: { BENCH_BODY: body, GATEHOUSE_ACCESS_KEY: BENCH_ACCESS_KEY } });
}

function print(title: string, rows: SelfTime[], requests: number): void {
  console.log(`\n${title}\n| self ms | % of busy | µs per request | |\n|---:|---:|---:|---|`);
  for (const row of rows.slice(0, TOP)) {
    console.log(`| ${row.ms} | ${row.percent} | ${requests ? ((row.ms * 1000) / requests).toFixed(1) : '—'} | ${row.name} |`);
  }
}

mkdirSync(PROFILE_DIR, { recursive: true });
const run = process.argv[2] ? { path: process.argv[2], fromMs: 0, toMs: Infinity, requests: 0 } : await profileCase();
const summary = summariseProfile(run.path, run.fromMs, run.toMs);
const perRequest = run.requests ? `, ${((summary.busyMs * 1000) / run.requests).toFixed(1)} µs of main-thread time per request` : '';
console.log(`\n${run.path}: ${summary.totalMs} ms sampled in the measured window, ${summary.busyMs} ms busy${perRequest}`);
print('Self time by area', summary.byArea, run.requests);
print('Self time by function', summary.byFunction, run.requests);
