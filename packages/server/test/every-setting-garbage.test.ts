// Every documented setting, set to garbage in turn, stops the start with one line that names it
// (exit 78), never a stack trace (docs/configuration.md, "Settings"). The names come from the docs
// and from what the config reads, so a setting added to either is tried too.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { settingNamesRead } from '../src/config/config.js';
import { runToExit, type Ended } from './run-to-exit.js';

const DOC = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));
const GARBAGE = 'g@rbage value%';

/** Free text by design: any value is a valid name, label or prefix. Each is started with the garbage and must start. */
const ANY_TEXT = new Set(['JWT_ISSUER', 'JWT_AUDIENCE', 'PRODUCT_NAME', 'REDIS_KEY_PREFIX', 'WEBAUTHN_RP_NAME', 'TOTP_ISSUER', 'DATA_DIR', 'UV_THREADPOOL_SIZE']);

function documentedSettings(): string[] {
  const documented = new Set([...readFileSync(DOC, 'utf8').matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((match) => match[1]!));
  const read = new Set([...settingNamesRead({}), ...settingNamesRead({ NODE_ENV: 'production' }), ...settingNamesRead({ JWT_ALG: 'EdDSA' })]);
  return [...documented].filter((name) => read.has(name)).sort();
}

/** Runs `items` through `fn`, two at a time (the machine is shared). */
async function inPairs<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 2) results.push(...await Promise.all(items.slice(i, i + 2).map(fn)));
  return results;
}

function verdict(name: string, ended: Ended): string | undefined {
  const output = ended.stdout + ended.stderr;
  if (/\n\s+at /.test(output)) return `${name}: a stack trace\n${output}`;
  if (ANY_TEXT.has(name)) return ended.code === 'running' ? undefined : `${name}: takes any text, yet the start failed (${ended.code})\n${output}`;
  if (ended.code !== 78) return `${name}: exit ${ended.code}, not 78\n${output}`;
  const lines = ended.stderr.trim().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith(`Gatehouse cannot start: ${name}: `)) return `${name}: not one line naming it:\n${ended.stderr}`;
  return undefined;
}

test('each documented setting set to garbage stops the start with one line naming it, exit 78, no stack', async (t) => {
  const names = documentedSettings();
  assert.ok(names.length > 60 && names.includes('ACCESS_TOKEN_TTL') && names.includes('SMTP_URL'), names.join(' '));
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-garbage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const problems = await inPairs(names, async (name) => {
    const cwd = mkdtempSync(join(dir, 'run-'));
    const env = { DATA_DIR: cwd, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', [name]: GARBAGE };
    return verdict(name, await runToExit(env, cwd));
  });
  assert.deepEqual(problems.filter(Boolean), []);
});

test('a DATA_DIR that cannot be written or is a file, a .env that cannot be read, and a HOST that is no address, stop the start with one line naming them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-garbage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a folder'); // so no folder can be made under it
  const dataDir = await runToExit({ DATA_DIR: join(file, 'data'), HOST: '127.0.0.1', PORT: '0' }, dir);
  assert.equal(dataDir.code, 78, dataDir.stdout + dataDir.stderr);
  assert.match(dataDir.stderr, /^Gatehouse cannot start: DATA_DIR: cannot write .* \(ENOTDIR\); make it a folder this user may write, or set DATA_DIR to one\n$/);
  const isFile = await runToExit({ DATA_DIR: file, HOST: '127.0.0.1', PORT: '0' }, dir);
  assert.equal(isFile.code, 78, isFile.stdout + isFile.stderr);
  assert.match(isFile.stderr, /^Gatehouse cannot start: DATA_DIR: cannot write .* \((EEXIST|ENOTDIR)\); make it a folder/);
  const envDir = mkdtempSync(join(dir, 'run-'));
  mkdirSync(join(envDir, '.env')); // a folder where the .env file would be
  const dotEnv = await runToExit({ DATA_DIR: envDir, HOST: '127.0.0.1', PORT: '0' }, envDir);
  assert.equal(dotEnv.code, 78, dotEnv.stdout + dotEnv.stderr);
  assert.match(dotEnv.stderr, /^Gatehouse cannot start: \.env: cannot read .*\.env \([A-Z_]+\); make it a readable file/);
  assert.doesNotMatch(dotEnv.stderr + isFile.stderr, /\n\s+at /, 'no stack');
  const host = await runToExit({ DATA_DIR: dir, HOST: '999.1.1.1', PORT: '0' }, dir);
  assert.equal(host.code, 78, host.stderr);
  assert.match(host.stderr, /^Gatehouse cannot start: HOST: must be an IP address or a host name[^\n]*"999\.1\.1\.1"\n$/);
});
