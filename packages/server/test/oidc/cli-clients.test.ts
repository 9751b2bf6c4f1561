// `gatehouse client add|list|show|rotate-secret|remove` end to end: the CLI runs as a child process
// on the database of a test app, and the admin API then shows the effect. The printed secret is the
// only copy: the store holds a digest that matches it under the same master secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, registerUser, bearer, TEST_SECRET } from '../helpers.js';
import { runCli } from '../cli/run-cli.js';
import { createClientSecrets } from '../../src/core/oidc/client-secrets.js';
import { deriveKey } from '../../src/core/tokens/keys.js';

const secrets = createClientSecrets(deriveKey(TEST_SECRET, 'oauth-client-secret'));
const secretOf = (stdout: string) => /^client_secret: (\S+)$/m.exec(stdout)?.[1];

test('client add prints the secret once; list, show, rotate-secret and remove act on the same registry as the admin API', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const env = { DATA_DIR: ctx.dir, GATEHOUSE_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' };
  const added = runCli(['client', 'add', '--client-id', 'grafana', '--name', 'Grafana',
    '--redirect-uris', 'https://grafana.example.com/login/generic_oauth,http://127.0.0.1:3001/cb', '--skip-consent'], env);
  assert.equal(added.status, 0, added.stderr);
  const secret = secretOf(added.stdout);
  assert.match(secret ?? '', /^[A-Za-z0-9_-]{43}$/);
  const stored = await ctx.stores.oauthClients.find('grafana');
  assert.deepEqual([stored!.redirectUris, stored!.skipConsent], [['https://grafana.example.com/login/generic_oauth', 'http://127.0.0.1:3001/cb'], true]);
  assert.ok(secrets.matches(secret!, stored!.secretDigest), 'the stored digest is that of the printed secret');

  const shown = runCli(['client', 'show', '--client-id', 'grafana', '--json'], env);
  assert.equal(shown.status, 0, shown.stderr);
  assert.equal(JSON.parse(shown.stdout).client_name, 'Grafana');
  assert.ok(!shown.stdout.includes(secret!) && !runCli(['client', 'list', '--json'], env).stdout.includes(secret!));

  const rotated = runCli(['client', 'rotate-secret', '--client-id', 'grafana'], env);
  assert.equal(rotated.status, 0, rotated.stderr);
  const digest = (await ctx.stores.oauthClients.find('grafana'))!.secretDigest;
  assert.ok(secrets.matches(secretOf(rotated.stdout)!, digest));
  assert.ok(!secrets.matches(secret!, digest), 'the old secret no longer matches');

  const admin = await registerUser(ctx.app);
  await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
  const viaApi = await ctx.app.inject({ method: 'GET', url: '/admin/clients/grafana', headers: bearer(admin.tokens.access_token) });
  assert.equal(viaApi.json().client_name, 'Grafana');

  assert.equal(runCli(['client', 'remove', '--client-id', 'grafana'], env).status, 0);
  assert.equal(await ctx.stores.oauthClients.find('grafana'), null);
  assert.equal(runCli(['client', 'list'], env).stdout, 'No clients yet; add one with gatehouse client add.\n');
});

test('client commands refuse what the admin API refuses, with exit 1 and one line; a missing --client-id is a usage error', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const env = { DATA_DIR: ctx.dir, GATEHOUSE_SECRET: TEST_SECRET, LOG_LEVEL: 'silent' };
  const bad = runCli(['client', 'add', '--redirect-uris', 'http://wiki.example.com/cb'], env);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /redirect_uris: "http:\/\/wiki\.example\.com\/cb" must be https/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack');
  const missing = runCli(['client', 'remove', '--client-id', 'nothing'], env);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /No client has this client_id/);
  assert.equal(runCli(['client', 'show'], env).status, 2);
});
