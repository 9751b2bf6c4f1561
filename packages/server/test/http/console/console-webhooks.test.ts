// The console's webhook endpoints (docs/console.md, "Webhooks") against a real HTTP receiver: an
// endpoint is added (its secret shown once, a bad URL refused with its code), its delivery log
// shows a failed attempt, which is sent again under the same webhook-id; turning it off, a new
// secret and deletion are confirmed first; every change needs a recent sign-in; a non-admin gets
// nothing.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { createTestApp, registerUser, type TestApp } from '../../helpers.js';
import { csrfOf } from '../pages/page-browser.js';
import { signedIn } from './console-helpers.js';

let t: TestApp;
const received: Array<{ id: string; body: string }> = [];
const answer = (n: number) => (n === 1 ? 503 : 200);
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    received.push({ id: String(req.headers['webhook-id']), body });
    res.writeHead(answer(received.length)).end();
  });
});
let hookUrl = '';

before(async () => {
  t = await createTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true' }, { mailWorker: false });
  t.clock.set(Date.now());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await t.close();
});

/** Drains until `n` requests reached the receiver. */
async function deliver(n: number) {
  for (let i = 0; i < 100 && received.length < n; i += 1) {
    await t.webhooks.worker.drain();
    if (received.length < n) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(received.length, n);
}

const secretOf = (body: string) => /<code>(whsec_[^<]+)<\/code>/.exec(body)?.[1];

test('an admin adds an endpoint (secret shown once), reads its delivery log and sends a failed delivery again', async () => {
  const { browser } = await signedIn(t);
  const list = await browser.get('/admin/console/webhooks');
  assert.equal(list.statusCode, 200, list.body);
  assert.match(list.body, /<input type="checkbox" name="events" value="user.created">/);
  assert.match(list.body, /<body class="wide">/, 'the console\'s wide layout');
  assert.match((await browser.get('/signin?prompt=login')).body, /<body>/, 'the other pages keep the narrow one');

  const bad = await browser.post('/admin/console/webhooks/changes/create', { csrf: csrfOf(list.body), url: 'ftp://example.com/x', events: 'user.created' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.headers['gatehouse-error'], 'invalid_webhook_url');
  const none = await browser.post('/admin/console/webhooks/changes/create', { csrf: csrfOf(list.body), url: hookUrl });
  assert.equal(none.headers['gatehouse-error'], 'unknown_webhook_event', 'no event chosen');

  const created = await browser.post('/admin/console/webhooks/changes/create', { csrf: csrfOf(list.body), url: hookUrl, description: 'CRM <sync>', events: 'user.created' });
  assert.equal(created.statusCode, 200, created.body);
  assert.equal(created.headers['cache-control'], 'no-store');
  const secret = secretOf(created.body);
  assert.ok(secret);
  const id = /href="\/admin\/console\/webhooks\/([0-9a-f-]{36})"/.exec(created.body)?.[1];
  assert.ok(id);
  const listed = await browser.get('/admin/console/webhooks');
  assert.match(listed.body, /CRM &lt;sync&gt;/);
  assert.ok(!listed.body.includes(secret) && !(await browser.get(`/admin/console/webhooks/${id}`)).body.includes(secret), 'the secret is never shown again');

  await registerUser(t.app);
  await deliver(1); // 503
  t.clock.advance(7000);
  await deliver(2); // the retry: 200, the message is done
  const page = await browser.get(`/admin/console/webhooks/${id}`);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<td>user\.created<\/td><td>1<\/td><td>503<\/td>/);
  assert.match(page.body, /<td>user\.created<\/td><td>2<\/td><td>200<\/td>/);
  const forms = [...page.body.matchAll(/name="delivery" value="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(forms.length, 1, 'only the failed delivery offers "Send again"');
  const again = await browser.post('/admin/console/webhooks/changes/redeliver', { csrf: csrfOf(page.body), endpoint: id, delivery: forms[0]! });
  assert.equal(again.statusCode, 303, again.body);
  assert.equal(again.headers.location, `/admin/console/webhooks/${id}?done=redeliver`);
  await deliver(3);
  assert.deepEqual([received[2]!.id, received[2]!.body], [received[0]!.id, received[0]!.body], 'the same message, under the same webhook-id');
  const more = await browser.post('/admin/console/webhooks/changes/redeliver', { csrf: csrfOf(page.body), endpoint: id, delivery: forms[0]! });
  assert.equal(more.statusCode, 303, 'delivered again: it may be sent once more');
  const twice = await browser.post('/admin/console/webhooks/changes/redeliver', { csrf: csrfOf(page.body), endpoint: id, delivery: forms[0]! });
  assert.equal(twice.statusCode, 409);
  assert.equal(twice.headers['gatehouse-error'], 'webhook_delivery_pending');
  const unknown = await browser.post('/admin/console/webhooks/changes/redeliver', { csrf: csrfOf(page.body), endpoint: id, delivery: '019b76da-a800-7000-8000-029f6a0d5393' });
  assert.equal(unknown.statusCode, 404);
  assert.equal(unknown.headers['gatehouse-error'], 'webhook_delivery_not_found');
  await deliver(4);
});

test('turning an endpoint off, a new secret and deletion are confirmed first; a new secret is shown once', async () => {
  const { browser, user: admin } = await signedIn(t);
  const user = { id: admin.userId };
  const list = await browser.get('/admin/console/webhooks');
  const created = await browser.post('/admin/console/webhooks/changes/create', { csrf: csrfOf(list.body), url: 'https://hooks.example.com/a', events: '*' });
  const id = /href="\/admin\/console\/webhooks\/([0-9a-f-]{36})"/.exec(created.body)![1]!;
  const page = await browser.get(`/admin/console/webhooks/${id}`);
  const post = (change: string, fields: Record<string, string> = {}) =>
    browser.post(`/admin/console/webhooks/changes/${change}`, { csrf: csrfOf(page.body), endpoint: id, ...fields });

  const asked = await post('disable');
  assert.equal(asked.statusCode, 200);
  assert.match(asked.body, /Turn https:\/\/hooks\.example\.com\/a off\?/);
  assert.equal((await t.webhooks.admin.get(id)).disabled, false, 'not before the confirmation');
  assert.equal((await post('disable', { confirmed: '1' })).statusCode, 303);
  assert.equal((await t.webhooks.admin.get(id)).disabled, true);
  assert.match((await browser.get(`/admin/console/webhooks/${id}?done=disable`)).body, /The endpoint is off/);
  assert.equal((await post('enable')).statusCode, 303, 'turning on again destroys nothing: no question');
  assert.equal((await t.webhooks.admin.get(id)).disabled, false);

  const before = (await t.webhooks.admin.get(id)).sealedSecret;
  assert.equal((await post('rotate')).statusCode, 200);
  const rotated = await post('rotate', { confirmed: '1' });
  assert.equal(rotated.statusCode, 200);
  assert.ok(secretOf(rotated.body));
  assert.notEqual((await t.webhooks.admin.get(id)).sealedSecret, before);

  const wrong = await post('delete', { confirmed: '1', typed: 'https://hooks.example.com/b' });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.headers['gatehouse-error'], 'validation_failed');
  assert.equal((await post('delete', { confirmed: '1', typed: 'https://hooks.example.com/a' })).statusCode, 303);
  assert.equal((await browser.get(`/admin/console/webhooks/${id}`)).statusCode, 404);

  // each change is audited under the admin who made it in the console, as through the admin API
  await t.auditWriter!.flush();
  const records = (await t.stores.audit.find({ type: 'admin_webhook_changed', limit: 20 })).filter((r) => r.data.endpointId === id).reverse();
  assert.deepEqual(records.map((r) => r.data.change), ['created', 'updated', 'updated', 'secret_rotated', 'deleted']);
  for (const r of records) assert.equal(r.actorId, user.id, `${String(r.data.change)} names the admin`);
});

test('a change to a webhook after REAUTH_MAX_AGE asks for the password in place', async () => {
  const { user, browser } = await signedIn(t);
  const list = await browser.get('/admin/console/webhooks');
  t.clock.advance(11 * 60_000);
  try {
    const fields = { csrf: csrfOf(list.body), url: 'https://hooks.example.com/old', events: 'user.deleted' };
    const asked = await browser.post('/admin/console/webhooks/changes/create', fields);
    assert.equal(asked.statusCode, 403);
    assert.equal(asked.headers['gatehouse-error'], 'reauthentication_required');
    assert.match(asked.body, /name="password" type="password"/);
    assert.match(asked.body, /<input type="hidden" name="events" value="user.deleted">/, 'the form carries the events through');
    assert.ok(!(await t.webhooks.admin.list()).some((e) => e.url === fields.url));
    const done = await browser.post('/admin/console/webhooks/changes/create', { ...fields, password: user.password });
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual((await t.webhooks.admin.list()).find((e) => e.url === fields.url)?.events, ['user.deleted']);
  } finally {
    t.clock.advance(-11 * 60_000);
  }
});

test('a non-admin sees no webhook and changes none', async () => {
  const { browser } = await signedIn(t, 'user');
  assert.equal((await browser.get('/admin/console/webhooks')).statusCode, 403);
  const page = await browser.get('/signed-in');
  const res = await browser.post('/admin/console/webhooks/changes/create', { csrf: csrfOf(page.body), url: 'https://hooks.example.com/x', events: '*' });
  assert.equal(res.statusCode, 403);
  assert.ok(!(await t.webhooks.admin.list()).some((e) => e.url === 'https://hooks.example.com/x'));
  assert.equal((await t.app.inject({ method: 'GET', url: '/admin/console/webhooks' })).statusCode, 303, 'nobody signed in: to the sign-in page');
});
