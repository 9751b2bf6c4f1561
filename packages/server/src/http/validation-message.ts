// What a schema failure tells the caller to change: the property it is about (ajv keeps it in
// params, and Fastify's own text drops it: "must NOT have additional properties") and the rule,
// in words, e.g. "body has an unknown property 'passwrd' (it takes: username, email, password)".
import type { FastifySchemaValidationError } from 'fastify';
import { ID_PATTERN, NO_CONTROL_CHARS } from './schemas.js';

export interface ValidationInput {
  /** The first failure (ajv runs with allErrors: false, so there is one). */
  error: FastifySchemaValidationError;
  /** Which part failed: body, querystring, params or headers. */
  part: string;
  /** That part as received, to name the type that was sent. */
  value: unknown;
  /** The property names the part's schema lists, when it takes no others (additionalProperties: false). */
  properties?: string[];
}

const PATTERNS: Record<string, string> = {
  [NO_CONTROL_CHARS]: 'must not contain control characters',
  [ID_PATTERN]: "must be an id: 1 to 64 letters, digits or '-'",
};

export function describeValidation({ error, part, value, properties }: ValidationInput): string {
  const where = describePath(part, error.instancePath);
  const params = error.params as Record<string, unknown>;
  const sent = valueAt(value, error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = error.instancePath === '' && properties?.length ? ` (it takes: ${properties.join(', ')})` : '';
      return `${where} has an unknown property ${quote(params.additionalProperty)}${known}`;
    }
    case 'required':
      return `${where} is missing the required property ${quote(params.missingProperty)}${alsoUnknown(sent, error.instancePath === '' ? properties : undefined)}`;
    case 'type':
      if (error.instancePath === '' && sent === undefined && part === 'body') {
        return 'The request has no body: send a JSON object with content-type: application/json';
      }
      return `${where} must be ${withArticle(String(params.type))} (got ${typeOf(sent)})`;
    case 'minLength':
      return `${where} must have at least ${String(params.limit)} character${params.limit === 1 ? '' : 's'}`;
    case 'maxLength':
      return `${where} must have at most ${String(params.limit)} characters`;
    case 'pattern':
      return `${where} ${PATTERNS[String(params.pattern)] ?? `must match the pattern ${String(params.pattern)}`}`;
    case 'enum':
      return `${where} must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'format':
      return `${where} must be a valid ${String(params.format)}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

/** ajv checks `required` first: a misspelt name ('passwrd') is named too, as the likely cause. */
function alsoUnknown(sent: unknown, properties: string[] | undefined): string {
  if (!properties || sent === null || typeof sent !== 'object') return '';
  const unknown = Object.keys(sent).filter((name) => !properties.includes(name));
  if (unknown.length === 0) return '';
  return `, and has ${unknown.length === 1 ? 'an unknown property' : 'unknown properties'} ${unknown.slice(0, 3).map(quote).join(', ')}`;
}

/** A JSON pointer as a reader writes it: /items/0/name → body.items[0].name. */
export function describePath(part: string, pointer: string): string {
  if (pointer === '') return part;
  return part + segments(pointer).map((segment) => {
    if (/^\d+$/.test(segment)) return `[${segment}]`;
    if (/^[A-Za-z_$][\w$]*$/.test(segment)) return `.${segment}`;
    return `[${quote(segment)}]`;
  }).join('');
}

function segments(pointer: string): string[] {
  return pointer.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of pointer === '' ? [] : segments(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** A name the caller sent, quoted and cut short: it is echoed back. */
function quote(name: unknown): string {
  const text = String(name);
  return `'${text.length > 64 ? `${text.slice(0, 64)}…` : text}'`;
}

function withArticle(types: string): string {
  return types.split(',').map((type) => (type === 'null' ? 'null' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`)).join(' or ');
}

function typeOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return withArticle(typeof value);
}
