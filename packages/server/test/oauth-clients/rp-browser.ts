// What the relying-party tests share: Gatehouse listening on a loopback port known before it starts
// (PUBLIC_URL, the issuer, names it), with declared OIDC clients, and Chromium signing a person in
// through the pages (the sign-in form, the consent form).
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Page } from 'playwright-core';
import { freePort, PASSWORD } from '../helpers.js';
import { startServer, type LiveServer } from '../browser/harness.js';

export const RP_SECRET = 'relying-party-secret-0123456789abcdef';

export interface Provider extends LiveServer {
  port: number;
}

/** Gatehouse on 127.0.0.1:port, PUBLIC_URL that origin, `clients` declared in OIDC_CLIENTS. */
export async function startProvider(t: TestContext, clients: unknown[]): Promise<Provider> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = await startServer(t, { PUBLIC_URL: baseUrl, JWT_ISSUER: baseUrl, OIDC_CLIENTS: JSON.stringify(clients), PORT: String(port) }, port);
  return { ...server, port };
}

/** Fills the sign-in page Chromium is on and submits it. */
export async function signInOnPage(page: Page, username: string): Promise<void> {
  await page.waitForURL(/\/signin\?/);
  await page.fill('#login', username);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
}

/** Answers the consent page Chromium is on. */
export async function answerConsent(page: Page, decision: 'allow' | 'deny'): Promise<void> {
  await page.waitForURL(/\/oauth\/authorize\/consent\?/);
  assert.match(await page.content(), /<form method="post" action="\/oauth\/authorize\/consent">/);
  await Promise.all([page.waitForLoadState(), page.click(`button[value=${decision}]`)]);
}

export interface RelyingPartySide {
  /** http://127.0.0.1:PORT: the relying party's origin (its redirect URIs are under it). */
  origin: string;
  /** The next URL the browser lands on at the relying party. */
  next(): Promise<URL>;
}

/** A loopback HTTP server standing for the relying party's web side: it answers 200 and records where the browser landed. */
export async function relyingPartySide(t: TestContext, port: number): Promise<RelyingPartySide> {
  let landed: ((url: URL) => void) | undefined;
  const origin = `http://127.0.0.1:${port}`;
  const server = createServer((request, response) => {
    // Chromium asks for /favicon.ico after a page loads, sometimes after the test armed next(): not a landing
    if (request.url === '/favicon.ico') return void response.writeHead(404).end();
    landed?.(new URL(request.url ?? '/', origin));
    response.writeHead(200, { 'content-type': 'text/plain' }).end('relying party');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { origin, next: () => new Promise<URL>((resolve) => { landed = resolve; }) };
}
