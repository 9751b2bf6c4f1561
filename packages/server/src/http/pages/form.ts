// What the page routes share: reading a posted form's fields, the CSRF refusal, mapping a core
// error to the message a page shows (the same code as the JSON API, a sentence of the page's
// language), and the language a request carries along.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authErrorOf, type ErrorCode } from '../../core/errors.js';
import { checkCsrf } from './csrf.js';
import { renderError } from './error-page.js';
import { sendPage } from './layout.js';
import { pickLang, t, type Lang, type MessageKey } from './i18n.js';

/** A posted form's field as text (at most `max` characters), or '' when absent or not text. */
export function field(request: FastifyRequest, name: string, max = 1024): string {
  const body = request.body as Record<string, unknown> | null | undefined;
  const value = body && typeof body === 'object' ? body[name] : undefined;
  return typeof value === 'string' && value.length <= max ? value : '';
}

/** A query parameter as text, or ''. */
export function queryParam(request: FastifyRequest, name: string, max = 1024): string {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value.length <= max ? value : '';
}

/** The ui_locales a page carries along: from the query on the first GET, from the hidden field after. */
export function uiLocalesOf(request: FastifyRequest): string {
  return (request.method === 'GET' ? queryParam(request, 'ui_locales', 256) : field(request, 'ui_locales', 256)).replace(/[^A-Za-z0-9 -]/g, '');
}

export const langOf = (request: FastifyRequest): Lang => pickLang(request, uiLocalesOf(request) || undefined);

/**
 * A posted page form without the browser's CSRF token is refused: 403 with the stable code
 * `csrf_failed` in the page (docs/api.md) and in the Gatehouse-Error header. Returns whether it was.
 */
export function refusedCsrf(request: FastifyRequest, reply: FastifyReply): boolean {
  if (checkCsrf(request, field(request, 'csrf', 128))) return false;
  const lang = langOf(request);
  sendPage(reply.header('gatehouse-error', 'csrf_failed'), {
    status: 403, lang, title: t(lang, 'error.title'), body: renderError({ lang, message: t(lang, 'error.csrf'), code: 'csrf_failed' }),
  });
  return true;
}

/** The sentence a page shows for a core error, by its code; never the account's existence (invalid_credentials covers both). */
const PAGE_MESSAGES: Partial<Record<ErrorCode, MessageKey>> = {
  invalid_credentials: 'error.credentials',
  credentials_changed: 'error.credentials',
  rate_limited: 'error.rateLimited',
  overloaded: 'error.unavailable',
  store_unavailable: 'error.unavailable',
  user_disabled: 'error.disabled',
  email_not_verified: 'error.unverified',
  invalid_mfa_code: 'error.secondStep',
  totp_code_used: 'error.secondStep',
  factor_not_enrolled: 'error.secondStep',
  invalid_mfa_token: 'error.secondStepOver',
  mfa_token_expired: 'error.secondStepOver',
  mfa_attempts_exceeded: 'error.secondStepOver',
  validation_failed: 'error.invalid',
  link_invalid: 'error.resetLink',
  link_expired: 'error.resetLink',
  feature_disabled: 'error.notFound',
  invalid_username: 'error.registration',
  invalid_email: 'error.registration',
  username_taken: 'error.registration',
  email_taken: 'error.registration',
  password_too_short: 'error.weakPassword',
  password_too_long: 'error.weakPassword',
  password_too_common: 'error.weakPassword',
  password_breached: 'error.weakPassword',
  password_contains_identity: 'error.weakPassword',
};

export interface PageFailure {
  status: number;
  code: ErrorCode;
  message: string;
}

/** A core error as a page shows it; anything that is not an AuthError is thrown on (the error handler answers 500). */
export function pageFailure(error: unknown, lang: Lang, reply: FastifyReply): PageFailure {
  const known = authErrorOf(error);
  if (!known) throw error;
  if (known.retryAfterSeconds !== undefined) reply.header('retry-after', String(known.retryAfterSeconds));
  reply.header('gatehouse-error', known.code);
  return { status: known.statusCode, code: known.code, message: t(lang, PAGE_MESSAGES[known.code] ?? 'error.generic') };
}
