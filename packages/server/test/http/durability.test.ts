// A crash loses no acknowledged write on the embedded default (SQLite, WAL): the server is
// SIGKILLed while registrations and refresh chains are in flight, restarted on the same data, and
// every registration answered 201 can log in and the last acknowledged pair of every session
// still refreshes, so no rotation the client was told about was lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, randomSecret, start, type ServerProcess } from './spawn-server.js';

const PASSWORD = 'correct horse battery staple';
const REGISTRATIONS = 30;
const CHAINS = 5;
/** The crash comes once this many registrations were answered, with the rest still outstanding. */
const KILL_AFTER_REGISTRATIONS = 10;

interface Pair {
  access_token: string;
  refresh_token: string;
}

/** The two tokens of an answer: what /auth/refresh takes (it refuses any other field). */
const pairOf = (body: Pair): Pair => ({ access_token: body.access_token, refresh_token: body.refresh_token });

test('a SIGKILL loses no acknowledged registration or refresh rotation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-durability-'));
  const servers: ServerProcess[] = [];
  t.after(async () => {
    await Promise.allSettled(servers.map((s) => s.kill()));
    rmSync(dir, { recursive: true, force: true });
  });
  const env = {
    NODE_ENV: 'test', LOG_LEVEL: 'warn', DOCS: 'false', DATA_DIR: dir, GATEHOUSE_SECRET: randomSecret(),
    DATABASE_URL: `sqlite:${join(dir, 'gatehouse.db')}`,
    RATE_LIMIT_LOGIN_PER_IP: 'off', RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: 'off',  RATE_LIMIT_MAIL_PER_IP: 'off',
    RATE_LIMIT_REFRESH_PER_IP: 'off', RATE_LIMIT_REFRESH_PER_ACCOUNT: 'off',
    HASH_QUEUE_MAX: '1000', HASH_QUEUE_PER_ADDRESS: '1000', // every request comes from 127.0.0.1: none may be shed
    // A rotation committed just before the crash whose answer never arrived leaves the client's
    // last pair as "previous"; the long grace lets that pair get its successor after the restart
    // however long the restart takes, while a lost rotation would still show as reuse.
    REFRESH_GRACE: '1h',
  };
  const first = await start(env);
  servers.push(first);
  const tag = randomBytes(3).toString('hex');
  const credentials = (i: number, kind: string) => {
    const username = `${kind}${i}_${tag}`;
    return { username, email: `${username}@example.com`, password: PASSWORD };
  };

  // Sessions whose refresh chains run during the crash, acknowledged before it.
  const latest: Pair[] = await Promise.all(Array.from({ length: CHAINS }, async (_, i) => {
    const res = await call(first.url, 'POST', '/auth/register', { body: credentials(i, 'chain') });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return pairOf(res.body);
  }));

  const acknowledgedUsers: string[] = [];
  const unexpected: string[] = [];
  let refreshesAcknowledged = 0;
  let crashed = false;
  const crash = () => {
    if (crashed) return;
    crashed = true;
    void first.kill();
  };
  // Crash once both kinds of write have been acknowledged, so the check below has both to check.
  const crashWhenBothAcknowledged = () => {
    if (acknowledgedUsers.length >= KILL_AFTER_REGISTRATIONS && refreshesAcknowledged > 0) crash();
  };

  const registrations = Array.from({ length: REGISTRATIONS }, async (_, i) => {
    const body = credentials(i, 'reg');
    const res = await call(first.url, 'POST', '/auth/register', { body, timeoutMs: 15_000 }).catch(() => undefined);
    if (!res) return; // no answer: cut off by the crash
    if (res.status === 201) acknowledgedUsers.push(body.username);
    else unexpected.push(`register ${res.status} ${JSON.stringify(res.body)}`);
    crashWhenBothAcknowledged();
  });
  // Each chain refreshes its session's latest pair until the server is gone.
  const chains = latest.map(async (_, i) => {
    for (;;) {
      const res = await call(first.url, 'POST', '/auth/refresh', { body: latest[i], timeoutMs: 15_000 }).catch(() => undefined);
      if (!res) return;
      if (res.status !== 200) {
        unexpected.push(`refresh ${res.status} ${JSON.stringify(res.body)}`);
        return;
      }
      latest[i] = pairOf(res.body);
      refreshesAcknowledged += 1;
      crashWhenBothAcknowledged();
    }
  });
  // The chains run until the server is gone: make sure it goes even if every registration finished.
  void Promise.all(registrations).then(crash);
  await Promise.all([...registrations, ...chains]);
  await first.exited;
  t.diagnostic(`${acknowledgedUsers.length} registrations and ${refreshesAcknowledged} refreshes acknowledged before the crash`);

  assert.deepEqual(unexpected, [], 'every answer before the crash was a success');
  assert.equal(crashed, true, 'the server was killed mid-run');
  assert.ok(acknowledgedUsers.length < REGISTRATIONS, 'some registrations were still outstanding at the crash');
  assert.ok(refreshesAcknowledged > 0, 'some refreshes were acknowledged before the crash');

  const second = await start(env);
  servers.push(second);
  const logins = await Promise.all(acknowledgedUsers.map(async (username) => {
    const res = await call(second.url, 'POST', '/auth/login', { body: { username, password: PASSWORD }, timeoutMs: 15_000 });
    return { username, status: res.status, code: res.body?.code };
  }));
  assert.deepEqual(logins.filter((l) => l.status !== 200), [], 'every acknowledged registration logs in after the restart');

  const refreshes = await Promise.all(latest.map(async (pair, i) => {
    const res = await call(second.url, 'POST', '/auth/refresh', { body: pair });
    return { chain: i, status: res.status, code: res.body?.code };
  }));
  assert.deepEqual(refreshes.filter((r) => r.status !== 200), [], 'the last acknowledged pair of every session refreshes');
});
