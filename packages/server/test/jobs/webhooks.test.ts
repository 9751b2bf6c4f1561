// Webhooks end to end on every SQL backend, against a real HTTP receiver: deliveries verify with
// the Standard Webhooks reference library; a receiver that fails is retried after the backoff with
// the same webhook-id and delivered once; a private address is refused unless allowed; a hanging
// receiver fails the attempt after 10 s; the admin API checks URLs and event names.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { bearer, createTestApp, registerUser, type TestApp } from '../helpers.js';
import { mysql, postgres, unavailable, type SqlBackend } from '../storage/backends.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback receiver; `answer` decides each status (or 'hang'). */
async function receiver(t: TestContext, answer: (n: number) => number | 'hang' = () => 204) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const status = answer(received.length);
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

async function adminOf(ctx: TestApp) {
  const user = await registerUser(ctx.app);
  await ctx.stores.users.update(user.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  return user.tokens.access_token;
}

async function addEndpoint(ctx: TestApp, token: string, url: string, events: string[]) {
  const res = await ctx.app.inject({ method: 'POST', url: '/admin/webhooks', headers: bearer(token), payload: { url, events, description: 'test' } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; secret: string };
}

/** The webhook rows left (claimed far in the future: call last). */
const webhookRowsLeft = async (ctx: TestApp) => (await ctx.stores.outbox.claimDue(new Date(8.64e15), 100, 1000, 'webhook')).length;

/** The subscriber queues after the request answered: drain until `n` deliveries were attempted. */
async function deliver(ctx: TestApp, attempts: () => number, n: number) {
  for (let i = 0; i < 100 && attempts() < n; i += 1) {
    await ctx.webhooks.worker.drain();
    if (attempts() < n) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const backends: Array<[string, string | false, SqlBackend | undefined]> = [
  ['SQLite', false, undefined], ['PostgreSQL', unavailable('POSTGRES_URL'), postgres], ['MySQL', unavailable('MYSQL_URL'), mysql],
];

for (const [name, skip, backend] of backends) {
  describe(`webhooks on ${name}`, { skip }, () => {
    async function open(t: TestContext, env: Record<string, string> = {}) {
      const db = await backend?.create();
      const ctx = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', ...(db ? { DATABASE_URL: db.url } : {}), ...env }, { mailWorker: false });
      t.after(async () => { await ctx.close(); await db?.drop(); });
      ctx.clock.set(Date.now()); // receivers check webhook-timestamp against their own clock
      return ctx;
    }

    test('user.created and session.created reach the endpoint, signed so that the standardwebhooks library verifies them', async (t) => {
      const ctx = await open(t);
      const hook = await receiver(t);
      const { secret } = await addEndpoint(ctx, await adminOf(ctx), hook.url, ['user.created', 'session.created']);
      assert.match(secret, /^whsec_/);
      const ada = await registerUser(ctx.app);
      await deliver(ctx, () => hook.received.length, 2);
      const verifier = new Webhook(secret);
      const payloads = hook.received.map((r) => verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> });
      assert.deepEqual(payloads.map((p) => p.type).sort(), ['session.created', 'user.created']);
      const created = payloads.find((p) => p.type === 'user.created')!;
      assert.deepEqual(created.data, { user_id: ada.userId });
      assert.ok(!hook.received.some((r) => r.body.includes(ada.tokens.refresh_token) || r.body.includes(ada.password)));
      assert.throws(() => new Webhook(secret).verify(hook.received[0]!.body.replace('}', ' }'), hook.received[0]!.headers as Record<string, string>));
      assert.equal(await webhookRowsLeft(ctx), 0);
    });

    test('a receiver that fails first is retried after the backoff, with the same webhook-id, and delivered once', async (t) => {
      const ctx = await open(t);
      const hook = await receiver(t, (n) => (n === 1 ? 503 : 200));
      await addEndpoint(ctx, await adminOf(ctx), hook.url, ['user.created']);
      await registerUser(ctx.app);
      await deliver(ctx, () => hook.received.length, 1);
      assert.equal(hook.received.length, 1);
      assert.equal(await ctx.webhooks.worker.drain(), 0, 'not due before the backoff');
      ctx.clock.advance(7000); // 5 s ± 20 %
      await deliver(ctx, () => hook.received.length, 2);
      assert.equal(hook.received.length, 2);
      assert.equal(hook.received[1]!.headers['webhook-id'], hook.received[0]!.headers['webhook-id']);
      ctx.clock.advance(86_400_000);
      assert.equal(await ctx.webhooks.worker.drain(), 0, 'never again after a 2xx');
      assert.equal(await webhookRowsLeft(ctx), 0);
    });

    test('an endpoint on a private address is refused at delivery unless WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true', async (t) => {
      const ctx = await open(t, { WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'false' });
      const hook = await receiver(t);
      const { id } = await addEndpoint(ctx, await adminOf(ctx), hook.url, ['*']);
      await registerUser(ctx.app);
      for (let i = 0; i < 50 && (await ctx.webhooks.worker.drain()) === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      assert.equal(hook.received.length, 0);
      const endpoint = (await ctx.app.inject({ method: 'GET', url: `/admin/webhooks/${id}`, headers: bearer(await adminOf(ctx)) })).json();
      assert.ok(endpoint.failures >= 1, JSON.stringify(endpoint));
    });
  });
}

test('a hanging receiver fails the attempt after 10 s; the message is due again later', async (t) => {
  const ctx = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' }, { mailWorker: false });
  t.after(() => ctx.close());
  ctx.clock.set(Date.now());
  const hook = await receiver(t, () => 'hang');
  await addEndpoint(ctx, await adminOf(ctx), hook.url, ['user.created']);
  await registerUser(ctx.app);
  const started = Date.now();
  await deliver(ctx, () => hook.received.length, 1);
  await ctx.webhooks.worker.drain(); // the attempt in flight, if deliver() returned before its end
  assert.ok(Date.now() - started >= 9000, 'the attempt waited for the 10 s bound');
  assert.equal(await webhookRowsLeft(ctx), 1);
});

test('POST /admin/webhooks refuses plain http to a public host and unknown events; GET never shows the secret; DELETE removes', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const token = await adminOf(ctx);
  const post = (payload: object) => ctx.app.inject({ method: 'POST', url: '/admin/webhooks', headers: bearer(token), payload });
  assert.equal((await post({ url: 'http://example.com/hook', events: ['user.created'] })).json().code, 'invalid_webhook_url');
  assert.equal((await post({ url: 'https://user:pw@example.com/hook', events: ['user.created'] })).json().code, 'invalid_webhook_url');
  assert.equal((await post({ url: 'https://example.com/hook', events: ['user.exploded'] })).json().code, 'unknown_webhook_event');
  const created = await post({ url: 'https://example.com/hook', events: ['user.created'] });
  assert.equal(created.statusCode, 201);
  const { id, secret } = created.json();
  const list = await ctx.app.inject({ method: 'GET', url: '/admin/webhooks', headers: bearer(token) });
  assert.ok(!list.body.includes(secret));
  assert.deepEqual(list.json().webhooks.map((w: { id: string }) => w.id), [id]);
  assert.equal((await ctx.app.inject({ method: 'DELETE', url: `/admin/webhooks/${id}`, headers: bearer(token) })).statusCode, 204);
  assert.equal((await ctx.app.inject({ method: 'DELETE', url: `/admin/webhooks/${id}`, headers: bearer(token) })).json().code, 'webhook_not_found');
});

test('private, loopback, link-local and mapped addresses count as private; public ones do not', async () => {
  const { isPrivateAddress } = await import('../../src/jobs/webhook-request.js');
  for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1']) {
    assert.equal(isPrivateAddress(address), true, address);
  }
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPrivateAddress(address), false, address);
});
