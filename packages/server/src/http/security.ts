// HTTP hardening in one place: the server's size limits and timeouts, security headers (the API
// set on every answer, helmet's on the HTML pages), and CORS from an allow-list, off unless
// CORS_ORIGINS is set.
import { STATUS_CODES, type ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import { ERROR_STATUS, type ErrorCode } from '../core/errors.js';
import { errorHandler } from './error-handler.js';
import type { Config } from '../config/config.js';

type Limits = Pick<Config, 'maxHeaderBytes' | 'requestTimeoutMs' | 'connectionTimeoutMs'>;

/** Fastify constructor options: request-header size (Node's maxHeaderSize) and timeouts. */
export function serverOptions(config: Limits) {
  return {
    clientErrorHandler,
    // A malformed or over-long URL is refused before routing; it still gets the usual error body.
    frameworkErrors: errorHandler,
    // Too large a header block answers 431 before routing (RFC 6585 §5). Node checks request
    // timeouts on connectionsCheckingInterval (30 s by default), so it follows REQUEST_TIMEOUT.
    http: { maxHeaderSize: config.maxHeaderBytes, connectionsCheckingInterval: Math.min(30_000, Math.max(250, config.requestTimeoutMs / 4)) },
    // A whole request (headers and body) must arrive within this, against slow-loris clients.
    requestTimeout: config.requestTimeoutMs,
    // An idle socket is closed after this.
    connectionTimeout: config.connectionTimeoutMs,
  } satisfies { http: ServerOptions; requestTimeout: number; connectionTimeout: number; clientErrorHandler: unknown; frameworkErrors: unknown };
}

/**
 * Fastify's trustProxy from TRUST_PROXY. Fastify 5 ignores a bare number (it fails closed), so
 * a hop count becomes the function proxy-addr would build: the nearest `hops` addresses, the
 * socket peer first, are proxies. Only safe when the port is reachable through them alone.
 */
export function trustProxyOption(setting: Config['trustProxy']): boolean | string | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting;
  const hops = setting;
  return (_address, hop) => hop < hops;
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (oversized headers, a request
 * that did not arrive in time, garbage) answered in the usual error shape with a stable code.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode = error.code === 'HPE_HEADER_OVERFLOW' ? 'headers_too_large'
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'validation_failed';
  const status = ERROR_STATUS[code];
  const message = code === 'headers_too_large' ? 'The request headers are too large.'
    : code === 'request_timeout' ? 'The request did not arrive in time.' : 'Malformed HTTP request.';
  const body = JSON.stringify({ statusCode: status, code, error: STATUS_CODES[status], message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n`
      + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/**
 * The JSON API's policy (in API_HEADERS below) lets nothing load from an answer and nobody frame
 * it (OWASP ASVS 14.4.3, 14.4.7). Swagger UI at /docs needs scripts, styles and images from
 * itself, so docs.ts hands this second policy to @fastify/swagger-ui, which sets it on /docs only.
 */
export const DOCS_CSP = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/**
 * What every answer carries: the list the OWASP REST Security Cheat Sheet gives for API responses
 * (with Content-Type, which Fastify sets, and Cache-Control: no-store, which token answers add).
 * helmet's other defaults (Referrer-Policy, Cross-Origin-Opener-Policy, Origin-Agent-Cluster, …)
 * act on HTML documents only, and on the bench their eight lines cost ≈ 1.5 µs of the server and as
 * much of the client per request (docs/benchmarks.md); JSON answers go without them, and the HTML
 * pages (/docs, /demo, / for a browser) get them from documentHeaders().
 */
export const API_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * helmet's headers for an HTML page, computed once (they depend on nothing in the request); the
 * page sets its own Content-Security-Policy.
 */
export function documentHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) => { headers[name.toLowerCase()] = String(value); },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()]; },
  };
  helmet({
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' },
    // Served on plain http on 127.0.0.1 in development; the header is ignored there and kept on https.
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  })({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

const CORS_METHODS = ['GET', 'POST', 'PATCH', 'DELETE'];
const CORS_HEADERS = ['authorization', 'content-type'];

export async function registerSecurity(app: FastifyInstance, config: Pick<Config, 'corsOrigins'>): Promise<void> {
  // The same headers on every answer; /docs, /demo and the HTML / add the document headers and their own CSP.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(API_HEADERS);
    done();
  });
  if (config.corsOrigins) {
    await app.register(cors, {
      origin: [...config.corsOrigins],
      methods: CORS_METHODS,
      allowedHeaders: CORS_HEADERS,
      // Bearer tokens, no cookies: credentials stay off, so a browser never sends ambient ones.
      credentials: false,
      maxAge: 600,
    });
  }
}
