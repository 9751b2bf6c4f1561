// Property tests on the token parser (fuzzing): whatever string arrives as a token —
// random text with NULs and lone surrogates, JWT-shaped junk, or a real token mutated — the
// verifiers either return the original claims or throw an AuthError, never anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AuthError } from '../../../src/core/errors.js';
import { deriveSigningKeys } from '../../../src/core/tokens/keys.js';
import { createTokens } from '../../../src/core/tokens/tokens.js';
import { TEST_SECRET } from '../../helpers.js';

const NOW_MS = Date.UTC(2026, 0, 1, 12);
const NOW = NOW_MS / 1000;
const SEED = 20_261_125;
const tokens = createTokens(deriveSigningKeys(TEST_SECRET), { issuer: 'gatehouse', clockToleranceSeconds: 5, accessTokenTtlSeconds: 900 });
const access = { sub: 'user-1', sid: 'session-1', name: 'alice', role: 'user', jti: 'jti-1', iat: NOW, exp: NOW + 900 };
const refresh = { sub: 'user-1', sid: 'session-1', jti: 'jti-2', iat: NOW, exp: NOW + 86_400 };
const realAccess = await tokens.signAccessToken(access);
const realRefresh = await tokens.signRefreshToken(refresh);

type Outcome = { ok: true; claims: unknown } | { ok: false; error: unknown };

async function attempt(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, claims: await run() };
  } catch (error) {
    return { ok: false, error };
  }
}

const verifiers = [
  { name: 'verifyAccessToken', run: (t: string) => tokens.verifyAccessToken(t, { nowMs: NOW_MS }), original: realAccess },
  { name: 'verifyAccessToken (expired allowed)', run: (t: string) => tokens.verifyAccessToken(t, { nowMs: NOW_MS, allowExpiredSeconds: 3600 }), original: realAccess },
  { name: 'verifyRefreshToken', run: (t: string) => tokens.verifyRefreshToken(t, { nowMs: NOW_MS }), original: realRefresh },
];

/** Only an AuthError may come out, and a token that verifies must carry the original's claims. */
async function holds(run: (t: string) => Promise<unknown>, token: string, expected?: unknown): Promise<boolean> {
  const outcome = await attempt(() => run(token));
  if (!outcome.ok) {
    assert.ok(outcome.error instanceof AuthError, `not an AuthError: ${String(outcome.error)} for ${JSON.stringify(token).slice(0, 200)}`);
    assert.match(outcome.error.code, /^(invalid_token|token_expired|invalid_refresh_token|refresh_token_expired)$/);
    return true;
  }
  assert.ok(expected !== undefined, `a made-up token verified: ${token}`);
  assert.deepEqual(outcome.claims, expected);
  return true;
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value) ?? 'null').toString('base64url');

/** Hostile text: any code units (NUL, lone surrogates), huge runs, and token-ish alphabets. */
const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('.', '-', '_', 'A', 'e', 'y', 'J', '=', '\u0000', '\ud800', '%', ' '), maxLength: 400 }),
  fc.constantFrom('', '.', '..', '...', 'a.b.c', 'Bearer x', 'null', 'undefined', '{}', 'eyJ.eyJ.', '\u0000'.repeat(10), 'A'.repeat(200_000)),
);

const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 }));

/** JWT-shaped: three base64url parts whose JSON is random, or a header that tries a known trick. */
const jwtShaped = fc.tuple(
  fc.oneof(
    jsonish,
    fc.constantFrom({ alg: 'none', typ: 'at+jwt' }, { alg: 'HS256', typ: 'at+jwt', crit: ['exp'] }, { alg: 'HS256', typ: 'at+jwt', kid: '../../etc/passwd' },
      { alg: 'HS256', typ: 'at+jwt', jku: 'https://evil.example/jwks' }, { alg: 'RS256', typ: 'at+jwt' }, { alg: 'HS256', typ: 'rt+jwt' }, { alg: 'HS256', b64: false, crit: ['b64'] }),
  ),
  fc.oneof(jsonish, fc.constant(access), fc.constant({ ...access, exp: 'soon' })),
  fc.oneof(fc.string({ maxLength: 60 }), fc.constant(realAccess.split('.')[2]!)),
).map(([header, payload, signature]) => `${b64(header)}.${b64(payload)}.${b64(signature)}`);

/** A real token, changed: one character replaced, inserted or deleted, cut short, or parts swapped. */
const mutated = (original: string) => fc.oneof(
  fc.tuple(fc.nat({ max: original.length - 1 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }))
    .map(([i, c]) => original.slice(0, i) + c + original.slice(i + 1)),
  fc.tuple(fc.nat({ max: original.length }), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
    .map(([i, c]) => original.slice(0, i) + c + original.slice(i)),
  fc.nat({ max: original.length - 1 }).map((i) => original.slice(0, i) + original.slice(i + 1)),
  fc.nat({ max: original.length }).map((i) => original.slice(0, i)),
  fc.constantFrom(
    original.split('.').reverse().join('.'),
    `${original}.`,
    `${original.split('.').slice(0, 2).join('.')}.`,
    `${b64({ alg: 'none', typ: 'at+jwt' })}.${original.split('.')[1]}.`,
    `${original.split('.')[0]}.${realRefresh.split('.')[1]}.${original.split('.')[2]}`,
    realAccess === original ? realRefresh : realAccess,
  ),
);

for (const verifier of verifiers) {
  test(`${verifier.name} throws only AuthError on arbitrary strings`, async () => {
    await fc.assert(fc.asyncProperty(hostileText, (token) => holds(verifier.run, token)), { seed: SEED, numRuns: 400 });
  });

  test(`${verifier.name} throws only AuthError on JWT-shaped junk and header tricks`, async () => {
    await fc.assert(fc.asyncProperty(jwtShaped, (token) => holds(verifier.run, token)), { seed: SEED, numRuns: 400 });
  });

  test(`${verifier.name} on a mutated real token either gives the original claims or throws AuthError`, async () => {
    const expected = await verifier.run(verifier.original);
    await fc.assert(fc.asyncProperty(mutated(verifier.original), (token) => holds(verifier.run, token, expected)), { seed: SEED, numRuns: 400 });
  });
}

test('a refresh token never verifies as an access token, nor the reverse', async () => {
  assert.equal((await attempt(() => tokens.verifyAccessToken(realRefresh, { nowMs: NOW_MS }))).ok, false);
  assert.equal((await attempt(() => tokens.verifyRefreshToken(realAccess, { nowMs: NOW_MS }))).ok, false);
});
