// The mail templates (docs/email.md, "Templates"): every kind ships a subject, a text and an HTML
// body that show their values; HTML gets escaped values, text does not; MAIL_TEMPLATES_DIR
// replaces files by name, and a bad override stops the start naming MAIL_TEMPLATES_DIR.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../src/config/config.js';
import { loadMailTemplates } from '../../../src/config/mail-templates.js';
import { COMMON_VALUES, KIND_VALUES, MAIL_KINDS } from '../../../src/core/email/templates.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-mail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Distinct values for each placeholder of a kind, so the test can find each one in the output. */
function valuesFor(kind: string): Record<string, string> {
  const names = [...COMMON_VALUES, ...KIND_VALUES[kind as keyof typeof KIND_VALUES]];
  return Object.fromEntries(names.map((name) => [name, name === 'link' ? `https://app.test/${kind}?token=T_${kind}` : `<${name}-${kind}>`]));
}

function refusedNamingTheFolder(run: () => unknown): string {
  let message = '';
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(error.message.startsWith('MAIL_TEMPLATES_DIR: '), error.message);
    message = error.message;
    return true;
  });
  return message;
}

test('every shipped template shows each of its values: raw in the subject and text, escaped in the HTML', () => {
  const templates = loadMailTemplates(undefined);
  for (const kind of MAIL_KINDS) {
    const values = valuesFor(kind);
    const mail = templates.render(kind, values);
    assert.ok(mail.subject.length > 0 && !mail.subject.includes('\n'), kind);
    assert.doesNotMatch(mail.text + mail.html + mail.subject, /\{\{/, kind);
    for (const [name, value] of Object.entries(values)) {
      assert.ok(mail.text.includes(value), `${kind}.txt shows {{${name}}}`);
      assert.ok(mail.html.includes(value.replace(/</g, '&lt;').replace(/>/g, '&gt;')), `${kind}.html shows {{${name}}} escaped`);
      assert.ok(!mail.html.includes(value) || name === 'link', `${kind}.html does not show {{${name}}} unescaped`);
    }
    assert.ok(mail.subject.includes(values.product_name!), `${kind}: the subject names the product`);
  }
});

test('the magic-link mail shows the link and the 6-digit code', () => {
  const mail = loadMailTemplates(undefined).render('magic_link', { ...valuesFor('magic_link'), code: '493021' });
  assert.match(mail.text, /https:\/\/app\.test\/magic_link\?token=T_magic_link/);
  assert.match(mail.text, /\b493021\b/);
  assert.match(mail.html, /\b493021\b/);
});

test('a file in MAIL_TEMPLATES_DIR replaces the shipped one of its name; the others stay', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'reset_password.txt'), 'Subject: {{product_name}}: new password\n\nGo to {{link}} ({{expires_in}}).\n');
  writeFileSync(join(dir, 'verify_email.html'), '<p>Hi {{username}}, <a href="{{link}}">verify</a></p>');
  const templates = loadMailTemplates(dir);
  const reset = templates.render('reset_password', { ...valuesFor('reset_password'), product_name: 'Acme', expires_in: '30 minutes' });
  assert.equal(reset.subject, 'Acme: new password');
  assert.equal(reset.text, 'Go to https://app.test/reset_password?token=T_reset_password (30 minutes).\n');
  assert.match(reset.html, /<!doctype html>/, 'the HTML of reset_password is still the shipped one');
  const verify = templates.render('verify_email', { ...valuesFor('verify_email'), username: 'a&b' });
  assert.equal(verify.html, '<p>Hi a&amp;b, <a href="https://app.test/verify_email?token=T_verify_email">verify</a></p>');
});

test('an override with a placeholder its kind does not have stops the start', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'account_deleted.html'), '<p>Bye {{username}}, see {{link}}</p>');
  const message = refusedNamingTheFolder(() => loadMailTemplates(dir));
  assert.match(message, /account_deleted\.html uses \{\{link\}\}, which account_deleted mails do not have/);
});

test('a text override without its Subject line stops the start', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'magic_link.txt'), 'Your code is {{code}}\n');
  assert.match(refusedNamingTheFolder(() => loadMailTemplates(dir)), /magic_link\.txt must start with a "Subject: …" line/);
});

test('an override that cannot be read, or a folder that is not there, stops the start', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'verify_email.txt')); // a folder where the file should be: EISDIR
  assert.match(refusedNamingTheFolder(() => loadMailTemplates(dir)), /cannot read .*verify_email\.txt \(EISDIR\)/);
  assert.match(refusedNamingTheFolder(() => loadMailTemplates(join(dir, 'missing'))), /cannot read the folder .*missing \(ENOENT\)/);
});
