// Starting the server as `npm start` does: one banner that says where everything is, and a start
// that cannot succeed ends with one line naming the setting to change (exit 78), never a stack.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { randomSecret, start } from './http/spawn-server.js';
import { freePort } from './helpers.js';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the server with `env` until it exits by itself; its exit code and output. */
function runToExit(env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN], {
      cwd, env: { PATH: process.env.PATH ?? '', DATA_DIR: cwd, HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 20 s\n${stdout}\n${stderr}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The one line a failed start prints: the setting and the fix, no stack, no credentials. */
function assertStartError(result: { code: number | null; stderr: string }, expected: RegExp): void {
  assert.equal(result.code, 78, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^Gatehouse cannot start: /);
  assert.match(lines[0]!, expected);
  assert.doesNotMatch(result.stderr, /\n\s+at |sekrit-password/);
}

test('the start banner names the URL, the docs, the demo, the database file, the development secret and how to make an admin', async (t) => {
  const dir = tempDir(t);
  const server = await start({ DATA_DIR: dir, NODE_ENV: 'development', LOG_LEVEL: 'warn' });
  t.after(() => server.stop());
  await fetch(`${server.url}/healthz`); // the banner is written by then
  const stdout = server.output().split('--- stderr ---')[0]!;
  const banner = stdout.split('\n').filter((line) => line.trim() && !line.startsWith('---'));
  assert.deepEqual(banner, [
    `Gatehouse is running at ${server.url}`,
    `  API docs     ${server.url}/docs`,
    `  Demo page    ${server.url}/demo`,
    `  Database     SQLite, ${join(dir, 'gatehouse.db')}`,
    '  Mail         written to the log, not sent (SMTP_URL is not set: the development outbox)',
    `  Secret       a development secret in ${join(dir, 'secret')} (set GATEHOUSE_SECRET in production)`,
    '  First admin  npx gatehouse user create --username admin --email you@example.com --role admin',
  ]);
  assert.doesNotMatch(server.output(), /Server listening at/, 'Fastify\'s own listening lines are left out');
});

test('the banner leaves out what is off and names a set secret by its variable only', async (t) => {
  const dir = tempDir(t);
  const secret = randomSecret();
  const server = await start({ DATA_DIR: dir, GATEHOUSE_SECRET: secret, DOCS: 'false', DEMO: 'false', LOG_LEVEL: 'warn' });
  t.after(() => server.stop());
  await fetch(`${server.url}/healthz`);
  const output = server.output();
  assert.match(output, /\n {2}Secret {7}GATEHOUSE_SECRET\n/);
  assert.doesNotMatch(output, /API docs|Demo page/);
  assert.ok(!output.includes(secret), 'the secret itself is never printed');
});

test('an unreachable PostgreSQL, MySQL or Redis stops the start naming the variable and where it points, without the password', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const postgres = await runToExit({ DATABASE_URL: `postgres://gh:sekrit-password@127.0.0.1:${port}/app`, GATEHOUSE_SECRET: randomSecret() }, dir);
  assertStartError(postgres, new RegExp(`DATABASE_URL: cannot open postgres://127\\.0\\.0\\.1:${port}/app: connection refused`));
  const mysql = await runToExit({ DATABASE_URL: `mysql://root:sekrit-password@127.0.0.1:${port}/app`, GATEHOUSE_SECRET: randomSecret() }, dir);
  assertStartError(mysql, new RegExp(`DATABASE_URL: cannot open mysql://127\\.0\\.0\\.1:${port}/app: connection refused`));
  const redis = await runToExit({ REDIS_URL: `redis://:sekrit-password@127.0.0.1:${port}`, GATEHOUSE_SECRET: randomSecret() }, dir);
  assertStartError(redis, new RegExp(`REDIS_URL: cannot open redis://127\\.0\\.0\\.1:${port}: connection refused`));
});

test('an unparsable DATABASE_URL or HOST stops the start naming the variable and what to write', async (t) => {
  const dir = tempDir(t);
  assertStartError(await runToExit({ DATABASE_URL: 'postgress://db/app' }, dir), /DATABASE_URL: has an unsupported scheme "postgress:"; use sqlite:/);
  assertStartError(await runToExit({ DATABASE_URL: 'mysql://' }, dir), /DATABASE_URL: names no host/);
  assertStartError(await runToExit({ HOST: 'my host' }, dir), /HOST: must be an IP address or a host name/);
});

test('production without SMTP_URL and mail features turned on stops the start naming SMTP_URL and the features to turn off; a bad SMTP_URL never shows its password', async (t) => {
  const dir = tempDir(t);
  const production = { NODE_ENV: 'production', GATEHOUSE_SECRET: randomSecret() };
  assertStartError(await runToExit({ ...production, EMAIL_VERIFICATION: 'optional', PASSWORD_RESET: 'on', MAGIC_LINK: 'on' }, dir),
    /SMTP_URL: is required when NODE_ENV=production and EMAIL_VERIFICATION=optional, PASSWORD_RESET=on, MAGIC_LINK=on .*EMAIL_VERIFICATION=off PASSWORD_RESET=off MAGIC_LINK=off/);
  assertStartError(await runToExit({ SMTP_URL: 'smtp://mailer:sekrit-password@', GATEHOUSE_SECRET: randomSecret() }, dir), /SMTP_URL: must be smtp:\/\//);
  assertStartError(await runToExit({ ...production, SMTP_URL: 'smtp://mailer:sekrit-password@127.0.0.1:2525', MAIL_FROM: 'no-reply@example.com' }, dir),
    /APP_URL: is required when NODE_ENV=production and SMTP_URL is set/);
});

test('a HOST that is not an address of this machine, and a port in use, say which setting to change', async (t) => {
  const dir = tempDir(t);
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine, so binding it fails
  assertStartError(await runToExit({ HOST: '192.0.2.1', GATEHOUSE_SECRET: randomSecret() }, dir), /HOST: cannot listen on "192\.0\.2\.1"/);
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const { port } = holder.address() as AddressInfo;
  assertStartError(await runToExit({ PORT: String(port), GATEHOUSE_SECRET: randomSecret() }, dir), new RegExp(`PORT: port ${port} is in use on 127\\.0\\.0\\.1; stop what uses it or set PORT`));
});


test('several bad settings are reported together, one line each, then exit 78', async (t) => {
  const dir = tempDir(t);
  const result = await runToExit({ PORT: 'abc', ACCESS_TOKEN_TTL: '15', LOG_LEVEL: 'loud' }, dir);
  assert.equal(result.code, 78, result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.deepEqual(lines.map((line) => /^Gatehouse cannot start: ([A-Z_]+): /.exec(line)?.[1]), ['ACCESS_TOKEN_TTL', 'PORT', 'LOG_LEVEL']);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('a misspelt setting is a banner note in development naming the setting meant', async (t) => {
  const dir = tempDir(t);
  const server = await start({ DATA_DIR: dir, ACCES_TOKEN_TTL: '5m', LOG_LEVEL: 'warn' });
  t.after(() => server.stop());
  await fetch(`${server.url}/healthz`);
  assert.match(server.output(), /\n {2}Note {9}ACCES_TOKEN_TTL is not a setting and is ignored: did you mean ACCESS_TOKEN_TTL\?\n/);
});

test('the banner prints PUBLIC_URL, the origin of mailed links and passkeys, and where it listens when that differs', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const server = await start({ DATA_DIR: dir, PORT: String(port), PUBLIC_URL: `http://localhost:${port}`, LOG_LEVEL: 'warn' });
  t.after(() => server.stop());
  const lines = server.output().split('\n');
  assert.equal(lines[1], `Gatehouse is running at http://localhost:${port}`);
  assert.equal(lines[2], `  Listening    http://127.0.0.1:${port}`);
  assert.equal(lines[4], `  Demo page    http://localhost:${port}/demo`);
});
