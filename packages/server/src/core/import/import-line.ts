// One line of an import (docs/migrating.md, "The file"): a JSON object checked on its own, before
// any database is read. A bad line gives the reason, in words an operator can act on, never a hash.
import { AuthError } from '../errors.js';
import { normalizeEmail, normalizeFullName, normalizeUsername } from '../accounts/user-rules.js';
import { hashFormat } from '../passwords/hash-formats.js';

export interface ImportIdentity {
  provider: string;
  subject: string;
}

/**
 * A line that passed its own checks. `id` only when the line gave a UUID; the profile fields only
 * when the line gave them (a new user gets the defaults, --update leaves an absent field alone).
 */
export interface ImportLine {
  line: number;
  id?: string;
  email: string;
  username?: string;
  fullName?: string | null;
  emailVerified?: boolean;
  role?: string;
  disabled?: boolean;
  createdAt?: Date;
  passwordHash?: string;
  identities: ImportIdentity[];
}

const FIELDS = new Set(['email', 'username', 'full_name', 'email_verified', 'role', 'disabled', 'created_at', 'id', 'password_hash', 'identities']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROVIDER = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const MAX_SUBJECT_LENGTH = 255;

export class BadLine extends Error {}

function field<T>(value: unknown, name: string, check: (v: unknown) => v is T, expected: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!check(value)) throw new BadLine(`${name} must be ${expected}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

/** `created_at`: an ISO 8601 time or epoch milliseconds, not in the future of `now`. */
function createdAt(value: unknown, nowMs: number): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || date.getTime() > nowMs || date.getTime() < 0) throw new BadLine('created_at must be a past ISO 8601 time or epoch milliseconds');
  return date;
}

function identities(value: unknown): ImportIdentity[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadLine('identities must be an array of {provider, subject}');
  return value.map((item: unknown) => {
    const { provider, subject } = (item ?? {}) as Record<string, unknown>;
    if (typeof provider !== 'string' || !PROVIDER.test(provider)) throw new BadLine('identities[].provider must be a provider id (a-z, 0-9, _ . -)');
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) throw new BadLine(`identities[].subject must be 1 to ${MAX_SUBJECT_LENGTH} characters`);
    return { provider, subject };
  });
}

/** Why an AuthError from the shared user rules refused a field, as a line's reason. */
function rule<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof AuthError) throw new BadLine(`${name}: ${error.message}`);
    throw error;
  }
}

/** Checks one parsed line; throws BadLine with the reason. `roles` are those ROLES declares. */
export function checkImportLine(value: unknown, line: number, roles: readonly string[], nowMs: number): ImportLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadLine('a line must be a JSON object');
  const input = value as Record<string, unknown>;
  const unknown = Object.keys(input).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) throw new BadLine(`unknown field "${unknown.slice(0, 40)}"`);
  const email = field(input.email, 'email', isString, 'a string');
  if (email === undefined) throw new BadLine('email is required');
  const username = field(input.username, 'username', isString, 'a string');
  const id = field(input.id, 'id', isString, 'a string');
  const role = field(input.role, 'role', isString, 'a string');
  if (role !== undefined && !roles.includes(role)) throw new BadLine(`role "${role.slice(0, 40)}" is not declared in ROLES (${roles.join(', ')})`);
  const passwordHash = field(input.password_hash, 'password_hash', isString, 'a string');
  if (passwordHash !== undefined && hashFormat(passwordHash) === undefined) throw new BadLine('password_hash is in no format Gatehouse reads, or its cost is past the limits (see docs/migrating.md)');
  return {
    line,
    ...(id !== undefined && UUID.test(id) && { id: id.toLowerCase() }),
    email: rule('email', () => normalizeEmail(email)),
    ...(username !== undefined && { username: rule('username', () => normalizeUsername(username)) }),
    ...('full_name' in input && { fullName: rule('full_name', () => normalizeFullName(field(input.full_name, 'full_name', isString, 'a string'))) }),
    emailVerified: field(input.email_verified, 'email_verified', isBoolean, 'true or false'),
    role,
    disabled: field(input.disabled, 'disabled', isBoolean, 'true or false'),
    createdAt: createdAt(input.created_at, nowMs),
    ...(passwordHash !== undefined && { passwordHash }),
    identities: identities(input.identities),
  };
}
