// The login state machine called directly (pure: no store, no clock but the event's time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { advance, LOGIN_RULES, type LoginState } from '../../../src/core/login/login-machine.js';

const T = Date.UTC(2026, 0, 1, 12);
const first = (enrolled: string[], amr: ('pwd' | 'email' | 'fed' | 'hwk' | 'user' | 'mfa')[] = ['pwd']) =>
  ({ type: 'first_factor', userId: 'u1', amr, enrolled, nowMs: T }) as const;
const pending = (attempts = 1): LoginState => ({ step: 'second_factor', userId: 'u1', amr: ['pwd'], attempts, expiresAtMs: T + 300_000 });
const second = (passed: boolean, factor = 'totp', nowMs = T + 1000) =>
  ({ type: 'second_factor', factor, enrolled: ['totp', 'recovery_code'], amr: ['otp'], passed, nowMs }) as const;

test('a first factor of a user without second factors finishes the login with its own amr', () => {
  assert.deepEqual(advance({ step: 'begin' }, first([])), { step: 'done', userId: 'u1', amr: ['pwd'] });
  assert.deepEqual(advance({ step: 'begin' }, first([], ['email'])), { step: 'done', userId: 'u1', amr: ['email'] });
});

test('a first factor of a user with a second factor opens a second-factor step of 5 minutes and no attempts', () => {
  assert.deepEqual(advance({ step: 'begin' }, first(['totp', 'recovery_code'])),
    { step: 'second_factor', userId: 'u1', amr: ['pwd'], attempts: 0, expiresAtMs: T + 5 * 60_000 });
  assert.deepEqual(LOGIN_RULES, { maxAttempts: 5, challengeTtlMs: 300_000 });
});

test('a first factor that is multi-factor by itself (a verified passkey) needs no second', () => {
  assert.deepEqual(advance({ step: 'begin' }, first(['totp'], ['hwk', 'user', 'mfa'])), { step: 'done', userId: 'u1', amr: ['hwk', 'user', 'mfa'] });
});

test('a passing second factor finishes with both factors and mfa in amr', () => {
  assert.deepEqual(advance(pending(), second(true)), { step: 'done', userId: 'u1', amr: ['pwd', 'otp', 'mfa'] });
  assert.deepEqual(advance(pending(), second(true, 'recovery_code')), { step: 'done', userId: 'u1', amr: ['pwd', 'otp', 'mfa'] });
});

test('a wrong code keeps the step, saying invalid_mfa_code; a factor the user lacks says factor_not_enrolled', () => {
  assert.deepEqual(advance(pending(2), second(false)), { ...pending(2), refused: 'invalid_mfa_code' });
  const unenrolled = { ...second(true, 'passkey') };
  assert.deepEqual(advance(pending(2), unenrolled), { ...pending(2), refused: 'factor_not_enrolled' });
});

test('the fifth attempt is judged; a sixth fails the login with mfa_attempts_exceeded, even with a right code', () => {
  assert.deepEqual(advance(pending(5), second(true)), { step: 'done', userId: 'u1', amr: ['pwd', 'otp', 'mfa'] });
  assert.deepEqual(advance(pending(6), second(true)), { step: 'failed', code: 'mfa_attempts_exceeded' });
});

test('at its expiry instant the step fails with mfa_token_expired; a millisecond before, it still finishes', () => {
  assert.deepEqual(advance(pending(), second(true, 'totp', T + 300_000)), { step: 'failed', code: 'mfa_token_expired' });
  assert.equal(advance(pending(), second(true, 'totp', T + 299_999)).step, 'done');
});

test('a user disabled between the steps fails the login with user_disabled; an event out of turn with invalid_mfa_token', () => {
  assert.deepEqual(advance(pending(), { type: 'user_gone', code: 'user_disabled' }), { step: 'failed', code: 'user_disabled' });
  assert.deepEqual(advance({ step: 'begin' }, second(true)), { step: 'failed', code: 'invalid_mfa_token' });
  assert.deepEqual(advance(pending(), first([])), { step: 'failed', code: 'invalid_mfa_token' });
});
