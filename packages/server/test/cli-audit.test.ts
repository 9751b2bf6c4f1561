// `gatehouse audit`: the stored events, newest first, about one user or of one type, within a
// duration, as lines or JSON; a bad flag is a usage error (2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTestApp, registerUser } from './helpers.js';
import { runCli, tempDataDir } from './cli/run-cli.js';

test('gatehouse audit lists one user\'s events newest first, filters by type and --since, and prints JSON', async (t) => {
  const dir = tempDataDir(t);
  const env = { DATABASE_URL: `sqlite:${join(dir, 'gatehouse.db')}`, DATA_DIR: dir, NODE_ENV: 'test' };
  const ctx = await createTestApp(env);
  const ada = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);
  await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: ada.username, password: 'not the password' } });
  await ctx.close(); // writes the queued events

  const json = runCli(['audit', '--user', ada.username, '--json'], env);
  assert.equal(json.status, 0, json.stderr);
  const events = JSON.parse(json.stdout) as Array<{ type: string; subject_id: string; data: Record<string, unknown> }>;
  assert.deepEqual(events.map((e) => [e.type, e.subject_id]), [['login_failed', ada.userId], ['register', ada.userId]]);
  assert.equal(events[0]!.data.reason, 'invalid_credentials');

  const lines = runCli(['audit', '--type', 'register'], env);
  assert.equal(lines.status, 0, lines.stderr);
  const rows = lines.stdout.trim().split('\n');
  assert.equal(rows.length, 2);
  assert.ok(rows[0]!.includes(bob.userId) && rows[1]!.includes(ada.userId), lines.stdout);

  // the test app's clock stood at 2026-01-01: nothing is within the last hour of the real clock
  assert.equal(runCli(['audit', '--since', '1h'], env).stdout, 'No audit events match.\n');
  const bad = runCli(['audit', '--since', 'soon'], env);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--since must be a duration/);
  assert.equal(runCli(['audit', '--user', 'nobody-here'], env).status, 1);
});
