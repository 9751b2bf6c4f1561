// A provider's failure as one stable code (core/federation/errors.ts): the person declined
// (access_denied), the provider could not be reached (provider_unavailable), or its answer failed a
// check (federation_failed). The provider's own text stays in the log's cause, never in an answer.
import * as client from 'openid-client';
import { AuthError } from '../errors.js';

const TIMEOUTS = new Set(['OAUTH_TIMEOUT', 'OAUTH_ABORT']);

export function providerFailure(error: unknown, provider: string): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied') {
    return new AuthError('access_denied', `Sign-in with ${provider} was declined.`, { cause: error });
  }
  if (unreachable(error)) return new AuthError('provider_unavailable', `${provider} cannot be reached; try again shortly.`, { cause: error });
  return new AuthError('federation_failed', `${provider}'s answer failed a check; sign-in stopped.`, { cause: error });
}

/** fetch's network failures (a TypeError with a cause), timeouts, and 5xx answers. */
function unreachable(error: unknown): boolean {
  if (error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined) return true;
  if (error instanceof client.ClientError && TIMEOUTS.has(error.code ?? '')) return true;
  if (error instanceof client.ClientError && ((error.cause as Response | undefined)?.status ?? 0) >= 500) return true;
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
