// The cases of docs/benchmarks.md: what each one loads (a Side: URL and autocannon options) and how it is
// measured. They only measure; ratios and targets are applied afterwards (targets.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { rssMb, runChild, type Child } from './children.js';
import { BENCH_CLIENT, BENCH_PASSWORD, HASH_CONCURRENCY } from './gatehouse.js';
import { measure, measureAlternating, measurePaired, PAIRED_SLICES, timing, type Measurement, type Paired, type Side } from './load.js';
import type { ChainStats, RefreshChains } from './refresh-chains.js';

export const CONNECTIONS = 10;
/** Twice the hash pool, so it never runs dry while answers travel back. */
export const LOGIN_CONNECTIONS = HASH_CONCURRENCY * 2;
export const MEMORY_REQUESTS = 100_000;
/** Sessions for a refresh case: every autocannon run drops the ones in flight when it stops. */
export const REFRESH_POOL = CONNECTIONS * (PAIRED_SLICES + 3);

/** A running Gatehouse with a registered user and a valid access token of theirs. */
export interface GatehouseTarget {
  gatehouse: Child;
  accessToken: string;
  username: string;
}

export interface Targets extends GatehouseTarget {
  resource: Child;
  ceiling: Child;
}

export type { Paired } from './load.js';

const ARGON2_RATE = fileURLToPath(new URL('../servers/argon2-rate.js', import.meta.url));
const bearer = (t: GatehouseTarget) => ({ authorization: `Bearer ${t.accessToken}` });

export const ceilingSide = (t: Pick<Targets, 'ceiling'>): Side => ({ url: `${t.ceiling.url}/users/me`, options: { connections: CONNECTIONS } });

/** Case 1: verify + user lookup + revoked-session check. */
export const meSide = (t: GatehouseTarget): Side => ({
  url: `${t.gatehouse.url}/users/me`, options: { connections: CONNECTIONS, headers: bearer(t) },
});

/** Case 2: a resource server verifying the access token itself. */
export const verifyOnlySide = (t: Targets): Side => ({
  url: `${t.resource.url}/users/me`, options: { connections: CONNECTIONS, headers: bearer(t) },
});

/** Case 3: every request rotates a live session's refresh token. */
export const refreshSide = (t: GatehouseTarget, chains: RefreshChains): Side => ({
  url: `${t.gatehouse.url}/auth/refresh`, options: { connections: CONNECTIONS, requests: chains.requests() },
  afterSlice: () => chains.endRun(),
});

export const loginSide = (t: GatehouseTarget): Side => ({
  url: `${t.gatehouse.url}/auth/login`,
  options: {
    connections: LOGIN_CONNECTIONS, method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: t.username, password: BENCH_PASSWORD }),
  },
});

/** The client_credentials grant (docs/oidc.md): a machine client's secret checked, an access token signed. */
export const clientCredentialsSide = (t: GatehouseTarget): Side => ({
  url: `${t.gatehouse.url}/token`,
  options: {
    connections: CONNECTIONS, method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${BENCH_CLIENT.id}:${BENCH_CLIENT.secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=reports%3Aread',
  },
});

export function measureAgainstCeiling(t: Pick<Targets, 'ceiling'>, side: Side): Promise<Paired> {
  return measurePaired(side, ceilingSide(t));
}

export async function measureRefresh(t: GatehouseTarget & Pick<Targets, 'ceiling'>, chains: RefreshChains): Promise<Paired & { chains: ChainStats }> {
  const paired = await measureAgainstCeiling(t, refreshSide(t, chains));
  return { ...paired, chains: { ...chains.stats } };
}

/**
 * Case 4: login, in slices alternating with slices of the raw argon2id verify rate at the server's
 * hash concurrency (a child process per slice). Login counts from its first answer in each slice
 * (steadyRps), so the wait for the first hash of a slice does not count against it.
 */
export async function measureLogin(t: GatehouseTarget): Promise<{ load: Measurement; argon2VerifiesPerSecond: number }> {
  const raw = async (seconds: number) => (await runChild<{ verifiesPerSecond: number }>('argon2-rate', ARGON2_RATE,
    [String(HASH_CONCURRENCY), String(seconds), '1'])).verifiesPerSecond;
  const { subject, referenceRate } = await measureAlternating(loginSide(t), raw);
  return { load: subject, argon2VerifiesPerSecond: referenceRate };
}

/** Case 5: /users/me measured while a login flood keeps the hash pool full. */
export async function measureMixed(t: GatehouseTarget): Promise<{ me: Measurement; flood: Measurement }> {
  const login = loginSide(t);
  const flood = measure(login.url, { ...login.options, duration: timing.warmupSeconds + timing.seconds + 1 });
  await sleep(timing.warmupSeconds * 1000);
  const me = meSide(t);
  return { me: await measure(me.url, { ...me.options, duration: timing.seconds }), flood: await flood };
}

/** Case 6: RSS before and after MEMORY_REQUESTS more requests to /users/me. */
export async function measureMemory(t: GatehouseTarget): Promise<{ beforeMb: number; afterMb: number; load: Measurement }> {
  const beforeMb = rssMb(t.gatehouse.pid);
  const me = meSide(t);
  const load = await measure(me.url, { ...me.options, amount: MEMORY_REQUESTS });
  await sleep(500);
  return { beforeMb, afterMb: rssMb(t.gatehouse.pid), load };
}
