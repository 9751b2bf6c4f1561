// Reading the audit store (docs/events.md, "Reading it"): the admin's filtered pages and a person's
// own recent activity, newest first, each page with the cursor of the next.
import type { AuditQuery, AuditRecord, AuditStore } from '../storage/types/audit.js';

export interface AuditPage {
  events: AuditRecord[];
  /** The `after` of the next page; null on the last. */
  nextCursor: string | null;
}

export interface AuditReader {
  /** GET /admin/audit: every filter given holds. */
  list(query: AuditQuery): Promise<AuditPage>;
  /** GET /users/me/activity: the events about this account. */
  activity(userId: string, page: { limit: number; after?: string }): Promise<AuditPage>;
}

export function createAuditReader(store: Pick<AuditStore, 'find'>): AuditReader {
  const page = async (query: AuditQuery): Promise<AuditPage> => {
    // one more than asked tells whether a next page exists, without a count
    const rows = await store.find({ ...query, limit: query.limit + 1 });
    const events = rows.slice(0, query.limit);
    return { events, nextCursor: rows.length > query.limit ? events.at(-1)!.id : null };
  };
  return {
    list: page,
    activity: (userId, { limit, after }) => page({ subjectId: userId, limit, after }),
  };
}
