// CSRF protection of every page form (docs/architecture.md, "Pages"): a signed double submit. A
// random value lives in its own cookie (HttpOnly, SameSite=Lax, __Host- under https); the form
// carries HMAC-SHA-256(key, value), which only the server can compute. A site that can plant a
// cookie still cannot make the matching form field, and a form without the cookie is refused.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, readCookie, setCookie } from './cookies.js';
import { pageKitOf } from './context.js';

const CSRF_COOKIE = 'gh_csrf';
const VALUE = /^[A-Za-z0-9_-]{43}$/;

const sign = (key: Buffer, value: string): string => createHmac('sha256', key).update(`csrf:${value}`).digest('base64url');

/** The token for this browser's forms; sets the cookie when the browser has none yet. */
export function issueCsrf(request: FastifyRequest, reply: FastifyReply): string {
  const kit = pageKitOf(request.server);
  const name = cookieName(CSRF_COOKIE, kit.secure);
  let value = readCookie(request, name);
  if (value === undefined || !VALUE.test(value)) {
    value = randomBytes(32).toString('base64url');
    setCookie(reply, name, value, { secure: kit.secure }); // a browser-session cookie: gone when the browser closes
  }
  return sign(kit.csrfKey, value);
}

/** Whether `token` (the form's csrf field) matches this browser's cookie. */
export function checkCsrf(request: FastifyRequest, token: unknown): boolean {
  const kit = pageKitOf(request.server);
  const value = readCookie(request, cookieName(CSRF_COOKIE, kit.secure));
  if (value === undefined || !VALUE.test(value) || typeof token !== 'string' || token.length > 128) return false;
  const expected = Buffer.from(sign(kit.csrfKey, value));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
