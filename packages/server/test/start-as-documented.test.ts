// The production paths the docs give start as written: compose.yaml's environment for the
// Gatehouse service (with the Dockerfile's ENV under it), and the production line of the package
// README. Only where the containers' hosts are replaced by this machine's services does the test
// change what the files say (see hostsHere).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { randomSecret } from './http/spawn-server.js';
import { runToExit } from './run-to-exit.js';
import { postgres, unavailable } from './storage/backends.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-documented-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The Dockerfile's runtime ENV (the last stage's), as NAME=value pairs. */
function dockerfileEnv(): Record<string, string> {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n').filter((line) => line.startsWith('ENV '));
  return Object.fromEntries(lines.at(-1)!.slice(4).trim().split(/\s+/).map((pair) => pair.split('=') as [string, string]));
}

/** compose.yaml's environment for gatehouse-1, `${NAME:?…}` filled from `dotEnv` as compose does. */
function composeEnv(dotEnv: Record<string, string>): Record<string, string> {
  const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8'), { merge: true });
  const environment = compose.services['gatehouse-1'].environment as Record<string, string>;
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value).replace(
    /\$\{(\w+)(?::\?[^}]*)?\}/g, (_, variable: string) => dotEnv[variable] ?? assert.fail(`compose.yaml needs ${variable} in .env`),
  )]));
}

test('compose.yaml\'s Gatehouse environment starts the server (mail off, said in one banner line), PostgreSQL and Redis here', async (t) => {
  if (unavailable('POSTGRES_URL') || unavailable('REDIS_URL')) return;
  const dir = tempDir(t);
  const database = await postgres.create();
  t.after(() => database.drop());
  const env = { ...dockerfileEnv(), ...composeEnv({ GATEHOUSE_SECRET: randomSecret() }) };
  assert.equal(env.NODE_ENV, 'production');
  assert.match(env.DATABASE_URL!, /@postgres:5432\//);
  // hostsHere: the containers' hosts are this machine's services. The compose user and database do
  // not exist on the local PostgreSQL, so DATABASE_URL becomes a fresh schema there; REDIS_URL keeps
  // all but its host. HOST and PORT: loopback and a free port instead of the container's 0.0.0.0:3000.
  const here: Record<string, string> = { ...env, DATABASE_URL: database.url, REDIS_URL: env.REDIS_URL!.replace('//redis:', `//${new URL(process.env.REDIS_URL!).host.split(':')[0]}:`),
    HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir };
  const started = await runToExit(here, dir);
  assert.equal(started.code, 'running', started.stderr);
  assert.match(started.stdout, /\n {2}Mail {9}off — set SMTP_URL for password reset and email verification\n/);
  assert.doesNotMatch(started.stdout + started.stderr, new RegExp(here.GATEHOUSE_SECRET!));
});

test('the package README\'s production line starts the server', async (t) => {
  const dir = tempDir(t);
  const readme = readFileSync(join(ROOT, 'packages/server/README.md'), 'utf8').replace(/\n/g, ' ');
  const line = /`(NODE_ENV=production[^`]*npx gatehouse serve)`/.exec(readme);
  assert.ok(line, 'the README has a production line');
  const env = Object.fromEntries([...line[1]!.matchAll(/(\w+)=(<[^>]*>|\S+)/g)].map(([, name, value]) => [name!, value!.startsWith('<') ? randomSecret() : value!]));
  assert.deepEqual(Object.keys(env), ['NODE_ENV', 'GATEHOUSE_SECRET']);
  const started = await runToExit({ ...env, HOST: '127.0.0.1', PORT: '0' }, dir);
  assert.equal(started.code, 'running', started.stderr);
});
