// `npm run bench:scale`: login, refresh and /users/me on a database of 1 k users and sessions and
// on one of BENCH_SCALE_ROWS (1 M by default), each case measured on both in alternating slices;
// and the admin console's user list, a search and a user page (bench/lib/console-case.ts).
// Target (docs/benchmarks.md): each figure at the large size within 1.2 × of the small one (the
// console's within 1.5 ×). BENCH_SCALE_ONLY=console measures the console's cases on SQLite alone. It also
// imports BENCH_SCALE_ROWS generated users with `gatehouse user import` into a fresh SQLite
// database (bench/lib/import-case.ts), against the import target in users per second. With POSTGRES_URL
// and/or REDIS_URL set, the same again on PostgreSQL + Redis sessions (or whichever is set).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopAll, stopChild } from './lib/children.js';
import { loginMany, registerUser, startGatehouse } from './lib/gatehouse.js';
import { measurePaired, timing, type Measurement, type Side } from './lib/load.js';
import { RefreshChains } from './lib/refresh-chains.js';
import { markdownTable } from './lib/report.js';
import { seedDatabase, seedStores, type SeedResult } from './lib/seed.js';
import { IMPORT_TARGET_USERS_PER_SECOND, measureImport } from './lib/import-case.js';
import { productionVariant, type StoreVariant } from './lib/store-variants.js';
import { loginSide, meSide, refreshSide, REFRESH_POOL, type GatehouseTarget } from './lib/cases.js';
import { CONSOLE_CASES, consoleCookie, consoleSide, prepareConsole, type ConsoleCase, type ConsoleTarget } from './lib/console-case.js';

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results', import.meta.url));
// Both sizes are measured in alternating slices (load.ts), so drift on the machine hits both alike.
const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_SCALE_ROWS ?? 1_000_000);
const MAX_SLOWDOWN = 1.2;
const MAX_CONSOLE_SLOWDOWN = 1.5;
const USERNAME = 'bench_user';
const ONLY_CONSOLE = process.env.BENCH_SCALE_ONLY === 'console';
const CORE_CASES = ['GET /users/me', 'POST /auth/refresh', 'POST /auth/login'] as const;
const CASES: ReadonlyArray<(typeof CORE_CASES)[number] | ConsoleCase> = ONLY_CONSOLE ? CONSOLE_CASES : [...CORE_CASES, ...CONSOLE_CASES];
const isConsole = (name: string): name is ConsoleCase => (CONSOLE_CASES as readonly string[]).includes(name);
const targetOf = (name: string) => (isConsole(name) ? MAX_CONSOLE_SLOWDOWN : MAX_SLOWDOWN);

interface Size {
  rows: number;
  seed: SeedResult;
  target: GatehouseTarget;
  chains: RefreshChains;
  console: ConsoleTarget;
}

interface Comparison {
  name: (typeof CASES)[number];
  small: Measurement;
  large: Measurement;
  /** req/s at the small size divided by req/s at the large one. */
  slowdown: number;
}

const count = (n: number) => n.toLocaleString('en-US');
const log = (line: string) => process.stderr.write(`${line}\n`);

async function prepare(rows: number, dirs: string[], variant?: StoreVariant): Promise<Size> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-scale-'));
  dirs.push(dataDir);
  log(`  seeding ${count(rows)} users and sessions${variant ? ` (${variant.label})` : ''}…`);
  const seed = variant ? await seedStores(variant.env, dataDir, rows) : await seedDatabase(dataDir, rows);
  log(`  seeded in ${seed.seconds} s${variant ? '' : ` (${seed.databaseMb} MB)`}`);
  const user = await prepareConsole(variant?.env.DATABASE_URL || `sqlite:${join(dataDir, 'gatehouse.db')}`, rows);
  const gatehouse = await startGatehouse(dataDir, { env: variant?.env });
  const { access_token: accessToken } = await registerUser(gatehouse.url, USERNAME);
  const chains = new RefreshChains(await loginMany(gatehouse.url, USERNAME, ONLY_CONSOLE ? 1 : REFRESH_POOL));
  const consoleTarget = { url: gatehouse.url, cookie: await consoleCookie(gatehouse.url), user };
  return { rows, seed, target: { gatehouse, accessToken, username: USERNAME }, chains, console: consoleTarget };
}

function side(name: Comparison['name'], size: Size): Side {
  if (isConsole(name)) return consoleSide(name, size.console);
  if (name === 'GET /users/me') return meSide(size.target);
  if (name === 'POST /auth/refresh') return refreshSide(size.target, size.chains);
  return loginSide(size.target);
}

