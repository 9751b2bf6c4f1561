// Shared by the OAuth 2.0 endpoint tests: form posts, HTTP Basic credentials and the RFC 6749 §5.2
// error shape that /oauth/revoke and /oauth/introspect answer in.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export const INTROSPECTOR = { id: 'orders-api', secret: 'orders-secret-0123456789' };
export const INTROSPECTION_CLIENTS = `${INTROSPECTOR.id}:${INTROSPECTOR.secret},billing:billing-secret-abcdefgh`;

export function basic(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` };
}

export function postForm(app: FastifyInstance, url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST', url, payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

export const introspect = (app: FastifyInstance, fields: Record<string, string>, headers = basic(INTROSPECTOR.id, INTROSPECTOR.secret)) =>
  postForm(app, '/oauth/introspect', fields, headers);

export const revoke = (app: FastifyInstance, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  postForm(app, '/oauth/revoke', fields, headers);

/** An RFC 6749 §5.2 error: exactly {error, error_description}, with the given status and error. */
export function assertOAuthError(res: LightMyRequestResponse, status: number, error: string): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description']);
  assert.equal(body.error, error);
  assert.equal(typeof body.error_description, 'string');
}
