// The cookie that binds a pending federated login to the browser that started it: HttpOnly,
// SameSite=Lax (the provider's redirect back is a top-level GET, which Lax lets through), Secure when
// PUBLIC_URL is https, scoped to /auth/federated/ and gone after ten minutes or at the callback.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PENDING_LOGIN_SECONDS } from '../../../core/federation/start-login.js';

const NAME = 'gatehouse_federation';
const PATH = '/auth/federated/';

export function setBrowserCookie(reply: FastifyReply, value: string, secure: boolean): void {
  reply.header('set-cookie', `${NAME}=${value}; Path=${PATH}; Max-Age=${PENDING_LOGIN_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
}

export function clearBrowserCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', `${NAME}=; Path=${PATH}; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`);
}

/** The cookie's value from the Cookie header (RFC 6265 §5.4), or undefined. */
export function readBrowserCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const [name, ...value] = pair.trim().split('=');
    if (name === NAME) return value.join('=');
  }
  return undefined;
}
