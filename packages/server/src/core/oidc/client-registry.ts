// The relying parties of the OpenID Connect provider: those declared in OIDC_CLIENTS (read-only
// here; they change in the settings) and those registered through the admin API or the CLI
// (stored). Registration answers the secret once; only its digest is kept. Every change is audited
// under the admin who made it. Framework-free: the admin API and the CLI both call it.
import { randomBytes } from 'node:crypto';
import { AuthError } from '../errors.js';
import { auditOrigin, type AuditSink } from '../audit.js';
import type { AdminActor } from '../admin/admin.js';
import type { Clock } from '../clock.js';
import { CLIENT_ID_PATTERN, checkClientMetadata, MetadataProblem, type ClientMetadataInput } from './client-metadata.js';
import type { ClientSecrets } from './client-secrets.js';
import { DuplicateClientError } from '../../storage/errors.js';
import type { OAuthClientRecord, OAuthClientStore } from '../../storage/types/oauth-clients.js';
import type { SessionStore } from '../../storage/types/stores.js';

/** A client as the registry answers it: where it comes from, never its secret or digest. */
export type RegisteredClient = Omit<OAuthClientRecord, 'secretDigest'> & { source: 'settings' | 'database'; confidential: boolean };

export interface ClientRegistryDeps {
  store: OAuthClientStore;
  /** OIDC_CLIENTS, checked at start, with digests of their secrets. */
  declared: readonly OAuthClientRecord[];
  secrets: ClientSecrets;
  /** A deleted client's sessions end with it (docs/oidc.md, "Consent"). */
  sessions: Pick<SessionStore, 'revokeAllForClient'>;
  clock: Clock;
  audit: AuditSink;
}

export type ClientRegistry = ReturnType<typeof createClientRegistry>;

