import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, registerUser, bearer } from '../../helpers.js';

test('a registered user reads /users/me with the access token', async (t) => {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  const { tokens, username } = await registerUser(ctx.app);
  const res = await ctx.app.inject({ method: 'GET', url: '/users/me', headers: bearer(tokens.access_token) });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json().username, username);
});
