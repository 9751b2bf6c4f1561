// OAuthClientStore on the SQL query layer (migration 0014): one row a client, its RFC 7591
// metadata as JSON in the names the RFC uses, so the row reads as the registration it came from.
// Deleting a client deletes the consent users gave it (migration 0017) in the same transaction.
import type { Selectable } from 'kysely';
import type { OAuthClientsTable } from './schema.js';
import type { SqlConnection } from './connect.js';
import { guard, isUniqueViolation, toDate } from './errors.js';
import { inTransaction } from './transaction.js';
import { DuplicateClientError } from '../errors.js';
import type { ClientMetadata, OAuthClientRecord, OAuthClientStore } from '../types/oauth-clients.js';

export function createSqlOAuthClientStore(conn: SqlConnection): OAuthClientStore {
  const { db } = conn;
  return {
    async create(client) {
      try {
        await db.insertInto('oauth_clients').values({
          client_id: client.clientId, secret_digest: client.secretDigest, metadata: toJson(client),
          created_at: client.createdAt.getTime(), updated_at: client.updatedAt.getTime(),
        }).execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new DuplicateClientError();
        return guard(() => Promise.reject(error));
      }
    },

    find: (clientId) => guard(async () => {
      const row = await db.selectFrom('oauth_clients').selectAll().where('client_id', '=', clientId).executeTakeFirst();
      return row ? toRecord(row) : null;
    }),

    list: () => guard(async () => (await db.selectFrom('oauth_clients').selectAll().orderBy('client_id').execute()).map(toRecord)),

    update: (client) => guard(async () => {
      const result = await db.updateTable('oauth_clients')
        .set({ secret_digest: client.secretDigest, metadata: toJson(client), updated_at: client.updatedAt.getTime() })
        .where('client_id', '=', client.clientId).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    }),

    // the users' consent goes with the client: one registered later under its id is another app
    delete: (clientId) => guard(() => inTransaction(conn, async (trx) => {
      await trx.deleteFrom('oauth_consent_grants').where('client_id', '=', clientId).execute();
      const result = await trx.deleteFrom('oauth_clients').where('client_id', '=', clientId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    })),
  };
}

function toJson(client: ClientMetadata): string {
  return JSON.stringify({
    client_name: client.clientName, redirect_uris: client.redirectUris, post_logout_redirect_uris: client.postLogoutRedirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod, grant_types: client.grantTypes, scope: client.scope,
    skip_consent: client.skipConsent,
  });
}

function toRecord(row: Selectable<OAuthClientsTable>): OAuthClientRecord {
  const m = JSON.parse(row.metadata) as Record<string, never>;
  return {
    clientId: row.client_id, secretDigest: row.secret_digest, clientName: m.client_name, redirectUris: m.redirect_uris,
    postLogoutRedirectUris: m.post_logout_redirect_uris, tokenEndpointAuthMethod: m.token_endpoint_auth_method,
    grantTypes: m.grant_types, scope: m.scope, skipConsent: m.skip_consent, createdAt: toDate(row.created_at), updatedAt: toDate(row.updated_at),
  };
}
