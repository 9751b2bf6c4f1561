// Graceful shutdown of the real server process: SIGTERM stops new connections, a request already
// in flight still gets its 2xx, the process exits 0; past SHUTDOWN_TIMEOUT it exits anyway.
// Requests are driven over raw sockets so "in flight" is certain rather than timed: the server's
// `100 Continue` proves it has read the headers before the signal is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PASSWORD } from '../helpers.js';

const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));
const READY = /Gatehouse is running at http:\/\/127\.0\.0\.1:(\d+)/;

interface Server {
  port: number;
  child: ChildProcess;
  exited: Promise<number | string>;
  output: () => string;
}

/** Spawns `node main.js` on 127.0.0.1 with PORT=0; stopped by PID when the test ends. */
async function startServer(t: { after(fn: () => void): void }, env: Record<string, string> = {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-'));
  const child = spawn(process.execPath, [MAIN], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir,
      GATEHOUSE_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', DOCS: 'false', ...env,
    },
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const port = await new Promise<number>((resolve, reject) => {
    const onData = () => {
      const match = READY.exec(out);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    void exited.then((how) => reject(new Error(`the server exited (${how}) before listening:\n${out}`)));
  });
  return { port, child, exited, output: () => out };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once `text` has arrived on the socket; `collected()` gives everything so far. */
function reader(socket: Socket) {
  let received = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('utf8');
    for (const w of waiters.filter((w) => received.includes(w.text))) w.resolve();
  });
  return {
    until: (text: string) => new Promise<void>((resolve) => (received.includes(text) ? resolve() : waiters.push({ text, resolve }))),
    ended: new Promise<void>((resolve) => socket.once('close', () => resolve())),
    collected: () => received,
  };
}

/** Keeps trying new connections until the port refuses them (the listener is closed). */
const NOT_SERVED = ['ECONNREFUSED', 'ECONNRESET'];

async function untilRefused(port: number): Promise<void> {
  for (;;) {
    try {
      (await open(port)).destroy();
    } catch (error) {
      // refused, or reset when the connection landed in the closing listener's backlog: unserved either way
      assert.ok(NOT_SERVED.includes((error as NodeJS.ErrnoException).code ?? ''), String(error));
      return;
    }
  }
}

function jsonRequest(path: string, body: string): { head: string; body: string } {
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`;
  return { head, body };
}

async function register(port: number, username: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/auth/register`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(10_000),
    body: JSON.stringify({ username, email: `${username}@example.com`, password: PASSWORD }),
  });
  assert.equal(res.status, 201);
}

test('a login in flight when SIGTERM arrives still gets 200 and its tokens; then the process exits 0 and refuses new connections', async (t) => {
  const server = await startServer(t);
  await register(server.port, 'shutdown_user');

  const socket = await open(server.port);
  const answer = reader(socket);
  const login = jsonRequest('/auth/login', JSON.stringify({ username: 'shutdown_user', password: PASSWORD }));
  socket.write(login.head);
  await answer.until('100 Continue'); // the server has the request

  process.kill(server.child.pid!, 'SIGTERM');
  await untilRefused(server.port); // closed for new connections while the login is still open
  socket.write(login.body);
  await answer.ended;

  const raw = answer.collected();
  const final = raw.slice(raw.lastIndexOf('HTTP/1.1 '));
  assert.match(final, /^HTTP\/1\.1 200 /, raw);
  const body = JSON.parse(final.slice(final.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
  assert.equal(body.token_type, 'bearer');
  assert.equal(typeof body.access_token, 'string');
  assert.equal(await server.exited, 0, server.output());
  await assert.rejects(open(server.port), (error: NodeJS.ErrnoException) => NOT_SERVED.includes(error.code ?? ''));
});

test('an idle keep-alive connection does not hold up shutdown: the process exits 0', async (t) => {
  const server = await startServer(t);
  const socket = await open(server.port);
  const answer = reader(socket);
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'); // keep-alive by default in HTTP/1.1
  await answer.until('"status":"ok"');
  process.kill(server.child.pid!, 'SIGTERM');
  assert.equal(await server.exited, 0, server.output());
  await answer.ended;
});

test('a request that never finishes does not hold the process past SHUTDOWN_TIMEOUT: it exits 1 anyway', async (t) => {
  const server = await startServer(t, { SHUTDOWN_TIMEOUT: '1s' });
  const socket = await open(server.port);
  const answer = reader(socket);
  socket.write(jsonRequest('/auth/login', '{"username":"x","password":"never sent"}').head);
  await answer.until('100 Continue');
  process.kill(server.child.pid!, 'SIGTERM'); // the body never follows
  assert.equal(await server.exited, 1, server.output());
  assert.match(server.output(), /SHUTDOWN_TIMEOUT/);
  socket.destroy();
});
