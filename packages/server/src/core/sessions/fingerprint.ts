// The client a refresh-token rotation is bound to: its user agent and its address prefix (/24 for
// IPv4, /64 for IPv6), kept only as an HMAC. Only that client may replay the previous refresh token
// inside the grace window (docs/architecture.md, "Refresh"; docs/hardening.md, "Stolen token pairs").
import { createHmac } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { RequestContext } from '../context.js';

/** HMAC-SHA256 of a client's address prefix and user agent, hex: what a session keeps of the rotating client. */
export type ClientFingerprint = (ctx: RequestContext) => string;

/**
 * The network an address belongs to: `a.b.c.0/24` for IPv4 (an IPv4-mapped IPv6 address too),
 * `x:x:x:x::/64` for IPv6 (RFC 4291 §2.5.4: the interface id is the last 64 bits, and privacy
 * addresses, RFC 8981, change it every day). Anything that is not an IP address comes back as it is.
 * Pure, so rate-limit bucketing can share it.
 */
export function addressPrefix(ip: string): string {
  if (isIPv4(ip)) return ipv4Prefix(ip);
  const address = ip.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names a local interface, not a network
  if (!isIPv6(address)) return ip;
  const groups = ipv6Groups(address);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff; // ::ffff:a.b.c.d (RFC 4291 §2.5.5.2)
  if (mapped) return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.0/24`;
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}

function ipv4Prefix(ip: string): string {
  return `${ip.slice(0, ip.lastIndexOf('.'))}.0/24`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing dotted IPv4 part converted). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').flatMap((group) => {
    if (!group.includes('.')) return [parseInt(group, 16)];
    const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
    return [(a << 8) | b, (c << 8) | d];
  }));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
}

/**
 * The fingerprint, keyed with a key derived from the master secret: a database reader cannot test
 * guesses of address and browser against it, and nothing of the raw address or user agent is kept.
 */
export function createClientFingerprint(key: Uint8Array): ClientFingerprint {
  return (ctx) => createHmac('sha256', key).update(`${addressPrefix(ctx.ip)}\n${ctx.userAgent ?? ''}`).digest('hex');
}
