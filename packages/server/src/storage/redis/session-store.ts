// SessionStore on Redis or Redis Cluster: one Lua script per operation (atomic), a user's keys
// hash-tagged into one slot, keys expiring with their session, and only refresh-token hashes
// stored. ioredis runs the scripts by EVALSHA and falls back to EVAL on NOSCRIPT.
import { guard } from '../sql/errors.js';
import { SessionUserGoneError } from '../errors.js';
import type { SessionRecord, SessionRotation, SessionStore } from '../types/stores.js';
import type { RedisClient } from './client.js';
import { CLIENT_INDEX, CLIENT_INDEX_SLACK_MS, CREATE, DELETE_ALL, LIST_ACTIVE, REVOKE, REVOKE_ALL, ROTATE } from './scripts.js';

type ScriptArg = string | number;

/** How long a deleted user's mark stays: far longer than a login takes between reading the user and storing its session. */
const GONE_MARK_MS = 60 * 60 * 1000;
interface SessionCommands {
  ghCreate(session: string, index: string, ...args: ScriptArg[]): Promise<number>;
  ghRotate(session: string, index: string, ...args: ScriptArg[]): Promise<number | string>;
  ghClientIndex(index: string, ...args: ScriptArg[]): Promise<number>;
  ghRevoke(session: string, ...args: ScriptArg[]): Promise<number>;
  ghRevokeAll(index: string, ...args: ScriptArg[]): Promise<number>;
  ghDeleteAll(index: string, ...args: ScriptArg[]): Promise<number>;
  ghListActive(index: string, ...args: ScriptArg[]): Promise<string[][]>;
}

export function createRedisSessionStore(client: RedisClient, prefix: string): SessionStore {
  client.defineCommand('ghCreate', { numberOfKeys: 3, lua: CREATE });
  client.defineCommand('ghRotate', { numberOfKeys: 2, lua: ROTATE });
  client.defineCommand('ghClientIndex', { numberOfKeys: 1, lua: CLIENT_INDEX });
  client.defineCommand('ghRevoke', { numberOfKeys: 1, lua: REVOKE });
  client.defineCommand('ghRevokeAll', { numberOfKeys: 1, lua: REVOKE_ALL });
  client.defineCommand('ghDeleteAll', { numberOfKeys: 2, lua: DELETE_ALL });
  client.defineCommand('ghListActive', { numberOfKeys: 1, lua: LIST_ACTIVE });
  const redis = client as unknown as SessionCommands & RedisClient;
  const sessionPrefix = (userId: string) => `${prefix}{${userId}}:s:`;
  const sessionKey = (userId: string, id: string) => `${sessionPrefix(userId)}${id}`;
  const indexKey = (userId: string) => `${prefix}{${userId}}:sessions`;
  /** Set by deleteAllForUser: the account is gone, and a login in flight must not store a session for it. */
  const goneKey = (userId: string) => `${prefix}{${userId}}:gone`;
  /** The sessions opened for a client, of every user (scripts.ts, CLIENT_INDEX): revokeAllForClient reads it. */
  const clientIndexKey = (clientId: string) => `${prefix}c:{${clientId}}:sessions`;
  const indexClientSession = (clientId: string, userId: string, id: string, expiresAtMs: number) =>
    redis.ghClientIndex(clientIndexKey(clientId), Date.now(), expiresAtMs + CLIENT_INDEX_SLACK_MS, `${userId} ${id}`);

  return {
    create: (s) =>
      guard(async () => {
        // indexed first: a session the index missed would outlive its client's deletion
        if (s.client) await indexClientSession(s.client.clientId, s.userId, s.id, s.expiresAt.getTime());
        const created = await redis.ghCreate(sessionKey(s.userId, s.id), indexKey(s.userId), goneKey(s.userId), s.expiresAt.getTime(),
          s.createdAt.getTime(), s.id, ...toFields(s));
        if (created === 0) throw new SessionUserGoneError();
      }),

    findById: (userId, id) =>
      guard(async () => {
        const fields = await redis.hgetall(sessionKey(userId, id));
        return fields.userId === userId ? toRecord(id, fields) : null;
      }),

    rotate: (userId, id, expectedHash, next: SessionRotation) =>
      guard(async () => {
        const swapped = await redis.ghRotate(sessionKey(userId, id), indexKey(userId), expectedHash, next.expiresAt.getTime(),
          ...rotationFields(next));
        if (typeof swapped === 'string') await indexClientSession(swapped, userId, id, next.expiresAt.getTime());
        return swapped !== 0;
      }),

    listActiveForUser: (userId, now) =>
      guard(async () => {
        const rows = await redis.ghListActive(indexKey(userId), now.getTime(), sessionPrefix(userId));
        return rows.map((flat) => {
          const fields = pairsToObject(flat);
          return toRecord(fields.id!, fields);
        });
      }),

    revoke: (userId, id, now) =>
      guard(async () => {
        await redis.ghRevoke(sessionKey(userId, id), now.getTime());
      }),

    revokeAllForUser: (userId, now, exceptId) =>
      guard(() => redis.ghRevokeAll(indexKey(userId), now.getTime(), sessionPrefix(userId), exceptId ?? '')),

    revokeAllForClient: (clientId, now) =>
      guard(async () => {
        const index = clientIndexKey(clientId);
        let revoked = 0;
        for (const member of await redis.zrange(index, 0, -1)) {
          const [userId, id] = member.split(' ') as [string, string];
          const key = sessionKey(userId, id);
          // the session's own client, checked: the index only points at it
          if ((await redis.hget(key, 'clientId')) === clientId) revoked += await redis.ghRevoke(key, now.getTime());
        }
        return revoked; // the index stays until its members expire: a racing sign-in's entry is not lost
      }),

    deleteAllForUser: (userId) => guard(() => redis.ghDeleteAll(indexKey(userId), goneKey(userId), sessionPrefix(userId), GONE_MARK_MS)),

    // Keys expire with their sessions (PEXPIREAT), so Redis cleans up by itself.
    deleteExpired: async () => 0,
  };
}

