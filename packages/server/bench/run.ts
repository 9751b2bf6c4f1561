// `npm run bench`: Gatehouse on its embedded default (SQLite in a temp folder), the bare-Fastify
// ceiling and a verify-only resource server, all as children on loopback; every case of docs/benchmarks.md
// measured in one run and reported as ratios (bench/results/latest.json and latest.svg).
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { rssMb, startChild, stopAll, stopChild, type Child } from './lib/children.js';
import { fetchMe, loginMany, registerUser, startGatehouse, startNodeOptions, BENCH_ACCESS_KEY } from './lib/gatehouse.js';
import { timing, warmAndMeasure } from './lib/load.js';
import { RefreshChains } from './lib/refresh-chains.js';
import { formatTable, machineInfo, round2, writeReport, type Report } from './lib/report.js';
import { storeVariants } from './lib/store-variants.js';
import { buildRows, ceilingRps, runNotes, type RunResults, type StoreResults } from './lib/targets.js';
import * as cases from './lib/cases.js';
import { IMPORT_USERS, measureImport } from './lib/import-case.js';
import { measureSso } from './lib/sso-case.js';
import { measureMails, measureWebhooks, OUTBOX_MAILS, OUTBOX_WEBHOOKS } from './lib/outbox-case.js';

const RESULTS_DIR = fileURLToPath(new URL('../../bench/results', import.meta.url));
const server = (name: string) => fileURLToPath(new URL(`./servers/${name}.js`, import.meta.url));
const USERNAME = 'bench_user';

async function startTargets(dataDir: string) {
  const gatehouse = await startGatehouse(dataDir);
  await sleep(1000);
  const idleMb = rssMb(gatehouse.pid);
  const { access_token: accessToken } = await registerUser(gatehouse.url, USERNAME);
  const body = await fetchMe(gatehouse.url, accessToken);
  const env = { BENCH_BODY: body, GATEHOUSE_ACCESS_KEY: BENCH_ACCESS_KEY };
  // With npm start's node options, like Gatehouse: the ratios then compare code, not runtime flags.
  const nodeArgs = startNodeOptions();
  const [ceiling, resource] = await Promise.all([
    startChild('ceiling', server('ceiling'), { env, nodeArgs }), startChild('resource', server('resource'), { env, nodeArgs }),
  ]);
  // All three must answer the same bytes, or the ratios compare different work.
  for (const child of [ceiling, resource]) {
    const answer = await fetchMe(child.url, accessToken);
    if (answer !== body) throw new Error(`${child.name} does not answer what /users/me answers`);
  }
  const chains = new RefreshChains(await loginMany(gatehouse.url, USERNAME, cases.REFRESH_POOL));
  return { targets: { gatehouse, ceiling, resource, accessToken, username: USERNAME }, idleMb, chains };
}

async function runCases(dataDir: string): Promise<RunResults> {
  const { targets: t, idleMb, chains } = await startTargets(dataDir);
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    process.stderr.write(`  ${name}…\n`);
    return run();
  };
  const me = await step('GET /users/me, paired with the ceiling', () => cases.measureAgainstCeiling(t, cases.meSide(t)));
  const verifyOnly = await step('verify-only route, paired with the ceiling',
    () => cases.measureAgainstCeiling(t, cases.verifyOnlySide(t)));
  const refresh = await step('POST /auth/refresh, paired with the ceiling', () => cases.measureRefresh(t, chains));
  const login = await step('POST /auth/login, alternating with the raw argon2id rate', () => cases.measureLogin(t));
  const clientCredentials = await step('POST /token client_credentials', () => warmAndMeasure(cases.clientCredentialsSide(t).url, cases.clientCredentialsSide(t).options));
  const sso = await step('SSO code flow, alternating with node-oidc-provider', () => measureSso(dataDir));
  const mixed = await step('/users/me under a login flood', () => cases.measureMixed(t));
  const memory = await step(`memory over ${cases.MEMORY_REQUESTS} requests`, () => cases.measureMemory(t));
  await stopChild(t.gatehouse);
  const stores = await runStoreVariants(dataDir, t.ceiling, step);
  const imported = await step(`gatehouse user import of ${IMPORT_USERS} users on SQLite`, () => measureImport(join(dataDir, 'import')));
  const mail = await step(`job outbox: ${OUTBOX_MAILS} mails to a loopback SMTP sink`, () => measureMails(dataDir));
  const webhooks = await step(`job outbox: ${OUTBOX_WEBHOOKS} webhooks to a loopback receiver`, () => measureWebhooks(dataDir));
  return {
    me, verifyOnly, refresh, login, clientCredentials, sso, mixed, memory: { idleMb, ...memory }, stores, import: imported, outbox: { mail, webhooks },
  };
}

/** /users/me and refresh again on PostgreSQL and Redis when POSTGRES_URL / REDIS_URL are set. */
async function runStoreVariants(
  dataDir: string, ceiling: Child, step: <T>(name: string, run: () => Promise<T>) => Promise<T>,
): Promise<StoreResults[]> {
  const results: StoreResults[] = [];
  for (const variant of await storeVariants()) {
    try {
      const gatehouse = await startGatehouse(join(dataDir, variant.id), { env: variant.env });
      const { access_token: accessToken } = await registerUser(gatehouse.url, USERNAME);
      const chains = new RefreshChains(await loginMany(gatehouse.url, USERNAME, cases.REFRESH_POOL));
      const t = { gatehouse, ceiling, accessToken, username: USERNAME };
      const me = await step(`GET /users/me on ${variant.label}, paired with the ceiling`, () => cases.measureAgainstCeiling(t, cases.meSide(t)));
      const refresh = await step(`POST /auth/refresh on ${variant.label}, paired with the ceiling`, () => cases.measureRefresh(t, chains));
      results.push({ id: variant.id, label: variant.label, me, refresh });
      await stopChild(gatehouse);
    } finally {
      await variant.drop();
    }
  }
  return results;
}

async function main(): Promise<void> {
  const loadAverageAtStart = loadavg().map(round2);
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  process.once('exit', () => rmSync(dataDir, { recursive: true, force: true })); // also when interrupted
  process.stderr.write(`Gatehouse bench: ${timing.seconds} s per case after ${timing.warmupSeconds} s of warm-up\n`);
  try {
    const results = await runCases(dataDir);
    const rows = buildRows(results);
    const report: Report = {
      title: 'Gatehouse bench', date: new Date().toISOString(), machine: machineInfo(loadAverageAtStart),
      timing, rows, notes: runNotes(results, rows, loadAverageAtStart),
    };
    writeReport(RESULTS_DIR, 'latest', report, rows, ceilingRps(results));
    console.log(`\n${formatTable(rows)}\n\n${report.notes.map((n) => `- ${n}`).join('\n')}`);
    console.log(`\nWritten: bench/results/latest.json, bench/results/latest.svg`);
  } finally {
    await stopAll();
  }
}

await main();
