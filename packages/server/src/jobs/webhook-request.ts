// Webhook POSTs, SSRF-safe (docs/events.md, "Webhooks"): for each new connection the host is
// resolved once and every address checked (private, loopback, link-local, … refused unless
// WEBHOOKS_ALLOW_PRIVATE_NETWORKS), and the connection goes to the checked address, so DNS cannot
// rebind in between; connections are kept alive per endpoint origin. A 10 s bound on the whole
// exchange, no redirect followed (a 3xx is a failure), at most 4 KiB of answer read.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

/** A failed POST, with its class for the delivery log (docs/events.md, "Delivery log"). */
export class WebhookRequestError extends Error {
  constructor(message: string, readonly errorClass: 'timeout' | 'connection' | 'private_address') {
    super(message);
  }
}

export interface WebhookAnswer {
  status: number;
}

export interface WebhookClient {
  post(url: string, headers: Record<string, string>, body: string): Promise<WebhookAnswer>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * POSTs over one keep-alive agent per endpoint origin, so a busy endpoint reuses its connections.
 * Every new connection resolves the host and checks every address before connecting to the
 * checked one; a reused connection goes to an address already checked.
 */
export function createWebhookClient(allowPrivate: boolean): WebhookClient {
  const agents = new Map<string, HttpAgent>();
  const agentFor = (target: URL) => {
    let agent = agents.get(target.origin);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000, lookup: checkedLookup(target.hostname, allowPrivate) as never };
      agent = target.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
      agents.set(target.origin, agent);
    }
    return agent;
  };
  return {
    post(url, headers, body) {
      const target = new URL(url);
      const host = target.hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) && !allowPrivate && isPrivateAddress(host)) return Promise.reject(refused(target.hostname, host)); // no lookup for a literal
      return send(target, agentFor(target), headers, body);
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
      agents.clear();
    },
  };
}

const refused = (hostname: string, address: string) =>
  new WebhookRequestError(`${hostname} resolves to a private address (${address}); refused`, 'private_address');

/** dns.lookup that fails unless every address of the host is allowed. */
function checkedLookup(hostname: string, allowPrivate: boolean) {
  return (name: string, options: object, done: (...args: any[]) => void) => {
    dnsLookup(name, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return done(error);
      const bad = allowPrivate ? undefined : addresses.find(({ address }) => isPrivateAddress(address));
      if (bad) return done(refused(hostname, bad.address));
      if ((options as { all?: boolean }).all) return done(null, addresses);
      done(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function send(target: URL, agent: HttpAgent, headers: Record<string, string>, body: string): Promise<WebhookAnswer> {
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target, {
      method: 'POST', headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS), agent,
    }, (res) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy(); // the status is all that counts
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (error) => reject(error instanceof WebhookRequestError ? error : classify(error)));
    req.end(body);
  });
}

function classify(error: Error): WebhookRequestError {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return new WebhookRequestError(`no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`, 'timeout');
  return new WebhookRequestError(String((error as { code?: string }).code ?? error.message).slice(0, 200), 'connection');
}
