// The answer when no route matches: 405 method_not_allowed with an Allow header when the path
// exists under other methods (RFC 9110 §15.5.6), 404 not_found otherwise. The paths and their
// methods are collected from every route as it is added (onRoute), so no route lists them twice.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AuthError } from '../core/errors.js';

interface KnownPath {
  pattern: RegExp;
  methods: Set<string>;
}

/** The order Allow lists methods in; any other method follows, alphabetically. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Call before any route is added: the hook sees only the routes added after it. */
export function registerNotFound(app: FastifyInstance): void {
  const paths = new Map<string, KnownPath>();
  app.addHook('onRoute', (route) => collect(paths, route));
  app.setNotFoundHandler((request, reply) => answerMiss([...paths.values()], request, reply));
}

function collect(paths: Map<string, KnownPath>, route: RouteOptions): void {
  // A catch-all (@fastify/cors answers preflights on OPTIONS *) says nothing about which paths exist.
  if (route.url === '*' || route.url === '/*') return;
  const known = paths.get(route.url) ?? { pattern: toPattern(route.url), methods: new Set<string>() };
  for (const method of [route.method].flat()) known.methods.add(method.toUpperCase());
  paths.set(route.url, known);
}

/** Fastify's route syntax as a regular expression: `:name` is one segment, `*` the rest. */
export function toPattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replaceAll('::', ':').replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** The methods a path answers, in Allow order; empty when no route has that path. */
export function allowedMethods(paths: KnownPath[], path: string): string[] {
  const methods = new Set<string>();
  for (const known of paths) if (known.pattern.test(path)) for (const method of known.methods) methods.add(method);
  const rank = (method: string) => (METHOD_ORDER.includes(method) ? METHOD_ORDER.indexOf(method) : METHOD_ORDER.length);
  return [...methods].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function answerMiss(paths: KnownPath[], request: FastifyRequest, reply: FastifyReply): never {
  const path = request.url.split('?')[0] ?? '/';
  const allowed = allowedMethods(paths, path);
  const shown = path.length > 100 ? `${path.slice(0, 100)}…` : path;
  // A route that exists under this very method and sent the caller here (reply.callNotFound) is a plain 404.
  if (allowed.length === 0 || allowed.includes(request.method)) throw new AuthError('not_found', 'No such route.');
  reply.header('allow', allowed.join(', '));
  throw new AuthError('method_not_allowed', `${request.method} is not allowed on ${shown}; it takes ${allowed.join(', ')}.`);
}
