// The pages' cookies (docs/architecture.md, "Pages"): read from the Cookie header, written as
// Set-Cookie lines (several per answer). HttpOnly and SameSite=Lax always; under an https
// PUBLIC_URL also Secure and the __Host- prefix (Path=/, no Domain), so no sibling host can set them.
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookie's name as sent: `__Host-<name>` when `secure`. */
export const cookieName = (name: string, secure: boolean): string => (secure ? `__Host-${name}` : name);

/** The value of cookie `name` (already prefixed), or undefined; values are base64url or dotted ids, never decoded. */
export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** Adds a Set-Cookie line; `maxAgeSeconds` 0 deletes the cookie. */
export function setCookie(reply: FastifyReply, name: string, value: string, { secure, maxAgeSeconds }: { secure: boolean; maxAgeSeconds?: number }): void {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (secure) parts.push('Secure');
  if (maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`);
  const line = parts.join('; ');
  const before = reply.getHeader('set-cookie');
  const lines = before === undefined ? [] : Array.isArray(before) ? before.map(String) : [String(before)];
  reply.header('set-cookie', [...lines.filter((old) => !old.startsWith(`${name}=`)), line]);
}
