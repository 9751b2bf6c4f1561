// Password policy (docs/architecture.md, "Users and passwords", OWASP ASVS V2): 8 to 128 code
// points, no common passwords, not the username or email; and the username and email rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dictionary } from '@zxcvbn-ts/language-common';
import { checkPasswordPolicy, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../src/core/passwords/policy.js';
import { loginKey, normalizeEmail, normalizeFullName, normalizeUsername } from '../../../src/core/accounts/user-rules.js';

const GOOD = 'correct horse battery staple';
const IDENTITY = { username: 'alice', email: 'alice.smith@example.com' };

const refuses = (password: string, code: string, identity: { username?: string; email?: string } = IDENTITY) =>
  assert.throws(() => checkPasswordPolicy(password, identity), { name: 'AuthError', code });
const accepts = (password: string, identity: { username?: string; email?: string } = IDENTITY) =>
  assert.doesNotThrow(() => checkPasswordPolicy(password, identity));

// Length, counted in code points

test('the limits are 8 and 128 characters', () => {
  assert.equal(PASSWORD_MIN_LENGTH, 8);
  assert.equal(PASSWORD_MAX_LENGTH, 128);
});

test('refuses a 7-character password as too short', () => {
  refuses('kq7#vZp', 'password_too_short');
  refuses('', 'password_too_short');
});

test('accepts an 8-character password that is not common', () => {
  accepts('kq7#vZpx');
});

test('accepts a 128-character password', () => {
  accepts('kq7#vZpx'.repeat(16));
});

test('refuses a 129-character password as too long', () => {
  refuses(`${'kq7#vZpx'.repeat(16)}a`, 'password_too_long');
});

test('an emoji counts as one character at the lower limit', () => {
  // 7 code points, 8 UTF-16 units: still too short.
  refuses('kq7#vZ😀', 'password_too_short');
  accepts('kq7#vZp😀');
});

test('an emoji counts as one character at the upper limit', () => {
  accepts('😀'.repeat(128)); // 256 UTF-16 units
  refuses('😀'.repeat(129), 'password_too_long');
});

test('no composition rules: a lowercase-only passphrase passes', () => {
  accepts(GOOD);
  accepts('plum violin gravel orbit');
});

// Common passwords

test('the common-password list holds the expected well-known entries', () => {
  const list = dictionary['passwords-common'];
  for (const word of ['password', 'password1', 'iloveyou', 'sunshine', 'trustno1']) assert.ok(list.includes(word), word);
  assert.equal(list.includes(GOOD), false);
});

test('refuses a common password', () => {
  for (const word of ['password', 'password1', 'iloveyou', 'sunshine', 'qwertyuiop', '12345678']) refuses(word, 'password_too_common');
});

test('refuses a common password whatever its case', () => {
  for (const word of ['Password1', 'PASSWORD', 'ILoveYou', 'SunShine']) refuses(word, 'password_too_common');
});

test('refuses a common password when no identity is given', () => {
  refuses('password1', 'password_too_common', {});
});

// Identity

test('refuses a password equal to the username, in any case', () => {
  refuses('alice.wonder', 'password_contains_identity', { username: 'alice.wonder' });
  refuses('ALICE.WONDER', 'password_contains_identity', { username: 'Alice.Wonder' });
});

test('refuses a password equal to the email, in any case', () => {
  refuses('alice.smith@example.com', 'password_contains_identity');
  refuses('Alice.Smith@Example.COM', 'password_contains_identity');
});

test('refuses a password equal to the local part of the email', () => {
  refuses('alice.smith', 'password_contains_identity');
  refuses('ALICE.SMITH', 'password_contains_identity');
});

test('accepts a password that merely contains the username', () => {
  accepts('alice.wonder plum violin', { username: 'alice.wonder' });
});

// Usernames

test('a username of 3 to 32 letters, digits, _ . - is accepted unchanged', () => {
  for (const name of ['abc', 'Alice_B.c-1', 'a'.repeat(32), '0_0', '...']) assert.equal(normalizeUsername(name), name);
});

test('a username shorter than 3 or longer than 32 characters is refused', () => {
  for (const name of ['', 'a', 'ab', 'a'.repeat(33)]) assert.throws(() => normalizeUsername(name), { code: 'invalid_username' }, name);
});

test('a username with a space, @ or other punctuation is refused', () => {
  for (const name of ['al ice', ' alice', 'alice ', 'alice@example.com', 'alice!', 'al/ice', 'alice\n', 'al\tice']) {
    assert.throws(() => normalizeUsername(name), { code: 'invalid_username' }, JSON.stringify(name));
  }
});

test('a username with non-ASCII letters is refused', () => {
  for (const name of ['jörg', 'аlice' /* Cyrillic а */, 'ＡＢＣ', 'bob😀']) {
    assert.throws(() => normalizeUsername(name), { code: 'invalid_username' }, name);
  }
});

// Emails

test('an email is trimmed and lowercased', () => {
  assert.equal(normalizeEmail('Alice.Smith@Example.COM'), 'alice.smith@example.com');
  assert.equal(normalizeEmail('  bob+tag@mail.example.org '), 'bob+tag@mail.example.org');
});

test('an email without a dotted domain, without @ or with two @ is refused', () => {
  for (const email of ['a@b', 'no-at', 'a@@b.com', 'a@b@c.com', '@example.com', 'alice@', 'alice@.com', 'alice@example.', 'al ice@example.com', '']) {
    assert.throws(() => normalizeEmail(email), { code: 'invalid_email' }, JSON.stringify(email));
  }
});

test('an email with a non-ASCII character is refused, one that lowers to ASCII included', () => {
  assert.throws(() => normalizeEmail('jörg@example.com'), { code: 'invalid_email' });
  assert.throws(() => normalizeEmail('\u212Aate@example.com'), { code: 'invalid_email' }); // the Kelvin sign lowers to "k"
});

// Login keys: the one spelling a login is looked up and throttled by

test('a login key is the login trimmed with A–Z lowered', () => {
  assert.equal(loginKey('  Alice_B.c-1 '), 'alice_b.c-1');
  assert.equal(loginKey('Alice.Smith@Example.COM'), 'alice.smith@example.com');
  assert.equal(loginKey(loginKey(' ALICE ')), 'alice');
});

test('a login key folds nothing but A–Z: accents, full-width letters and Unicode case folds stay as typed', () => {
  for (const login of ['álice', 'ÁLICE', 'ａlice', 'a\u0301lice', 'İnci']) assert.equal(loginKey(login), login.replace(/[A-Z]/g, (c) => c.toLowerCase()));
  assert.equal(loginKey('\u212Aate'), '\u212Aate'); // the Kelvin sign, which toLowerCase() turns into "k"
});

test('an email local part of 64 characters is accepted and of 65 refused', () => {
  assert.equal(normalizeEmail(`${'a'.repeat(64)}@example.com`), `${'a'.repeat(64)}@example.com`);
  assert.throws(() => normalizeEmail(`${'a'.repeat(65)}@example.com`), { code: 'invalid_email' });
});

test('an email longer than 254 characters is refused', () => {
  const domain = `${['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63)].join('.')}.com`; // 195 characters
  const fits = `${'x'.repeat(254 - domain.length - 1)}@${domain}`;
  assert.equal(fits.length, 254);
  assert.equal(normalizeEmail(fits), fits);
  assert.throws(() => normalizeEmail(`x${fits}`), { code: 'invalid_email' });
});

// Full names (the CLI reaches createAccount without the HTTP schema)

test('a full name is kept as given, accents and emoji included; none is null', () => {
  for (const name of ['Ann Lee', 'Ann Lée 😀', '李小龍', 'x'.repeat(255), '😀'.repeat(255)]) assert.equal(normalizeFullName(name), name);
  assert.equal(normalizeFullName(undefined), null);
  assert.equal(normalizeFullName(null), null);
});

test('a full name with a control character, or longer than 255 characters, is refused as validation_failed', () => {
  for (const name of ['a\u0000b', '\u0000', 'a\nb', 'a\tb', '\u001b[31m', 'a\u007f', 'a\u0085', 'a\u009f', 'x'.repeat(256)]) {
    assert.throws(() => normalizeFullName(name), { code: 'validation_failed' }, JSON.stringify(name));
  }
});
