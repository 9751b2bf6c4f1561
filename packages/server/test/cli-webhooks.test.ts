// `gatehouse webhook add|list|show|update|rotate-secret|remove|deliveries` end to end: the CLI runs
// as a child process on a test app's database; the printed secret signs what the server delivers
// (verified with the standardwebhooks library), and the admin API sees every change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { createTestApp, registerUser, TEST_SECRET } from './helpers.js';
import { runCli } from './cli/run-cli.js';

const secretOf = (stdout: string) => /^secret: (\S+)$/m.exec(stdout)?.[1];
const idOf = (stdout: string) => /^id: (\S+)$/m.exec(stdout)?.[1];

test('webhook add prints the secret once and the server signs with it; update, rotate-secret, deliveries and remove act on the same endpoints', async (t) => {
  const received: Array<{ headers: Record<string, string>; body: string }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { received.push({ headers: req.headers as Record<string, string>, body }); res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const ctx = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' }, { mailWorker: false });
  t.after(() => ctx.close());
  ctx.clock.set(Date.now());
  const env = { DATA_DIR: ctx.dir, GATEHOUSE_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' };

  const added = runCli(['webhook', 'add', '--url', url, '--events', 'user.created', '--description', 'crm'], env);
  assert.equal(added.status, 0, added.stderr);
  const [id, secret] = [idOf(added.stdout)!, secretOf(added.stdout)!];
  assert.match(secret, /^whsec_/);
  const listed = runCli(['webhook', 'list', '--json'], env);
  assert.deepEqual(JSON.parse(listed.stdout).map((e: { id: string; description: string }) => [e.id, e.description]), [[id, 'crm']]);
  assert.ok(!listed.stdout.includes(secret) && !runCli(['webhook', 'show', '--id', id], env).stdout.includes(secret));

  await registerUser(ctx.app);
  for (let i = 0; i < 100 && received.length < 1; i += 1) {
    await ctx.webhooks.worker.drain();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(received.length, 1);
  new Webhook(secret).verify(received[0]!.body, received[0]!.headers);

  const deliveries = runCli(['webhook', 'deliveries', '--id', id, '--json'], env);
  assert.equal(deliveries.status, 0, deliveries.stderr);
  assert.deepEqual(JSON.parse(deliveries.stdout).map((d: { statusCode: number; errorClass: null }) => [d.statusCode, d.errorClass]), [[204, null]]);
  assert.ok(!deliveries.stdout.includes('user.created","timestamp'), 'never the body');

  assert.equal(runCli(['webhook', 'update', '--id', id, '--disable'], env).status, 0);
  assert.equal((await ctx.stores.webhooks.findById(id))!.disabled, true);
  const bad = runCli(['webhook', 'update', '--id', id, '--events', 'user.exploded'], env);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /user\.exploded/);

  const rotated = runCli(['webhook', 'rotate-secret', '--id', id], env);
  assert.equal(rotated.status, 0, rotated.stderr);
  assert.notEqual(secretOf(rotated.stdout), secret);
  assert.ok((await ctx.stores.webhooks.findById(id))!.previousSecretUntil);

  assert.equal(runCli(['webhook', 'remove', '--id', id], env).status, 0);
  assert.equal(await ctx.stores.webhooks.findById(id), null);
  assert.equal(runCli(['webhook', 'show', '--id', id], env).status, 1);
});

test('user delete from the CLI queues user.deleted with the deletion, as the admin API does', async (t) => {
  const received: Array<{ type: string; data: { user_id: string } }> = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => { received.push(JSON.parse(body)); res.writeHead(204).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  const ctx = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' }, { mailWorker: false });
  t.after(() => ctx.close());
  ctx.clock.set(Date.now());
  const env = { DATA_DIR: ctx.dir, GATEHOUSE_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' };
  await ctx.webhooks.admin.create({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, events: ['user.deleted'] });
  const user = await registerUser(ctx.app);
  const deleted = runCli(['user', 'delete', '--id', user.userId, '--yes'], env);
  assert.equal(deleted.status, 0, deleted.stderr);
  assert.equal(await ctx.stores.users.findById(user.userId), null);
  ctx.clock.set(Date.now()); // the CLI's row is due from its own (real) time
  for (let i = 0; i < 100 && received.length < 1; i += 1) {
    await ctx.webhooks.worker.drain();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(received.map((m) => [m.type, m.data.user_id]), [['user.deleted', user.userId]]);
});
