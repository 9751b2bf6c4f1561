// `npm run bench:scale`: login, refresh and /users/me on a database of 1 k users and sessions and
// on one of BENCH_SCALE_ROWS (1 M by default), each case measured on both in alternating slices.
// Target (docs/benchmarks.md): each figure at the large size within 1.2 × of the small one. It also
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

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results', import.meta.url));
// Both sizes are measured in alternating slices (load.ts), so drift on the machine hits both alike.
const SMALL = 1_000;
const LARGE = Number(process.env.BENCH_SCALE_ROWS ?? 1_000_000);
const MAX_SLOWDOWN = 1.2;
const USERNAME = 'bench_user';
const CASES = ['GET /users/me', 'POST /auth/refresh', 'POST /auth/login'] as const;

interface Size {
  rows: number;
  seed: SeedResult;
  target: GatehouseTarget;
  chains: RefreshChains;
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
  const gatehouse = await startGatehouse(dataDir, { env: variant?.env });
  const { access_token: accessToken } = await registerUser(gatehouse.url, USERNAME);
  const chains = new RefreshChains(await loginMany(gatehouse.url, USERNAME, REFRESH_POOL));
  return { rows, seed, target: { gatehouse, accessToken, username: USERNAME }, chains };
}

function side(name: Comparison['name'], size: Size): Side {
  if (name === 'GET /users/me') return meSide(size.target);
  if (name === 'POST /auth/refresh') return refreshSide(size.target, size.chains);
  return loginSide(size.target);
}

function formatComparisons(results: Comparison[]): string {
  const header = ['case', `req/s at ${count(SMALL)}`, `req/s at ${count(LARGE)}`, 'p99 ms (small → large)', 'slowdown', 'target', ''];
  return markdownTable(header, results.map((r) => [
    r.name, String(r.small.rps), String(r.large.rps), `${r.small.p99Ms} → ${r.large.p99Ms}`, `${r.slowdown.toFixed(2)} ×`,
    `≤ ${MAX_SLOWDOWN} ×`, r.slowdown <= MAX_SLOWDOWN ? 'pass' : 'FAIL',
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
