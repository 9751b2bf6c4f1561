// WebhookStore on the SQL query layer (storage/types/webhooks.ts): the endpoints and their
// delivery log (docs/events.md, "Delivery log").
import type { Insertable, Selectable } from 'kysely';
import { sql } from './kysely.js';
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './schema.js';
import { guard, toDate, toNullableDate } from './errors.js';
import { settleOutbox } from './outbox-store.js';
import { inTransaction, type TransactionConnection } from './transaction.js';
import type { WebhookAttemptRecord, WebhookDelivery, WebhookEndpoint, WebhookEndpointChanges, WebhookErrorClass, WebhookStore } from '../types/webhooks.js';

export function createSqlWebhookStore(conn: TransactionConnection): WebhookStore {
  const { db } = conn;
  const findById = (id: string) => guard(async () => {
    const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toEndpoint(row) : null;
  });
  return {
    create: (e) => guard(async () => {
      await db.insertInto('webhook_endpoints').values({
        id: e.id, url: e.url, description: e.description, events: e.events.join(','), secret: e.sealedSecret,
        disabled: e.disabled ? 1 : 0, failures: e.failures, created_at: e.createdAt.getTime(),
        previous_secret: e.previousSealedSecret, previous_secret_until: e.previousSecretUntil?.getTime() ?? null,
      }).execute();
    }),
    list: () => guard(async () => (await db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute()).map(toEndpoint)),
    findById,
    delete: (id) => guard(async () => {
      await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      return Number((await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst()).numDeletedRows) > 0;
    }),
    update: (id, changes) => guard(async () => {
      const set = toColumns(changes);
      if (Object.keys(set).length > 0) await db.updateTable('webhook_endpoints').set(set).where('id', '=', id).execute();
      return findById(id);
    }),
    recordAttempts: (attempts) => guard(async () => {
      if (attempts.length === 0) return [];
      return inTransaction(conn, async (trx) => {
        await trx.insertInto('webhook_deliveries').values(attempts.map(({ delivery: d }) => deliveryColumns(d))).execute();
        await settleOutbox(trx, attempts.map((a) => a.result));
        const disabled: Array<{ endpointId: string; failures: number }> = [];
        // one update per endpoint, in id order so concurrent batches lock endpoints alike
        for (const [id, moves] of [...endpointMoves(attempts)].sort(([a], [b]) => (a < b ? -1 : 1))) {
          const failures = moves.reset ? sql<number>`${moves.after}` : sql<number>`failures + ${moves.after}`;
          await trx.updateTable('webhook_endpoints').set({ failures }).where('id', '=', id).execute();
          if (!moves.disable) continue;
          const result = await trx.updateTable('webhook_endpoints').set({ disabled: 1 }).where('id', '=', id).where('disabled', '=', 0).executeTakeFirst();
          if (Number(result.numUpdatedRows) !== 1) continue;
          const row = await trx.selectFrom('webhook_endpoints').select('failures').where('id', '=', id).executeTakeFirst();
          disabled.push({ endpointId: id, failures: Number(row?.failures ?? 0) });
        }
        return disabled;
      });
    }),
    listDeliveries: (endpointId, page) => guard(async () => {
      let select = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
      if (page.after !== undefined) select = select.where('id', '<', page.after);
      return (await select.orderBy('id', 'desc').limit(page.limit).execute()).map(toDelivery);
    }),
    findDelivery: (endpointId, deliveryId) => guard(async () => {
      const row = await db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('id', '=', deliveryId).executeTakeFirst();
      return row ? toDelivery(row) : null;
    }),
    deleteDeliveriesBefore: (before, limit) => guard(async () => {
      const old = await db.selectFrom('webhook_deliveries').select('id').where('attempted_at', '<', before.getTime()).orderBy('attempted_at').limit(limit).execute();
      if (old.length === 0) return 0;
      await db.deleteFrom('webhook_deliveries').where('id', 'in', old.map((row) => row.id)).execute();
      return old.length;
    }),
  };
}

function deliveryColumns(d: WebhookDelivery): Insertable<WebhookDeliveriesTable> {
  return {
    id: d.id, endpoint_id: d.endpointId, message_id: d.messageId, event_type: d.eventType, attempt: d.attempt,
    attempted_at: d.attemptedAt.getTime(), status_code: d.statusCode, duration_ms: d.durationMs, error_class: d.errorClass, payload: d.payload,
  };
}

/**
 * Per endpoint, what a batch's attempts do to it, in order: a success resets failures to 0, a
 * failure adds one; so `after` failures follow the last success (`reset`), or add to the count.
 */
function endpointMoves(attempts: readonly WebhookAttemptRecord[]): Map<string, { reset: boolean; after: number; disable: boolean }> {
  const moves = new Map<string, { reset: boolean; after: number; disable: boolean }>();
  for (const { delivery, result, disable } of attempts) {
    const move = moves.get(delivery.endpointId) ?? { reset: false, after: 0, disable: false };
    if (result.sent) Object.assign(move, { reset: true, after: 0 });
    else Object.assign(move, { after: move.after + 1, disable: move.disable || disable });
    moves.set(delivery.endpointId, move);
  }
  return moves;
}

function toColumns(c: WebhookEndpointChanges): Partial<WebhookEndpointsTable> {
  const set: Partial<WebhookEndpointsTable> = {};
  if (c.url !== undefined) set.url = c.url;
  if (c.events !== undefined) set.events = c.events.join(',');
  if (c.description !== undefined) set.description = c.description;
  if (c.disabled !== undefined) Object.assign(set, c.disabled ? { disabled: 1 } : { disabled: 0, failures: 0 });
  if (c.sealedSecret !== undefined) set.secret = c.sealedSecret;
  if (c.previousSealedSecret !== undefined) set.previous_secret = c.previousSealedSecret;
  if (c.previousSecretUntil !== undefined) set.previous_secret_until = c.previousSecretUntil?.getTime() ?? null;
  return set;
}

function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpoint {
  return {
    id: row.id, url: row.url, description: row.description, events: row.events.split(',').filter(Boolean),
    sealedSecret: row.secret, disabled: Number(row.disabled) === 1, failures: Number(row.failures), createdAt: toDate(row.created_at),
    previousSealedSecret: row.previous_secret, previousSecretUntil: toNullableDate(row.previous_secret_until),
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id, endpointId: row.endpoint_id, messageId: row.message_id, eventType: row.event_type, attempt: Number(row.attempt),
    attemptedAt: toDate(row.attempted_at), statusCode: row.status_code === null ? null : Number(row.status_code),
    durationMs: Number(row.duration_ms), errorClass: row.error_class as WebhookErrorClass | null, payload: row.payload,
  };
}
