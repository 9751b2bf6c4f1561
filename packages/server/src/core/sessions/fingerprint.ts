// The client a refresh-token rotation is bound to: its user agent and its address prefix (/24 for
// IPv4, /64 for IPv6), kept only as an HMAC. Only that client may replay the previous refresh token
// inside the grace window (docs/architecture.md, "Refresh"; docs/hardening.md, "Stolen token pairs").
import { createHmac } from 'node:crypto';
import { addressBucket, type BucketPrefix } from '../address-bucket.js';
import type { RequestContext } from '../context.js';

/** HMAC-SHA256 of a client's address prefix and user agent, hex: what a session keeps of the rotating client. */
export type ClientFingerprint = (ctx: Pick<RequestContext, 'ip' | 'userAgent'>) => string;

/**
 * The network an address belongs to: `a.b.c.0/24` for IPv4 (an IPv4-mapped IPv6 address too),
 * `x:x:x:x::/64` for IPv6 (RFC 4291 §2.5.4: the interface id is the last 64 bits, and privacy
 * addresses, RFC 8981, change it every day). Anything that is not an IP address comes back as it is.
 */
export const addressPrefix = (ip: string): string => addressBucket(ip, CLIENT_NETWORK);

const CLIENT_NETWORK: BucketPrefix = { v4: 24, v6: 64 };

/**
 * The fingerprint, keyed with a key derived from the master secret: a database reader cannot test
 * guesses of address and browser against it, and nothing of the raw address or user agent is kept.
 */
export function createClientFingerprint(key: Uint8Array): ClientFingerprint {
  return (ctx) => createHmac('sha256', key).update(`${addressPrefix(ctx.ip)}\n${ctx.userAgent ?? ''}`).digest('hex');
}
