// Webhooks across processes (docs/events.md, "Guarantees"): a server killed with SIGKILL while a
// delivery is in flight leaves the message claimed; the next server delivers it once the lease
// ends (within 30 s), and never again after the 2xx; three servers on one PostgreSQL database
// deliver each message exactly once to a loopback receiver. Endpoints are added with the CLI.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SqliteDatabase from 'better-sqlite3';
import { Webhook } from 'standardwebhooks';
import { PASSWORD } from '../helpers.js';
import { runCli } from '../cli/run-cli.js';
import { call, randomSecret, start, type ServerProcess } from '../http/spawn-server.js';
import { postgres, unavailable } from '../storage/backends.js';

interface Hit {
  id: string;
  at: number;
  headers: Record<string, string>;
  body: string;
}

/** A loopback receiver; `answer` gets each request's response (leave it unanswered to hang). */
async function receiver(t: TestContext, answer: (n: number, res: ServerResponse) => void) {
  const hits: Hit[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      hits.push({ id: String(req.headers['webhook-id']), at: Date.now(), headers: req.headers as Record<string, string>, body });
      answer(hits.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, hits };
}

async function until(done: () => boolean, limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done() && Date.now() < end) await sleep(50);
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-webhook-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const baseEnv = { NODE_ENV: 'test', LOG_LEVEL: 'warn', DOCS: 'false', WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', EMAIL_VERIFICATION: 'off' };

function addEndpoint(env: Record<string, string>, url: string): string {
  const added = runCli(['webhook', 'add', '--url', url, '--events', 'user.created'], env);
  assert.equal(added.status, 0, added.stderr);
  return /^secret: (\S+)$/m.exec(added.stdout)![1]!;
}

test('a SIGKILL mid-delivery: the next server delivers the message within 30 s, and never again after the 2xx', async (t) => {
  const dir = tempDir(t);
  const env = { ...baseEnv, DATA_DIR: dir, GATEHOUSE_SECRET: randomSecret() };
  const hook = await receiver(t, (n, res) => { if (n > 1) res.writeHead(204).end(); }); // the first request hangs
  const first = await start(env);
  t.after(() => first.stop());
  const secret = addEndpoint(env, hook.url);
  const registered = await call(first.url, 'POST', '/auth/register', { body: { username: 'crash_hook', email: 'crash-hook@example.com', password: PASSWORD } });
  assert.equal(registered.status, 201);
  await until(() => hook.hits.length >= 1, 10_000);
  assert.equal(hook.hits.length, 1, 'the delivery is in flight');
  await first.kill(); // mid-delivery: the receiver has the request, the server never sees an answer
  const killedAt = Date.now();

  const second = await start(env);
  t.after(() => second.stop());
  await until(() => hook.hits.length >= 2, 30_000);
  assert.equal(hook.hits.length, 2, 'delivered again after the restart');
  assert.ok(hook.hits[1]!.at - killedAt <= 30_000, `out ${hook.hits[1]!.at - killedAt} ms after the kill`);
  assert.equal(hook.hits[1]!.id, hook.hits[0]!.id, 'the same message');
  assert.deepEqual((new Webhook(secret).verify(hook.hits[1]!.body, hook.hits[1]!.headers) as { type: string }).type, 'user.created');

  // after the 2xx the row is gone: nothing is left that could go out again
  await sleep(2000);
  await second.stop();
  assert.equal(hook.hits.length, 2, 'not again after the 2xx');
  const db = new SqliteDatabase(join(dir, 'gatehouse.db'));
  try {
    assert.deepEqual(db.prepare("SELECT id FROM outbox WHERE channel = 'webhook'").all(), []);
    const log = db.prepare('SELECT status_code FROM webhook_deliveries ORDER BY id').all();
    assert.deepEqual(log, [{ status_code: 204 }], 'the killed attempt left no record; the second one did');
  } finally {
    db.close();
  }
});

describe('three instances on PostgreSQL', { skip: unavailable('POSTGRES_URL') }, () => {
  test('deliver each message exactly once to a loopback receiver', async (t) => {
    const schema = await postgres.create();
    t.after(() => schema.drop());
    const hook = await receiver(t, (_n, res) => res.writeHead(204).end());
    const env = (dir: string) => ({
      ...baseEnv, DATA_DIR: dir, DATABASE_URL: schema.url, GATEHOUSE_SECRET: secret, RATE_LIMIT_LOGIN_PER_IP: '1000/1m',
    });
    const secret = randomSecret();
    const servers: ServerProcess[] = [];
    t.after(() => Promise.allSettled(servers.map((s) => s.stop())));
    servers.push(await start(env(tempDir(t)))); // the first migrates the schema
    servers.push(...(await Promise.all([start(env(tempDir(t))), start(env(tempDir(t)))])));
    addEndpoint(env(tempDir(t)), hook.url);
    const USERS = 30;
    for (let i = 0; i < USERS; i += 1) { // one at a time: a burst of password hashes would answer 503 overloaded
      const answer = await call(servers[i % 3]!.url, 'POST', '/auth/register', {
        body: { username: `multi_hook_${i}`, email: `multi-hook-${i}@example.com`, password: PASSWORD }, timeoutMs: 30_000,
      });
      assert.equal(answer.status, 201);
    }
    await until(() => hook.hits.length >= USERS, 30_000);
    await sleep(3000); // a double delivery would come within the servers' next polls
    assert.equal(new Set(hook.hits.map((h) => h.id)).size, USERS, 'every message delivered');
    assert.equal(hook.hits.length, USERS, 'none twice');
  });
});