export function createClientRegistry({ store, declared, secrets, sessions, clock, audit }: ClientRegistryDeps) {
  const fromSettings = new Map(declared.map((client) => [client.clientId, client]));

  async function findRecord(clientId: string): Promise<OAuthClientRecord | null> {
    return fromSettings.get(clientId) ?? store.find(clientId);
  }

  async function storedOrThrow(clientId: string): Promise<OAuthClientRecord> {
    if (fromSettings.has(clientId)) throw new AuthError('client_declared_in_settings', `Client "${clientId}" is declared in OIDC_CLIENTS: change it there.`);
    const client = await store.find(clientId);
    if (!client) throw new AuthError('client_not_found', 'No client has this client_id.');
    return client;
  }

  return {
    async list(): Promise<RegisteredClient[]> {
      const stored = await store.list();
      return [...declared.map((c) => view(c, 'settings')), ...stored.map((c) => view(c, 'database'))]
        .sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
    },

    async find(clientId: string): Promise<RegisteredClient> {
      const client = await findRecord(clientId);
      if (!client) throw new AuthError('client_not_found', 'No client has this client_id.');
      return view(client, fromSettings.has(clientId) ? 'settings' : 'database');
    },

    /** The client whose id and secret these are, or null: constant time whether the id is known or not. */
    async authenticate(clientId: string, secret: string): Promise<OAuthClientRecord | null> {
      const client = await findRecord(clientId);
      const ok = secrets.matches(secret, client?.secretDigest ?? null);
      return ok ? client : null;
    },

    /** Registers a client; answers it with its secret (confidential clients), which is never shown again. */
    async register(input: ClientMetadataInput & { client_id?: unknown }, actor: AdminActor) {
      const metadata = checked(input);
      const clientId = input.client_id === undefined ? randomBytes(16).toString('base64url') : checkClientId(input.client_id);
      if (fromSettings.has(clientId)) throw new AuthError('client_id_taken', `Client "${clientId}" is declared in OIDC_CLIENTS.`);
      const secret = metadata.tokenEndpointAuthMethod === 'none' ? undefined : secrets.generate();
      const now = new Date(clock.now());
      const record: OAuthClientRecord = { clientId, secretDigest: secret ? secrets.digest(secret) : null, ...metadata, createdAt: now, updatedAt: now };
      try {
        await store.create(record);
      } catch (error) {
        if (error instanceof DuplicateClientError) throw new AuthError('client_id_taken', `A client "${clientId}" exists already.`);
        throw error;
      }
      audit({ type: 'admin_client_changed', change: 'created', clientId, ...actorOf(actor) });
      return { client: view(record, 'database'), secret };
    },

    /** Replaces the fields given; the secret stays unless the change makes the client public (then it goes). */
    async update(clientId: string, input: ClientMetadataInput, actor: AdminActor): Promise<RegisteredClient> {
      const current = await storedOrThrow(clientId);
      const metadata = checked({ ...asInput(current), ...input });
      if (metadata.tokenEndpointAuthMethod !== 'none' && current.secretDigest === null) {
        throw new AuthError('invalid_client_metadata', 'A public client cannot become confidential: register a new client, which gets a secret.');
      }
      const secretDigest = metadata.tokenEndpointAuthMethod === 'none' ? null : current.secretDigest;
      const next: OAuthClientRecord = { ...current, ...metadata, secretDigest, updatedAt: new Date(clock.now()) };
      if (!(await store.update(next))) throw new AuthError('client_not_found', 'No client has this client_id.');
      audit({ type: 'admin_client_changed', change: 'updated', clientId, ...actorOf(actor) });
      return view(next, 'database');
    },

    /** A new secret, answered once; the old one stops working at once. */
    async rotateSecret(clientId: string, actor: AdminActor): Promise<string> {
      const current = await storedOrThrow(clientId);
      if (current.secretDigest === null) throw new AuthError('invalid_client_metadata', 'A public client has no secret to rotate.');
      const secret = secrets.generate();
      if (!(await store.update({ ...current, secretDigest: secrets.digest(secret), updatedAt: new Date(clock.now()) }))) {
        throw new AuthError('client_not_found', 'No client has this client_id.');
      }
      audit({ type: 'admin_client_changed', change: 'secret_rotated', clientId, ...actorOf(actor) });
      return secret;
    },

    async remove(clientId: string, actor: AdminActor): Promise<void> {
      await storedOrThrow(clientId);
      // the sessions opened for it end now, not when their tokens run out: before the row goes, so a
      // store that fails here leaves the client to delete again, and after, for a sign-in that raced it
      const before = await sessions.revokeAllForClient(clientId, new Date(clock.now()));
      if (!(await store.delete(clientId))) throw new AuthError('client_not_found', 'No client has this client_id.');
      // its consents went with it
      const revokedSessions = before + await sessions.revokeAllForClient(clientId, new Date(clock.now()));
      audit({ type: 'admin_client_changed', change: 'deleted', clientId, revokedSessions, ...actorOf(actor) });
    },
  };
}

function checked(input: ClientMetadataInput) {
  try {
    return checkClientMetadata(input);
  } catch (error) {
    if (error instanceof MetadataProblem) throw new AuthError(error.code, error.message);
    throw error;
  }
}

function checkClientId(value: unknown): string {
  if (typeof value === 'string' && new RegExp(CLIENT_ID_PATTERN).test(value)) return value;
  throw new AuthError('invalid_client_metadata', 'client_id must be 1–128 letters, digits or . _ ~ -');
}

function asInput(client: OAuthClientRecord): ClientMetadataInput {
  return {
    client_name: client.clientName, redirect_uris: client.redirectUris, post_logout_redirect_uris: client.postLogoutRedirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod, grant_types: client.grantTypes, scope: client.scope,
    skip_consent: client.skipConsent,
  };
}

function view({ secretDigest, ...client }: OAuthClientRecord, source: RegisteredClient['source']): RegisteredClient {
  return { ...client, source, confidential: secretDigest !== null };
}

const actorOf = (actor: AdminActor) => ({ userId: actor.userId, sessionId: actor.sessionId, ...auditOrigin(actor) });