function formatComparisons(results: Comparison[]): string {
  const header = ['case', `req/s at ${count(SMALL)}`, `req/s at ${count(LARGE)}`, 'p99 ms (small → large)', 'slowdown', 'target', ''];
  return markdownTable(header, results.map((r) => [
    r.name, String(r.small.rps), String(r.large.rps), `${r.small.p99Ms} → ${r.large.p99Ms}`, `${r.slowdown.toFixed(2)} ×`,
    `≤ ${targetOf(r.name)} ×`, r.slowdown <= targetOf(r.name) ? 'pass' : 'FAIL',
  ]));
}

/** Each case on the large size in slices alternating with the small one. */
async function compare(small: Size, large: Size): Promise<Comparison[]> {
  const results: Comparison[] = [];
  for (const name of CASES) {
    log(`  ${name}, ${count(LARGE)} rows paired with ${count(SMALL)}…`);
    const { subject: l, reference: s } = await measurePaired(side(name, large), side(name, small));
    results.push({ name, small: s, large: l, slowdown: Math.round((s.rps / Math.max(l.rps, 1)) * 100) / 100 });
  }
  await Promise.all([stopChild(small.target.gatehouse), stopChild(large.target.gatehouse)]);
  return results;
}

/** The same on the production stores the URLs name; each size in its own fresh schema and key prefix. */
async function compareOnStores(dirs: string[]) {
  const variants: StoreVariant[] = [];
  try {
    const smallVariant = await productionVariant();
    if (!smallVariant) return undefined;
    variants.push(smallVariant);
    const largeVariant = (await productionVariant())!;
    variants.push(largeVariant);
    const small = await prepare(SMALL, dirs, smallVariant);
    const large = await prepare(LARGE, dirs, largeVariant);
    return { label: largeVariant.label, seeding: { small: small.seed, large: large.seed }, results: await compare(small, large) };
  } finally {
    log('  dropping the seeded schemas and keys…');
    for (const variant of variants) await variant.drop();
  }
}

async function main(): Promise<void> {
  if (!Number.isInteger(LARGE) || LARGE < SMALL) throw new TypeError(`BENCH_SCALE_ROWS must be a whole number ≥ ${SMALL}`);
  const dirs: string[] = [];
  process.once('exit', () => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); }); // also when interrupted
  log(`Gatehouse scale bench: ${count(SMALL)} vs ${count(LARGE)} rows, ${timing.seconds} s per case after ${timing.warmupSeconds} s of warm-up`);
  try {
    const small = await prepare(SMALL, dirs);
    const large = await prepare(LARGE, dirs);
    const results = await compare(small, large);
    if (ONLY_CONSOLE) {
      console.log(`\nSQLite, ${count(LARGE)} users (the console's cases only):\n`);
      console.log(formatComparisons(results));
      return;
    }
    const stores = await compareOnStores(dirs);
    log(`  importing ${count(LARGE)} users with gatehouse user import…`);
    const importDir = mkdtempSync(join(tmpdir(), 'gatehouse-scale-import-'));
    dirs.push(importDir);
    const imported = await measureImport(importDir, LARGE);
    const report = { date: new Date().toISOString(), timing, seeding: { small: small.seed, large: large.seed }, results, stores, imported };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(join(RESULTS_DIR, 'scale.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nSQLite: seeded ${count(LARGE)} users + ${count(LARGE)} sessions in ${large.seed.seconds} s (database ${large.seed.databaseMb} MB)\n`);
    console.log(formatComparisons(results));
    if (stores) {
      const bytes = stores.seeding.large.redisBytesPerSession;
      console.log(`\n${stores.label}: seeded ${count(LARGE)} users + ${count(LARGE)} sessions in ${stores.seeding.large.seconds} s`
        + `${bytes ? `; ${bytes} bytes per session in Redis` : ''}\n`);
      console.log(formatComparisons(stores.results));
    } else {
      console.log('\nPOSTGRES_URL and REDIS_URL unset: SQLite only.');
    }
    const verdict = imported.usersPerSecond >= IMPORT_TARGET_USERS_PER_SECOND ? 'pass' : 'FAIL';
    console.log(`\nImport: ${count(imported.users)} users in ${imported.seconds} s = ${count(imported.usersPerSecond)} users/s on SQLite`
      + ` (target ≥ ${count(IMPORT_TARGET_USERS_PER_SECOND)}: ${verdict})`);
    console.log('\nWritten: bench/results/scale.json');
  } finally {
    await stopAll();
  }
}

await main();
