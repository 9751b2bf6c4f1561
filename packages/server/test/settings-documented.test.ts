// Settings and audit events agree with the documentation, as the error codes do: every name the
// config readers ask for is in docs/configuration.md, and every type of the AuditEvent union has a
// row in an audit table of docs/ (operating.md's, or its capability's page), so neither ships undocumented.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { settingNamesRead } from '../src/config/config.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The settings read with these environments: the defaults, production, mail, an asymmetric key, passkeys. */
const ENVIRONMENTS: Array<Record<string, string>> = [
  {},
  { NODE_ENV: 'production' },
  { SMTP_URL: 'smtp://127.0.0.1:2525', NODE_ENV: 'production', MAIL_FROM: 'a@example.com', APP_URL: 'https://app.example' },
  { JWT_ALG: 'EdDSA' },
  { NODE_ENV: 'production', WEBAUTHN_RP_ID: 'example.com', WEBAUTHN_ORIGINS: 'https://example.com' },
  { LOGIN_DELAY_MAX: '30s', METRICS: 'false' },
];

test('every setting the config reads is documented in docs/configuration.md', () => {
  const doc = read('docs/configuration.md');
  const names = new Set(ENVIRONMENTS.flatMap((env) => [...settingNamesRead(env)]));
  assert.ok(names.has('ACCESS_TOKEN_TTL') && names.has('RATE_LIMIT_MAIL_PER_IP'), 'the names are recorded as read');
  const missing = [...names].filter((name) => !doc.includes(`\`${name}\``)).sort();
  assert.deepEqual(missing, [], `settings read but not in docs/configuration.md: ${missing.join(', ')}`);
});

/** The `type` literals of `export type AuditEvent = …`, from the core file that declares it. */
function auditEventTypes(): string[] {
  const dir = join(ROOT, 'packages/server/src/core');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const source = files.map((file) => readFileSync(join(dir, file), 'utf8')).find((text) => text.includes('export type AuditEvent ='));
  assert.ok(source, 'no file in src/core declares export type AuditEvent');
  const union = source.slice(source.indexOf('export type AuditEvent ='));
  const end = union.indexOf('\nexport ', 1);
  const body = end < 0 ? union : union.slice(0, end); // the declaration runs to the next export
  const types = [...body.matchAll(/type: ((?:'[a-z_]+'(?: \| )?)+)/g)].flatMap((match) => match[1]!.match(/[a-z_]+/g)!);
  return [...new Set(types)];
}

test('every audit event type has a row in an audit table of docs/', () => {
  const docs = readdirSync(join(ROOT, 'docs')).filter((file) => file.endsWith('.md'));
  const rows = docs.flatMap((file) => read(`docs/${file}`).split('\n')).filter((line) => /^\| `[a-z_]+`/.test(line));
  const types = auditEventTypes();
  assert.ok(types.includes('login_failed') && types.includes('profile_updated'), `types read: ${types.join(', ')}`);
  const missing = types.filter((type) => !rows.some((row) => row.startsWith(`| \`${type}\``)));
  assert.deepEqual(missing, [], `audit event types without a row in docs/*.md: ${missing.join(', ')}`);
});
