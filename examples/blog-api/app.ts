// The protected blog (the first example Gatehouse was built for), as a separate Fastify service
// that trusts Gatehouse access tokens through @gatehouse-auth/verify: any logged-in user reads and
// writes posts; only the author or an admin edits or deletes one.
import { STATUS_CODES } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
// In your own project: import { gatehouseVerify, type GatehouseFastifyOptions } from
// '@gatehouse-auth/verify';
import { gatehouseVerify, type GatehouseFastifyOptions } from '@gatehouse-auth/verify';
import { createPostStore, type Post, type PostDraft, type PostStore } from './posts.js';

export interface BlogOptions {
  /** How to verify tokens: keys (JWKS URL or shared secret), issuer, audience, … */
  verify: GatehouseFastifyOptions;
  now?: () => number;
  logger?: boolean;
}

const draftSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['title', 'body'],
  properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, body: { type: 'string', maxLength: 20_000 } },
};

type WithId = { Params: { id: string } };

export async function buildBlogApp(options: BlogOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  await app.register(gatehouseVerify, { realm: 'blog', ...options.verify });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.validation) return reply.code(400).send(problem(400, 'validation_failed', error.message));
    app.log.error(error);
    return reply.code(500).send(problem(500, 'internal_error', 'Something went wrong.'));
  });
  postRoutes(app, createPostStore(options.now));
  return app;
}

function postRoutes(app: FastifyInstance, posts: PostStore): void {
  const { requireUser } = app.gatehouse;
  app.get('/blog', { onRequest: requireUser }, async () => ({ posts: posts.list() }));
  app.post<{ Body: PostDraft }>('/blog', { onRequest: requireUser, schema: { body: draftSchema } }, async (request, reply) => {
    const user = request.user!;
    return reply.code(201).send(posts.create(request.body, { id: user.id, name: user.name }));
  });
  app.put<WithId & { Body: PostDraft }>('/blog/:id', { onRequest: requireUser, schema: { body: draftSchema } }, async (request, reply) => {
    const post = ownPost(posts, request, reply);
    return post ? posts.update(post.id, request.body) : reply;
  });
  app.delete<WithId>('/blog/:id', { onRequest: requireUser }, async (request, reply) => {
    const post = ownPost(posts, request, reply);
    if (post) posts.delete(post.id);
    return post ? reply.code(204).send() : reply;
  });
}

/** The post of `:id` if the caller wrote it or is an admin; otherwise answers 404/403 and returns null. */
function ownPost(posts: PostStore, request: FastifyRequest<WithId>, reply: FastifyReply): Post | null {
  const post = posts.find(request.params.id);
  const user = request.user!;
  if (!post) {
    reply.code(404).send(problem(404, 'post_not_found', 'No such post.'));
    return null;
  }
  if (post.author_id !== user.id && user.role !== 'admin') {
    reply.code(403).send(problem(403, 'not_post_author', 'Only the author or an admin may change this post.'));
    return null;
  }
  return post;
}

function problem(statusCode: number, code: string, message: string) {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
