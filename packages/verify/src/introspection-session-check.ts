// Optional, for services without Redis: refuse tokens whose session was logged out by asking the
// Gatehouse server's introspection endpoint (RFC 7662, POST /oauth/introspect), so a logout is felt
// within `cacheSeconds` instead of at `exp`. Answers are kept per session in a cache bounded in size
// and time; concurrent checks of one session share one request. Global fetch only: no dependency.
import { VerifyError } from './errors.js';
import type { SessionCheck } from './redis-session-check.js';

export interface IntrospectionSessionCheckOptions {
  /** The server's introspection endpoint, e.g. https://auth.example.com/oauth/introspect. */
  url: string;
  /** This service's id and secret in the server's INTROSPECTION_CLIENTS. */
  clientId: string;
  clientSecret: string;
  /** How long an answer is reused, live or logged out. Default 5; 0 asks every time; at most 300. */
  cacheSeconds?: number;
  /** Sessions remembered at most; the oldest answer goes first. Default 10 000. */
  maxEntries?: number;
  /** How long to wait for the server. Default 2000. */
  timeoutMs?: number;
  /** Milliseconds since the epoch; for tests. Default Date.now. */
  now?: () => number;
}

interface Entry {
  expiresAtMs: number;
  revoked: Promise<boolean>;
}

export function introspectionSessionCheck(options: IntrospectionSessionCheckOptions): SessionCheck {
  const settings = checkOptions(options);
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  return async (userId, sessionId, token) => {
    const key = `${userId}\n${sessionId}`;
    const nowMs = now();
    const cached = entries.get(key);
    if (cached && cached.expiresAtMs > nowMs) return cached.revoked;
    entries.delete(key);
    const revoked = ask(settings, token, userId, sessionId);
    if (settings.cacheMs > 0) {
      if (entries.size >= settings.maxEntries) entries.delete(entries.keys().next().value!); // Maps iterate oldest first
      entries.set(key, { expiresAtMs: nowMs + settings.cacheMs, revoked });
      revoked.catch(() => entries.get(key)?.revoked === revoked && entries.delete(key)); // a failure is never reused
    }
    return revoked;
  };
}

interface Settings {
  url: string;
  authorization: string;
  cacheMs: number;
  maxEntries: number;
  timeoutMs: number;
}

/** One question to the server: revoked unless it answers active for this very user and session. */
async function ask(settings: Settings, token: string, userId: string, sessionId: string): Promise<boolean> {
  let response: Response;
  try {
    response = await fetch(settings.url, {
      method: 'POST',
      headers: { authorization: settings.authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    throw unavailable('could not be reached', error);
  }
  // Fail closed, as the Redis check does: without an answer nobody can tell a live session from a logged-out one.
  if (response.status === 401) throw unavailable('refused this client id and secret (check INTROSPECTION_CLIENTS)');
  if (response.status !== 200) throw unavailable(`answered ${response.status}`);
  const answer = (await response.json().catch(() => undefined)) as { active?: unknown; sub?: unknown; sid?: unknown } | undefined;
  if (typeof answer?.active !== 'boolean') throw unavailable('did not answer RFC 7662 JSON');
  return !(answer.active && answer.sub === userId && answer.sid === sessionId);
}

function unavailable(what: string, cause?: unknown): VerifyError {
  return new VerifyError('introspection_unavailable', `The introspection endpoint ${what}; try again shortly.`, { cause });
}

/** RFC 6749 §2.3.1: the id and secret are form-encoded, then sent as HTTP Basic. */
const formEncode = (text: string) => new URLSearchParams({ v: text }).toString().slice(2);

function checkOptions(options: IntrospectionSessionCheckOptions): Settings {
  const name = 'introspectionSessionCheck';
  if (typeof options?.url !== 'string' || !URL.canParse(options.url) || !/^https?:$/.test(new URL(options.url).protocol)) {
    throw new TypeError(`${name}: url must be the http(s) URL of the server's /oauth/introspect`);
  }
  if (typeof options.clientId !== 'string' || !options.clientId || typeof options.clientSecret !== 'string' || !options.clientSecret) {
    throw new TypeError(`${name}: clientId and clientSecret must be the id and secret of one of the server's INTROSPECTION_CLIENTS`);
  }
  const cacheSeconds = options.cacheSeconds ?? 5;
  const maxEntries = options.maxEntries ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!(cacheSeconds >= 0 && cacheSeconds <= 300)) throw new TypeError(`${name}: cacheSeconds must be from 0 to 300`);
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError(`${name}: maxEntries must be a whole number of at least 1`);
  if (!(timeoutMs > 0)) throw new TypeError(`${name}: timeoutMs must be a positive number`);
  const credentials = `${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`;
  return { url: options.url, authorization: `Basic ${Buffer.from(credentials).toString('base64')}`, cacheMs: cacheSeconds * 1000, maxEntries, timeoutMs };
}
