// The client credentials a request to POST /token, /oauth/revoke or /oauth/introspect carries
// (RFC 6749 §2.3.1): HTTP Basic, or client_id and client_secret in the form, never both; a public
// client's client_id alone. Checked by core/oidc/authenticate-client.ts.
import type { FastifyRequest } from 'fastify';
import { AuthError } from '../../../core/errors.js';
import type { PresentedClient } from '../../../core/oidc/authenticate-client.js';
import { basicCredentials } from './basic-credentials.js';

export function presentedClient(request: FastifyRequest, form: { client_id?: string; client_secret?: string }): PresentedClient {
  const basic = basicCredentials(request.headers.authorization);
  if (basic.length > 0 && form.client_secret !== undefined) {
    throw new AuthError('validation_failed', 'Authenticate the client one way: HTTP Basic or client_secret in the form, not both (RFC 6749 §2.3).');
  }
  if (basic.length > 0) {
    if (form.client_id !== undefined && !basic.some(({ id }) => id === form.client_id)) {
      throw new AuthError('invalid_client', 'client_id in the form is not the client of the Basic credentials.');
    }
    return { kind: 'secret', candidates: basic.map(({ id, secret }) => ({ clientId: id, secret, method: 'client_secret_basic' })) };
  }
  if (form.client_id !== undefined && form.client_secret !== undefined) {
    return { kind: 'secret', candidates: [{ clientId: form.client_id, secret: form.client_secret, method: 'client_secret_post' }] };
  }
  if (form.client_id !== undefined) return { kind: 'public', clientId: form.client_id };
  return { kind: 'none' };
}
