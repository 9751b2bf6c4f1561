// AuditStore on the SQL query layer. A page walks one (filter, id) index backwards: ids are
// UUIDv7, so the time bounds become id bounds too and no filter sorts or scans past its page.
import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from './schema.js';
import { guard, toDate } from './errors.js';
import type { AuditRecord, AuditStore } from '../types/audit.js';

/** Rows per INSERT: well under every backend's bound-parameter limit (9 columns each). */
const INSERT_CHUNK = 500;

/** The first 12 hex digits of a UUIDv7 are its milliseconds: the smallest id prefix at `ms`. */
export function idPrefixAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}`;
}

export function createSqlAuditStore(db: Kysely<Database>): AuditStore {
  return {
    append: (records) => guard(async () => {
      for (let i = 0; i < records.length; i += INSERT_CHUNK) {
        await db.insertInto('audit_events').values(records.slice(i, i + INSERT_CHUNK).map(toRow)).execute();
      }
    }),

    find: (query) => guard(async () => {
      let select = db.selectFrom('audit_events').selectAll();
      if (query.subjectId !== undefined) select = select.where('subject_id', '=', query.subjectId);
      if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
      if (query.type !== undefined) select = select.where('type', '=', query.type);
      if (query.ip !== undefined) select = select.where('ip', '=', query.ip);
      if (query.from !== undefined) {
        select = select.where('id', '>=', idPrefixAt(query.from.getTime())).where('time', '>=', query.from.getTime());
      }
      if (query.to !== undefined) {
        select = select.where('id', '<', idPrefixAt(query.to.getTime() + 1)).where('time', '<=', query.to.getTime());
      }
      if (query.after !== undefined) select = select.where('id', '<', query.after);
      const rows = await select.orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toRecord);
    }),

    deleteOlderThan: (before, limit) => guard(async () => {
      const old = await db.selectFrom('audit_events').select('id')
        .where('time', '<', before.getTime()).orderBy('time').limit(limit).execute();
      if (old.length === 0) return 0;
      await db.deleteFrom('audit_events').where('id', 'in', old.map((row) => row.id)).execute();
      return old.length;
    }),
  };
}

function toRow(record: AuditRecord): AuditEventsTable {
  return {
    id: record.id, time: record.time.getTime(), type: record.type, actor_id: record.actorId, subject_id: record.subjectId,
    ip: record.ip, user_agent: record.userAgent, session_id: record.sessionId, data: JSON.stringify(record.data),
  };
}

function toRecord(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    id: row.id, time: toDate(row.time), type: row.type, actorId: row.actor_id, subjectId: row.subject_id,
    ip: row.ip, userAgent: row.user_agent, sessionId: row.session_id, data: JSON.parse(row.data) as Record<string, unknown>,
  };
}
