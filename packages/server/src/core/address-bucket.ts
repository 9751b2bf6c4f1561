// Address buckets for limits per source. An IPv6 site is handed a /64 at least (RFC 6177 §2,
// RFC 7421), so one of its 2^64 addresses says no more than the /64 does: a limit per address is
// none. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is the IPv4 client it maps.
import { isIPv4, isIPv6 } from 'node:net';

export interface BucketPrefix {
  /** Leading bits of an IPv4 address that name its bucket (32: the address itself). */
  v4: number;
  /** Leading bits of an IPv6 address that name its bucket. */
  v6: number;
}

/** The per-IP rate limits' buckets: one IPv4 address, one IPv6 /64. */
export const RATE_LIMIT_BUCKET: BucketPrefix = { v4: 32, v6: 64 };

/**
 * The bucket `ip` falls in, as a key: `203.0.113.7`, `203.0.113.0/24`, `2001:db8:0:1::/64`. The
 * same network always gives the same key, however its address was written. Anything that is not
 * an IP address is its own bucket.
 */
export function addressBucket(ip: string, prefix: BucketPrefix): string {
  if (isIPv4(ip)) return prefix.v4 >= 32 ? ip : ipv4Bucket(ip.split('.').map(Number), prefix.v4);
  const address = ip.split('%')[0]!; // a zone (fe80::1%eth0) is the same address
  if (!isIPv6(address)) return ip;
  const bytes = ipv6Bytes(address);
  const mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return ipv4Bucket(bytes.slice(12), prefix.v4);
  const masked = mask(bytes, prefix.v6);
  const groups = Array.from({ length: 8 }, (_, i) => ((masked[2 * i]! << 8) | masked[2 * i + 1]!).toString(16));
  const kept = Math.ceil(prefix.v6 / 16);
  return prefix.v6 >= 128 ? groups.join(':') : `${groups.slice(0, kept).join(':')}::/${prefix.v6}`;
}

function ipv4Bucket(bytes: number[], bits: number): string {
  return bits >= 32 ? bytes.join('.') : `${mask(bytes, bits).join('.')}/${bits}`;
}

/** Keeps the first `bits` bits of an address, zeroes the rest. */
function mask(bytes: number[], bits: number): number[] {
  return bytes.map((byte, i) => {
    const keep = Math.min(8, Math.max(0, bits - 8 * i));
    return byte & (0xff << (8 - keep)) & 0xff;
  });
}

/** The 16 bytes of a valid IPv6 address, `::` and a dotted IPv4 tail included. */
function ipv6Bytes(address: string): number[] {
  let text = address;
  const tail: number[] = [];
  const lastPart = text.slice(text.lastIndexOf(':') + 1);
  if (lastPart.includes('.')) {
    tail.push(...lastPart.split('.').map(Number));
    text = `${text.slice(0, text.length - lastPart.length)}0:0`;
  }
  const [left, right] = text.split('::') as [string, string | undefined];
  const head = left ? left.split(':') : [];
  const rest = right ? right.split(':') : [];
  const groups = right === undefined ? head : [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  const bytes = groups.flatMap((group) => [Number.parseInt(group, 16) >> 8, Number.parseInt(group, 16) & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}
