// A body that breaks a route's schema answers 400 validation_failed with a message naming the
// property and what to change, not ajv's bare "must NOT have additional properties".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifySchemaValidationError } from 'fastify';
import { describePath, describeValidation } from '../../../src/http/validation-message.js';
import { ID_PATTERN, NO_CONTROL_CHARS } from '../../../src/http/schemas.js';
import { assertError, createTestApp, PASSWORD, type TestApp } from '../../helpers.js';

async function appFor(t: { after(fn: () => Promise<void>): void }): Promise<TestApp> {
  const ctx = await createTestApp();
  t.after(() => ctx.close());
  return ctx;
}

async function messageFor(ctx: TestApp, url: string, payload?: object): Promise<string> {
  return assertError(await ctx.app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) }), 400, 'validation_failed');
}

test('an unknown body property is named, with the properties the route takes', async (t) => {
  const ctx = await appFor(t);
  assert.equal(await messageFor(ctx, '/auth/login', { username: 'someone', password: PASSWORD, passwrd: PASSWORD }),
    "body has an unknown property 'passwrd' (it takes: username, email, password).");
});

test('a missing required property is named, and a misspelt one sent beside it too', async (t) => {
  const ctx = await appFor(t);
  assert.equal(await messageFor(ctx, '/auth/register', { username: 'someone', password: PASSWORD }),
    "body is missing the required property 'email'.");
  assert.equal(await messageFor(ctx, '/auth/login', { username: 'someone', passwrd: PASSWORD }),
    "body is missing the required property 'password', and has an unknown property 'passwrd'.");
});

test('a value of the wrong type names its path, the type wanted and the type sent', async (t) => {
  const ctx = await appFor(t);
  assert.equal(await messageFor(ctx, '/auth/register', { username: 42, email: 'a@example.com', password: PASSWORD }),
    'body.username must be a string (got an integer).');
  assert.equal(await messageFor(ctx, '/auth/register', { username: 'someone', email: 'a@example.com', password: PASSWORD, full_name: [] }),
    'body.full_name must be a string or null (got an array).');
});

test('a body that is not an object, or no body at all, says what to send', async (t) => {
  const ctx = await appFor(t);
  assert.equal(await messageFor(ctx, '/auth/login'), 'The request has no body: send a JSON object with content-type: application/json.');
  const array = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: '[1]', headers: { 'content-type': 'application/json' } });
  assert.equal(assertError(array, 400, 'validation_failed'), 'body must be an object (got an array).');
});

test('length and pattern rules are said in words', async (t) => {
  const ctx = await appFor(t);
  assert.equal(await messageFor(ctx, '/auth/login', { username: '', password: PASSWORD }), 'body.username must have at least 1 character.');
  assert.equal(await messageFor(ctx, '/auth/login', { username: 'a\u0000b', password: PASSWORD }), 'body.username must not contain control characters.');
  assert.equal(await messageFor(ctx, '/auth/login', { username: 'x'.repeat(300), password: PASSWORD }), 'body.username must have at most 254 characters.');
});

test('an echoed property name is cut short', async (t) => {
  const ctx = await appFor(t);
  const message = await messageFor(ctx, '/auth/login', { password: PASSWORD, ['k'.repeat(500)]: 1 });
  assert.equal(message, `body has an unknown property '${'k'.repeat(64)}…' (it takes: username, email, password).`);
});

const ajvError = (keyword: string, instancePath: string, params: Record<string, unknown>, message = 'is wrong'): FastifySchemaValidationError =>
  ({ keyword, instancePath, schemaPath: '#', params, message });

test('nested paths read as body.items[0].name, and odd names are quoted', () => {
  assert.equal(describePath('body', ''), 'body');
  assert.equal(describePath('body', '/items/0/name'), 'body.items[0].name');
  assert.equal(describePath('querystring', '/a~1b c'), "querystring['a/b c']");
});

test('each rule keyword gets its sentence; an unknown one keeps ajv\'s words', () => {
  const say = (error: FastifySchemaValidationError, value: unknown = {}) => describeValidation({ error, part: 'body', value });
  assert.equal(say(ajvError('enum', '/scope', { allowedValues: ['local', 'others', 'global'] })), 'body.scope must be one of: "local", "others", "global"');
  assert.equal(say(ajvError('pattern', '/id', { pattern: ID_PATTERN })), "body.id must be an id: 1 to 64 letters, digits or '-'");
  assert.equal(say(ajvError('pattern', '/u', { pattern: NO_CONTROL_CHARS })), 'body.u must not contain control characters');
  assert.equal(say(ajvError('pattern', '/role', { pattern: '^[a-z]+$' })), 'body.role must match the pattern ^[a-z]+$');
  assert.equal(say(ajvError('format', '/at', { format: 'date-time' })), 'body.at must be a valid date-time');
  assert.equal(say(ajvError('minProperties', '', { limit: 1 }, 'must NOT have fewer than 1 properties')), 'body must NOT have fewer than 1 properties');
  assert.equal(say(ajvError('type', '/limit', { type: 'integer' }), { limit: 1.5 }), 'body.limit must be an integer (got a number)');
  assert.equal(describeValidation({ error: ajvError('additionalProperties', '', { additionalProperty: 'x' }), part: 'querystring', value: {} }),
    "querystring has an unknown property 'x'");
});
