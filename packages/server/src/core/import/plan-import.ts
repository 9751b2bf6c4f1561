// The whole-file check of an import (docs/migrating.md, "Checks"): duplicates within the file, and
// clashes with the users and identities already stored. Each line becomes an action (create,
// update, unchanged) or the reason it is refused; nothing is written here.
import { createHash } from 'node:crypto';
import type { ExistingUser, UserImportStore } from '../../storage/types/user-import.js';
import type { ImportIdentity, ImportLine } from './import-line.js';

export type PlannedLine =
  | { kind: 'create'; line: ImportLine; username: string; newIdentities: ImportIdentity[] }
  | { kind: 'update' | 'unchanged'; line: ImportLine; userId: string; newIdentities: ImportIdentity[] };

export interface BadLineReport {
  line: number;
  reason: string;
}

type DeriveUsernames = (email: string) => [string, string];

/**
 * Usernames from the address when the line gives none: its local part made valid, then that with
 * a digest of the address. Kept per address for one import (each is asked for twice).
 */
function usernameDeriver(): DeriveUsernames {
  const derived = new Map<string, [string, string]>();
  return (email) => {
    let pair = derived.get(email);
    if (!pair) {
      const local = email.split('@')[0]!.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 32).padEnd(3, '_');
      pair = [local, `${local.slice(0, 23)}-${createHash('sha256').update(email).digest('hex').slice(0, 8)}`];
      derived.set(email, pair);
    }
    return pair;
  };
}

/** Keys claimed by earlier lines of the file, with the line that claimed each. */
class Claims {
  private readonly owners = new Map<string, number>();
  has(key: string): boolean {
    return this.owners.has(key);
  }
  /** The earlier line holding `key`, or undefined after claiming it for `line`. */
  claim(key: string, line: number): number | undefined {
    const owner = this.owners.get(key);
    if (owner === undefined) this.owners.set(key, line);
    return owner;
  }
}

interface Known {
  derive: DeriveUsernames;
  byId: Map<string, ExistingUser>;
  byEmail: Map<string, ExistingUser>;
  byUsername: Map<string, ExistingUser>;
  linked: Map<string, string>;
  ids: Claims;
  emails: Claims;
  usernames: Claims;
  identities: Claims;
}

const identityKey = (i: ImportIdentity) => `${i.provider}\u0000${i.subject}`;

/** The username a line ends with (undefined: unchanged), or the reason it is refused. */
function checkUsername(known: Known, line: ImportLine, match: ExistingUser | undefined, update: boolean): { username?: string } | string {
  if (match && !update) return {};
  if (line.username) {
    const key = line.username.toLowerCase();
    const owner = known.byUsername.get(key);
    if (owner && owner.id !== match?.id) return 'username belongs to another user';
    const twin = known.usernames.claim(key, line.line);
    return twin === undefined ? { username: line.username } : `username repeats line ${twin}`;
  }
  if (match) return {};
  const free = known.derive(line.email).find((u) => !known.byUsername.has(u.toLowerCase()) && !known.usernames.has(u.toLowerCase()));
  if (!free) return 'no free username follows from the address: give one';
  known.usernames.claim(free.toLowerCase(), line.line);
  return { username: free };
}

/** The identities still to link, or the reason the line is refused. */
function checkIdentities(known: Known, line: ImportLine, match: ExistingUser | undefined): ImportIdentity[] | string {
  const fresh: ImportIdentity[] = [];
  for (const identity of line.identities) {
    const owner = known.linked.get(identityKey(identity));
    const named = `identity ${identity.provider} ${identity.subject.slice(0, 40)}`;
    if (owner !== undefined && owner !== match?.id) return `${named} is linked to another user`;
    const twin = known.identities.claim(identityKey(identity), line.line);
    if (twin !== undefined) return `${named} repeats line ${twin}`;
    if (owner === undefined) fresh.push(identity);
  }
  return fresh;
}

function checkLine(known: Known, line: ImportLine, update: boolean): PlannedLine | string {
  const idTwin = line.id === undefined ? undefined : known.ids.claim(line.id, line.line);
  if (idTwin !== undefined) return `id repeats line ${idTwin}`;
  const emailTwin = known.emails.claim(line.email, line.line);
  if (emailTwin !== undefined) return `email repeats line ${emailTwin}`;
  const match = line.id ? known.byId.get(line.id) : known.byEmail.get(line.email);
  const emailOwner = known.byEmail.get(line.email);
  if (emailOwner && emailOwner.id !== match?.id) return 'email belongs to another user';
  // the last-admin rule lives in the admin core: an import leaves admins' role and access to it
  if (update && match?.activeAdmin && ((line.role !== undefined && line.role !== 'admin') || line.disabled === true)) {
    return 'an import does not demote or disable an admin: use gatehouse user role or user disable';
  }
  const username = checkUsername(known, line, match, update);
  if (typeof username === 'string') return username;
  const newIdentities = checkIdentities(known, line, match);
  if (typeof newIdentities === 'string') return newIdentities;
  if (!match) return { kind: 'create', line, username: username.username!, newIdentities };
  return { kind: update ? 'update' : 'unchanged', line: { ...line, username: username.username }, userId: match.id, newIdentities };
}

export async function planImport(
  store: UserImportStore, lines: ImportLine[], update: boolean,
): Promise<{ planned: PlannedLine[]; bad: BadLineReport[] }> {
  const derive = usernameDeriver();
  const existing = await store.findUsers({
    ids: lines.flatMap((l) => (l.id ? [l.id] : [])),
    emails: lines.map((l) => l.email),
    usernameKeys: lines.flatMap((l) => (l.username ? [l.username] : derive(l.email))).map((u) => u.toLowerCase()),
  });
  const identities = await store.findIdentities(lines.flatMap((l) => l.identities));
  const known: Known = {
    derive,
    byId: new Map(existing.map((u) => [u.id, u])),
    byEmail: new Map(existing.map((u) => [u.email, u])),
    byUsername: new Map(existing.map((u) => [u.usernameKey, u])),
    linked: new Map(identities.map((i) => [identityKey(i), i.userId])),
    ids: new Claims(), emails: new Claims(), usernames: new Claims(), identities: new Claims(),
  };
  const planned: PlannedLine[] = [];
  const bad: BadLineReport[] = [];
  for (const line of lines) {
    const outcome = checkLine(known, line, update);
    if (typeof outcome === 'string') bad.push({ line: line.line, reason: outcome });
    else planned.push(outcome);
  }
  return { planned, bad };
}
