// Importing users (docs/migrating.md): every line is checked, on its own and against the database,
// before anything is written; then the users are written in batches, each in one transaction.
// Hashes are stored as given and verified at login (core/passwords/hash-formats.ts).
import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../clock.js';
import { auditOrigin, type AuditActor, type AuditSink } from '../audit.js';
import { NO_PASSWORD_HASH } from '../passwords/no-password.js';
import { AuthError } from '../errors.js';
import { DuplicateUserError } from '../../storage/errors.js';
import type { NewUser, SessionStore } from '../../storage/types/stores.js';
import type { ImportBatch, UserImportStore } from '../../storage/types/user-import.js';
import { BadLine, checkImportLine, type ImportLine } from './import-line.js';
import { planImport, type BadLineReport, type PlannedLine } from './plan-import.js';

/** One line of the input, parsed (`value`) or not (`error`, the reason). */
export type SourceLine = { line: number; value: unknown } | { line: number; error: string };

export interface ImportOptions {
  /** Import the good lines and report the bad ones, instead of writing nothing. */
  skipInvalid: boolean;
  /** Overwrite the profile fields of users matched by id or email. */
  update: boolean;
  /** Called as batches are written: users written so far, of how many. */
  onProgress?(written: number, total: number): void;
}

export type ImportResult =
  | { ok: false; bad: BadLineReport[] }
  | { ok: true; created: number; updated: number; unchanged: number; skipped: BadLineReport[] };

export interface ImportDeps {
  store: UserImportStore;
  sessions: Pick<SessionStore, 'revokeAllForUser'>;
  clock: Clock;
  /** ROLES. */
  roles: readonly string[];
}

/** Users per transaction: large enough for speed, small enough that the server's own writes get their turn. */
export const IMPORT_BATCH_SIZE = 1000;

function checkLines(source: SourceLine[], roles: readonly string[], nowMs: number): { lines: ImportLine[]; bad: BadLineReport[] } {
  const lines: ImportLine[] = [];
  const bad: BadLineReport[] = [];
  for (const item of source) {
    if ('error' in item) {
      bad.push({ line: item.line, reason: item.error });
      continue;
    }
    try {
      lines.push(checkImportLine(item.value, item.line, roles, nowMs));
    } catch (error) {
      if (!(error instanceof BadLine)) throw error;
      bad.push({ line: item.line, reason: error.message });
    }
  }
  return { lines, bad };
}

/**
 * A UUIDv7 of the user's creation time, so ids keep that order. The random bits come from one
 * buffer per batch: uuid asks the system for 16 bytes on every call given a time (a fifth of an import's time).
 */
function idAt(ms: number, random: Buffer, index: number): string {
  return uuidv7({ msecs: ms, random: random.subarray(index * 16, index * 16 + 16) });
}

function newUser(plan: Extract<PlannedLine, { kind: 'create' }>, now: Date, random: Buffer, index: number): NewUser {
  const { line } = plan;
  const createdAt = line.createdAt ?? now;
  return {
    id: line.id ?? idAt(createdAt.getTime(), random, index), username: plan.username, email: line.email,
    emailVerified: line.emailVerified ?? false, passwordHash: line.passwordHash ?? NO_PASSWORD_HASH,
    fullName: line.fullName ?? null, role: line.role ?? 'user', disabled: line.disabled ?? false, createdAt,
  };
}

function toBatch(plans: PlannedLine[], now: Date): ImportBatch {
  const batch: ImportBatch = { create: [], update: [], identities: [] };
  const random = randomBytes(plans.length * 16);
  for (const [index, plan] of plans.entries()) {
    let userId: string;
    if (plan.kind === 'create') {
      const user = newUser(plan, now, random, index);
      batch.create.push(user);
      userId = user.id;
    } else {
      userId = plan.userId;
      const { username, fullName, emailVerified, role, disabled } = plan.line;
      if (plan.kind === 'update') batch.update.push({ id: userId, patch: { username, fullName, emailVerified, role, disabled } });
    }
    // a user matched without --update stays as it is: no new way into it either
    for (const { provider, subject } of plan.kind === 'unchanged' ? [] : plan.newIdentities) {
      batch.identities.push({ id: uuidv7(), userId, provider, subject, email: plan.line.email, emailVerified: false, createdAt: now, lastUsedAt: now });
    }
  }
  return batch;
}

export async function importUsers(deps: ImportDeps, source: SourceLine[], options: ImportOptions): Promise<ImportResult> {
  const now = new Date(deps.clock.now());
  const checked = checkLines(source, deps.roles, now.getTime());
  const { planned, bad } = await planImport(deps.store, checked.lines, options.update);
  const skipped = [...checked.bad, ...bad].sort((a, b) => a.line - b.line);
  if (skipped.length > 0 && !options.skipInvalid) return { ok: false, bad: skipped };
  const counts = { create: 0, update: 0, unchanged: 0 };
  for (let i = 0; i < planned.length; i += IMPORT_BATCH_SIZE) {
    const plans = planned.slice(i, i + IMPORT_BATCH_SIZE);
    await deps.store.writeBatch(toBatch(plans, now), now).catch((error: unknown) => {
      if (!(error instanceof DuplicateUserError)) throw error;
      throw new AuthError('import_invalid', `A user with an address, username or identity of lines ${plans[0]!.line.line}–${plans.at(-1)!.line.line} `
        + `was stored while the import ran; the ${i} users before them are written. Run the import again: what is there stays unchanged.`);
    });
    for (const plan of plans) {
      counts[plan.kind]++;
      // disabling ends every session, as an admin's disable does (create-account.ts)
      if (plan.kind === 'update' && plan.line.disabled) await deps.sessions.revokeAllForUser(plan.userId, now);
    }
    options.onProgress?.(Math.min(i + IMPORT_BATCH_SIZE, planned.length), planned.length);
  }
  return { ok: true, created: counts.create, updated: counts.update, unchanged: counts.unchanged, skipped };
}

/** The admin API's import: importUsers over the stores, audited under the admin who asked. */
export function createUserImport(deps: ImportDeps & { audit: AuditSink }) {
  return async (source: SourceLine[], options: Omit<ImportOptions, 'onProgress'>, actor: AuditActor): Promise<ImportResult> => {
    const result = await importUsers(deps, source, options);
    if (result.ok && result.created + result.updated > 0) {
      deps.audit({
        type: 'admin_users_imported', created: result.created, updated: result.updated, skipped: result.skipped.length,
        userId: actor.userId, sessionId: actor.sessionId, ...auditOrigin(actor),
      });
    }
    return result;
  };
}
