// One webhook POST, SSRF-safe (docs/events.md, "Webhooks"): the host is resolved once and every
// address checked (private, loopback, link-local, … refused unless WEBHOOKS_ALLOW_PRIVATE_NETWORKS),
// and the connection goes to the checked address, so DNS cannot rebind in between. A 10 s bound
// on the whole exchange, no redirect followed (a 3xx is a failure), at most 4 KiB of answer read.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

export const WEBHOOK_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 4096;

const blocked = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) blocked.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) blocked.addSubnet(net, bits, 'ipv6');

/** Whether an address is not on the public internet (an IPv4-mapped IPv6 address as its IPv4). */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  return blocked.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export class WebhookRefused extends Error {}

export interface WebhookAnswer {
  status: number;
}

export function postWebhook(
  url: string, headers: Record<string, string>, body: string, allowPrivate: boolean,
): Promise<WebhookAnswer> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const check = (address: string) => {
    if (!allowPrivate && isPrivateAddress(address)) throw new WebhookRefused(`${target.hostname} resolves to a private address (${address}); refused`);
  };
  if (isIP(host)) check(host); // no lookup happens for an address literal
  const lookup = (hostname: string, options: object, done: (...args: any[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return done(error);
      try {
        for (const { address } of addresses) check(address);
      } catch (refused) {
        return done(refused);
      }
      if ((options as { all?: boolean }).all) return done(null, addresses);
      done(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, {
      method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      lookup: lookup as never, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS), agent: false,
    }, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy(); // the status is all that counts
      });
      res.on('close', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (error) => reject(error instanceof WebhookRefused ? error : new Error(shortError(error))));
    req.end(body);
  });
}

function shortError(error: Error): string {
  return error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`
    : String((error as { code?: string }).code ?? error.message).slice(0, 200);
}
