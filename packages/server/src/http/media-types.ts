// Which body types a route takes, and what to say when a body comes in another one: a 415 names
// the accepted types, and JSON sent as a form (what `curl -d '{…}'` does) is caught before the
// schema would blame a missing property.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AuthError } from '../core/errors.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const FORM_HEADER = /^\s*application\/x-www-form-urlencoded\s*(;|$)/i;

/** The types a route documents: its schema's `consumes` (the OpenAPI list), JSON by default. */
export function acceptedTypes(request: FastifyRequest): string[] {
  const consumes = (request.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes;
  return consumes?.length ? consumes : [JSON_TYPE];
}

export function unsupportedTypeMessage(request: FastifyRequest): string {
  const accepted = acceptedTypes(request);
  const sent = sentType(request);
  if (!sent) return `The request has a body but no content-type header: send it with content-type: ${accepted[0]}.`;
  return `${routeName(request)} takes ${accepted.join(' or ')}, not ${shorten(sent)}: send the body with content-type: ${accepted[0]}.`;
}

/**
 * preValidation hook: a form whose first field name starts with { or [ is JSON with the wrong
 * content type. 415 unsupported_media_type, as for any body in a type the route cannot use:
 * RFC 9110 §15.5.16 lets a server find the format problem "by inspecting the content directly".
 * It is synchronous and looks at the header first; checkFormBodies puts it on the routes that take a body.
 */
export function rejectJsonSentAsForm(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  if (!FORM_HEADER.test(request.headers['content-type'] ?? '') || !looksLikeJson(request.body)) return done();
  const accepted = acceptedTypes(request);
  const fix = accepted.includes(JSON_TYPE)
    ? `send it with content-type: ${JSON_TYPE}`
    : `${routeName(request)} takes ${accepted.join(' or ')}: send name=value pairs joined by &`;
  done(new AuthError('unsupported_media_type', `The body looks like JSON but was sent as ${FORM_TYPE} (curl -d does that): ${fix}.`));
}

/** Only routes that take a body get the check, so GET routes (the hot /users/me) run no extra hook. */
export function checkFormBodies(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (!methods.some((method) => method === 'POST' || method === 'PUT' || method === 'PATCH' || method === 'DELETE')) return;
    route.preValidation = [rejectJsonSentAsForm, ...[route.preValidation ?? []].flat()];
  });
}

function looksLikeJson(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const first = Object.keys(body)[0]?.trimStart();
  return first !== undefined && (first.startsWith('{') || first.startsWith('['));
}

function sentType(request: FastifyRequest): string | undefined {
  return request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() || undefined;
}

function routeName(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
}

/** The sent type is echoed back: cut short. */
function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
