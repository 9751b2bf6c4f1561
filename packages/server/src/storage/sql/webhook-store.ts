// WebhookStore on the SQL query layer (storage/types/webhooks.ts).
import type { Kysely, Selectable } from 'kysely';
import { sql } from './kysely.js';
import type { Database, WebhookEndpointsTable } from './schema.js';
import { guard, toDate } from './errors.js';
import type { WebhookEndpoint, WebhookStore } from '../types/webhooks.js';

export function createSqlWebhookStore(db: Kysely<Database>): WebhookStore {
  return {
    create: (e) => guard(async () => {
      await db.insertInto('webhook_endpoints').values({
        id: e.id, url: e.url, description: e.description, events: e.events.join(','), secret: e.sealedSecret,
        disabled: e.disabled ? 1 : 0, failures: e.failures, created_at: e.createdAt.getTime(),
      }).execute();
    }),
    list: () => guard(async () => (await db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute()).map(toEndpoint)),
    findById: (id) => guard(async () => {
      const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toEndpoint(row) : null;
    }),
    delete: (id) => guard(async () => Number((await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0),
    recordOutcome: (id, ok, disable) => guard(async () => {
      await db.updateTable('webhook_endpoints')
        .set(ok ? { failures: 0 } : { failures: sql<number>`failures + 1`, ...(disable ? { disabled: 1 } : {}) })
        .where('id', '=', id).execute();
    }),
  };
}

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id, url: row.url, description: row.description, events: row.events.split(',').filter(Boolean),
    sealedSecret: row.secret, disabled: Number(row.disabled) === 1, failures: Number(row.failures), createdAt: toDate(row.created_at),
  };
}