function toFields(s: SessionRecord): ScriptArg[] {
  return [
    'id', s.id, 'userId', s.userId, 'createdAt', s.createdAt.getTime(),
    'revokedAt', s.revokedAt?.getTime() ?? '', 'ip', s.ip ?? '', 'userAgent', s.userAgent ?? '',
    'amr', s.amr.join(' '), 'authTime', s.authTime.getTime(),
    'clientId', s.client?.clientId ?? '', 'scope', s.client ? s.client.scopes.join(' ') : '',
    'clientIndexedUntil', s.client ? s.expiresAt.getTime() + CLIENT_INDEX_SLACK_MS : '',
    ...rotationFields(s),
  ];
}

/** What a rotation sets; ROTATE writes them all in one script, the rotating client's fingerprint included. */
function rotationFields(r: SessionRotation): ScriptArg[] {
  return [
    'currentHash', r.currentHash, 'previousHash', r.previousHash ?? '', 'generation', r.generation,
    'rotatedAt', r.rotatedAt.getTime(), 'rotationFingerprint', r.rotationFingerprint ?? '',
    'expiresAt', r.expiresAt.getTime(), 'lastUsedAt', r.lastUsedAt.getTime(),
  ];
}

function pairsToObject(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
}

const date = (ms: string | undefined) => new Date(Number(ms));
const orNull = (value: string | undefined) => (value ? value : null);

function toRecord(id: string, f: Record<string, string>): SessionRecord {
  return {
    id,
    userId: f.userId!,
    currentHash: f.currentHash!,
    previousHash: orNull(f.previousHash),
    generation: Number(f.generation),
    rotatedAt: date(f.rotatedAt),
    rotationFingerprint: orNull(f.rotationFingerprint),
    createdAt: date(f.createdAt),
    expiresAt: date(f.expiresAt),
    lastUsedAt: date(f.lastUsedAt),
    revokedAt: f.revokedAt ? date(f.revokedAt) : null,
    ip: orNull(f.ip),
    userAgent: orNull(f.userAgent),
    amr: f.amr ? f.amr.split(' ') : [],
    authTime: date(f.authTime ?? f.createdAt),
    client: f.clientId ? { clientId: f.clientId, scopes: f.scope ? f.scope.split(' ') : [] } : null,
  };
}
