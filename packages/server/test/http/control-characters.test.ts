// Control characters (Unicode Cc) in any free-text field answer 400 validation_failed before any
// password is hashed or verified, on every SQL backend, and log nothing at error level. On
// PostgreSQL a NUL in `full_name` used to reach the INSERT after the hash: 503 store_unavailable
// and an error-level stack, so anyone could trip the store-errors alert.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, PASSWORD, registerUser, type TestApp } from '../helpers.js';
import { sqlBackends, unavailable } from '../storage/backends.js';

const CONTROLS = ['\u0000', 'a\u0000b', '\u0001', '\u001b[31m', 'line\nbreak', 'tab\there', '\u007f', '\u0085', '\u009f'];
const ERROR_LEVEL = 50; // pino: error and fatal

/** Hashes and verifications so far, from the app's own metrics. */
async function hashCount(ctx: TestApp): Promise<number> {
  const text = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
  return [...text.matchAll(/^gatehouse_password_hash_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

function assertRefused(res: LightMyRequestResponse, label: string, error = 'validation_failed'): void {
  assert.equal(res.statusCode, 400, `${label}: ${res.body}`);
  const body = res.json();
  assert.equal(body.code ?? body.error, error, `${label}: ${res.body}`);
}

for (const { backend, variable } of sqlBackends) {
  describe(`control characters on ${backend.name}`, { skip: variable ? unavailable(variable) : false }, () => {
    async function setup(t: { after(fn: () => Promise<void>): void }) {
      const { url, drop } = await backend.create();
      const logs: Array<{ level: number; msg?: string }> = [];
      const ctx = await createTestApp({ DATABASE_URL: url, LOG_LEVEL: 'info' }, { logStream: { write: (line: string) => { logs.push(JSON.parse(line)); } } });
      t.after(async () => {
        await ctx.close();
        await drop();
      });
      return { ctx, logs };
    }

    test('register refuses one in full_name, username or email with 400 validation_failed, before hashing, logging no error', async (t) => {
      const { ctx, logs } = await setup(t);
      const hashesBefore = await hashCount(ctx);
      for (const bad of CONTROLS) {
        const fields = { username: `nul_${Math.random().toString(36).slice(2, 8)}`, email: 'nul@example.com', password: PASSWORD, full_name: 'Ann Lee' };
        for (const field of ['full_name', 'username', 'email'] as const) {
          const payload = { ...fields, [field]: field === 'email' ? `a${bad}@example.com` : `Ann${bad}` };
          assertRefused(await ctx.app.inject({ method: 'POST', url: '/auth/register', payload }), `${field} ${JSON.stringify(bad)}`);
        }
      }
      assert.equal(await hashCount(ctx), hashesBefore, 'no password was hashed');
      assert.equal(await ctx.stores.users.findByLogin('nul@example.com'), null);
      assert.deepEqual(logs.filter((line) => line.level >= ERROR_LEVEL), []);
      const ok = await ctx.app.inject({ method: 'POST', url: '/auth/register', payload: { username: 'ann', email: 'ann@example.com', password: PASSWORD, full_name: 'Ann Lée 😀' } });
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal(ok.json().user.full_name, 'Ann Lée 😀');
    });

    test('login, the password grant and the admin search refuse one before any lookup or hashing, logging no error', async (t) => {
      const { ctx, logs } = await setup(t);
      const admin = await registerUser(ctx.app);
      await ctx.stores.users.update(admin.userId, { role: 'admin' }, new Date(ctx.clock.now()));
      const hashesBefore = await hashCount(ctx);
      const form = (fields: Record<string, string>) => ({
        method: 'POST' as const, url: '/token', payload: new URLSearchParams(fields).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      for (const bad of CONTROLS) {
        const label = JSON.stringify(bad);
        assertRefused(await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { username: `a${bad}`, password: PASSWORD } }), `login username ${label}`);
        assertRefused(await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { email: `a${bad}@example.com`, password: PASSWORD } }), `login email ${label}`);
        for (const field of ['username', 'scope', 'client_id']) {
          const fields = { grant_type: 'password', username: admin.username, password: PASSWORD, [field]: `a${bad}` };
          assertRefused(await ctx.app.inject(form(fields)), `/token ${field} ${label}`, 'invalid_request');
        }
        const search = await ctx.app.inject({ method: 'GET', url: `/admin/users?q=${encodeURIComponent(`a${bad}`)}`, headers: { authorization: `Bearer ${admin.tokens.access_token}` } });
        assertRefused(search, `admin q ${label}`);
      }
      assert.equal(await hashCount(ctx), hashesBefore, 'no password was hashed or verified');
      assert.deepEqual(logs.filter((line) => line.level >= ERROR_LEVEL), []);
    });
  });
}
