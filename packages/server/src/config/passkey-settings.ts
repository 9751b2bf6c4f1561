// The WebAuthn relying party (docs/configuration.md, "Passkeys"): its id (WEBAUTHN_RP_ID), the name
// authenticators show (WEBAUTHN_RP_NAME) and the origins whose ceremonies are accepted
// (WEBAUTHN_ORIGINS). Read by config.ts; outside production they default from PUBLIC_URL.
import { isIP } from 'node:net';
import { ConfigError } from './config-error.js';

export interface PasskeySettings {
  /** A registrable domain (WebAuthn §5.1.2): every origin's host is it or one of its subdomains. */
  rpId: string;
  rpName: string;
  origins: readonly string[];
}

type Env = Record<string, string | undefined>;

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Outside production, unset values come from PUBLIC_URL (browsers refuse an IP address as RP id, so
 * a loopback PUBLIC_URL, the development default, gives "localhost", and any other IP address none). In production both
 * WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS must be set for passkeys to be served: the ceremony runs on
 * the app's pages, whose origins Gatehouse cannot guess, and an RP id binds every passkey
 * registered under it for good. Without them passkeys are off (undefined) and the start warns;
 * with only one of them the start fails.
 */
export function readPasskeySettings(env: Env, nodeEnv: string, publicUrl: string | undefined): Readonly<PasskeySettings> | undefined {
  const rpIdSet = env.WEBAUTHN_RP_ID?.trim() || undefined;
  const originsSet = env.WEBAUTHN_ORIGINS?.trim() || undefined;
  // an RP id cannot be an IP address: a PUBLIC_URL on one (other than loopback) gives no default
  const fallback = nodeEnv === 'production' || !publicUrl || isNonLoopbackIp(new URL(publicUrl).hostname) ? undefined : publicUrl;
  if (!fallback && !(rpIdSet && originsSet)) {
    if (rpIdSet || originsSet) throw new ConfigError(rpIdSet ? 'WEBAUTHN_ORIGINS' : 'WEBAUTHN_RP_ID', `must be set too when WEBAUTHN_${rpIdSet ? 'RP_ID' : 'ORIGINS'} is`);
    return undefined;
  }
  const origins = originsSet ? readOrigins(originsSet) : defaultOrigins(fallback!);
  const rpId = rpIdSet?.toLowerCase() ?? defaultRpId(fallback!);
  if (!HOST_NAME.test(rpId) || isIP(rpId)) {
    throw new ConfigError('WEBAUTHN_RP_ID', `must be a domain name such as example.com (browsers refuse IP addresses); got "${rpId}"`);
  }
  const outside = origins.find((origin) => !withinRpId(new URL(origin).hostname, rpId));
  if (outside) throw new ConfigError('WEBAUTHN_ORIGINS', `origin ${outside} is not on ${rpId} or a subdomain of it (WEBAUTHN_RP_ID)`);
  const rpName = env.WEBAUTHN_RP_NAME?.trim() || 'Gatehouse';
  if (rpName.length > 64 || /[\p{Cc}]/u.test(rpName)) throw new ConfigError('WEBAUTHN_RP_NAME', 'must be at most 64 characters, without control characters');
  return Object.freeze({ rpId, rpName, origins: Object.freeze(origins) });
}

/** Exact origins, https except on loopback (a browser offers WebAuthn only in a secure context). */
function readOrigins(value: string): string[] {
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  const problem = 'must be origins like https://app.example.com,https://example.com (http only for localhost)';
  for (const item of items) {
    const url = URL.canParse(item) ? new URL(item) : undefined;
    if (!url || url.origin !== item.replace(/\/$/, '') || !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname)))) {
      throw new ConfigError('WEBAUTHN_ORIGINS', `${problem}; got "${item}"`);
    }
  }
  if (items.length === 0) throw new ConfigError('WEBAUTHN_ORIGINS', problem);
  return [...new Set(items.map((item) => new URL(item).origin))];
}

/** PUBLIC_URL's origin; on loopback, that port on localhost (the RP id then; open the demo there). */
function defaultOrigins(publicUrl: string): string[] {
  const url = new URL(publicUrl);
  if (LOOPBACK.has(url.hostname)) url.hostname = 'localhost';
  return [url.origin];
}

function defaultRpId(publicUrl: string): string {
  const { hostname } = new URL(publicUrl);
  return LOOPBACK.has(hostname) ? 'localhost' : hostname;
}

function isNonLoopbackIp(hostname: string): boolean {
  return !LOOPBACK.has(hostname) && isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}

function withinRpId(host: string, rpId: string): boolean {
  return host === rpId || host.endsWith(`.${rpId}`);
}
