// examples/blog-api against the real Gatehouse: any logged-in user reads and writes posts; only
// the author or an admin edits or deletes one. With the access key (HS256, `gatehouse secret
// --access-key`) through inject, and with the JWKS URL of a Gatehouse listening on loopback (EdDSA).
// Its start refuses to run without a key, and never asks for the master secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildBlogApp } from 'gatehouse-example-blog-api/app';
import { main } from 'gatehouse-example-blog-api/main';
import { accessKeySource, remoteJwksKeySource } from '@gatehouse-auth/verify';
import { deriveKey } from '../../src/core/tokens/keys.js';
import { TEST_SECRET, createTestApp, failure, registerUser, type TestApp } from '../helpers.js';
import { listenGatehouse, userWithRole } from '../verify/servers.js';

async function setup(t: { after(fn: () => Promise<void>): void }): Promise<{ ctx: TestApp; blog: FastifyInstance }> {
  const ctx = await createTestApp();
  const keys = accessKeySource(deriveKey(TEST_SECRET, 'access').toString('base64url')); // what `gatehouse secret --access-key` prints
  const blog = await buildBlogApp({ verify: { keys, now: () => ctx.clock.now() }, now: () => ctx.clock.now() });
  t.after(async () => {
    await blog.close();
    await ctx.close();
  });
  return { ctx, blog };
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = (blog: FastifyInstance, method: Method, url: string, token?: string, payload?: object) =>
  blog.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });

const DRAFT = { title: 'Hello', body: 'First post.' };

test('GET /blog without a token answers 401 missing_token with a Bearer challenge', async (t) => {
  const { blog } = await setup(t);
  const res = await call(blog, 'GET', '/blog');
  assert.deepEqual(failure(res), { status: 401, code: 'missing_token' });
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="blog"');
});

test('any logged-in user creates a post (201, authored by them) and every logged-in user lists it', async (t) => {
  const { ctx, blog } = await setup(t);
  const alice = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);
  const created = await call(blog, 'POST', '/blog', alice.tokens.access_token, DRAFT);
  assert.equal(created.statusCode, 201);
  const stamp = new Date(ctx.clock.now()).toISOString();
  const post = created.json();
  assert.deepEqual(post, { id: post.id, ...DRAFT, author_id: alice.userId, author_name: alice.username, created_at: stamp, updated_at: stamp });
  const listed = await call(blog, 'GET', '/blog', bob.tokens.access_token);
  assert.equal(listed.statusCode, 200);
  assert.deepEqual(listed.json(), { posts: [post] });
});

test('only the author may edit or delete a post: another user gets 403 not_post_author', async (t) => {
  const { ctx, blog } = await setup(t);
  const alice = await registerUser(ctx.app);
  const bob = await registerUser(ctx.app);
  const { id } = (await call(blog, 'POST', '/blog', alice.tokens.access_token, DRAFT)).json();
  assert.deepEqual(failure(await call(blog, 'PUT', `/blog/${id}`, bob.tokens.access_token, { title: 'Mine now', body: '' })),
    { status: 403, code: 'not_post_author' });
  assert.deepEqual(failure(await call(blog, 'DELETE', `/blog/${id}`, bob.tokens.access_token)), { status: 403, code: 'not_post_author' });
  ctx.clock.advance(60_000);
  const edited = await call(blog, 'PUT', `/blog/${id}`, alice.tokens.access_token, { title: 'Hello again', body: 'Edited.' });
  assert.equal(edited.statusCode, 200);
  assert.equal(edited.json().title, 'Hello again');
  assert.equal(edited.json().updated_at, new Date(ctx.clock.now()).toISOString());
  assert.equal((await call(blog, 'DELETE', `/blog/${id}`, alice.tokens.access_token)).statusCode, 204);
  assert.deepEqual((await call(blog, 'GET', '/blog', alice.tokens.access_token)).json(), { posts: [] });
});

test('an admin may edit and delete anyone\'s post', async (t) => {
  const { ctx, blog } = await setup(t);
  const alice = await registerUser(ctx.app);
  const admin = await userWithRole(ctx, 'admin');
  const { id } = (await call(blog, 'POST', '/blog', alice.tokens.access_token, DRAFT)).json();
  const edited = await call(blog, 'PUT', `/blog/${id}`, admin.accessToken, { title: 'Moderated', body: '…' });
  assert.equal(edited.statusCode, 200);
  assert.equal(edited.json().author_id, alice.userId, 'the author stays the author');
  assert.equal((await call(blog, 'DELETE', `/blog/${id}`, admin.accessToken)).statusCode, 204);
});

test('editing or deleting a post that does not exist answers 404 post_not_found; a bad body 400 validation_failed', async (t) => {
  const { ctx, blog } = await setup(t);
  const alice = await registerUser(ctx.app);
  assert.deepEqual(failure(await call(blog, 'PUT', '/blog/nope', alice.tokens.access_token, DRAFT)), { status: 404, code: 'post_not_found' });
  assert.deepEqual(failure(await call(blog, 'DELETE', '/blog/nope', alice.tokens.access_token)), { status: 404, code: 'post_not_found' });
  assert.deepEqual(failure(await call(blog, 'POST', '/blog', alice.tokens.access_token, { title: '' })), { status: 400, code: 'validation_failed' });
});

test('an expired token is refused by the blog with 401 token_expired', async (t) => {
  const { ctx, blog } = await setup(t);
  const alice = await registerUser(ctx.app);
  ctx.clock.advance(16 * 60 * 1000);
  assert.deepEqual(failure(await call(blog, 'GET', '/blog', alice.tokens.access_token)), { status: 401, code: 'token_expired' });
});

test('with JWT_ALG=EdDSA the blog verifies through the JWKS URL of a listening Gatehouse', async (t) => {
  const server = await listenGatehouse({ JWT_ALG: 'EdDSA' });
  const blog = await buildBlogApp({ verify: { keys: remoteJwksKeySource(server.jwksUrl), now: () => server.clock.now() } });
  t.after(async () => {
    await blog.close();
    await server.close();
  });
  const alice = await registerUser(server.app);
  const bob = await registerUser(server.app);
  const { id } = (await call(blog, 'POST', '/blog', alice.tokens.access_token, DRAFT)).json();
  assert.equal((await call(blog, 'GET', '/blog', bob.tokens.access_token)).json().posts.length, 1);
  assert.deepEqual(failure(await call(blog, 'DELETE', `/blog/${id}`, bob.tokens.access_token)), { status: 403, code: 'not_post_author' });
  assert.equal(server.jwksRequests(), 1);
});

test('the blog will not start without GATEHOUSE_JWKS_URL or GATEHOUSE_ACCESS_KEY, and says the master secret is not what it wants', async () => {
  await assert.rejects(main({}), { message: /^set GATEHOUSE_JWKS_URL \(asymmetric tokens\) or GATEHOUSE_ACCESS_KEY \(HS256: `npx gatehouse secret --access-key`\)$/ });
  await assert.rejects(main({ GATEHOUSE_SECRET: TEST_SECRET }), { message: /\(not GATEHOUSE_SECRET: the blog never needs the master secret\)$/ });
  await assert.rejects(main({ GATEHOUSE_ACCESS_KEY: TEST_SECRET.slice(1) }), TypeError);
});
