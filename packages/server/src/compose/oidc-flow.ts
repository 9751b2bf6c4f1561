// The OpenID Connect provider's flow as compose.ts wires it (docs/oidc.md, "The flow"): the
// authorization flow, the authorization_code grant and RP-initiated logout, over sealed codes and the
// single-use tickets (in the SQL database, so any instance redeems a code another made) and oidc-tokens'
// provider parts (ID tokens, consent grants, client-bound sessions). Off when the provider is.
import type { CoreDeps } from '../core/context.js';
import { createTickets } from '../core/federation/tickets.js';
import { createAuthorization } from '../core/oidc/authorization.js';
import { createCodeGrant, createCodeSeal } from '../core/oidc/authorization-codes.js';
import type { ClientRegistry } from '../core/oidc/client-registry.js';
import { createEndSession } from '../core/oidc/end-session.js';
import { createIdTokenHintReader } from '../core/oidc/id-token-hint.js';
import type { Stores } from '../storage/types/stores.js';
import type { OidcProvider } from './oidc.js';
import type { OidcParts } from '../http/routes/oidc/oidc.js';

/** The flow's parts the routes take (routes/oidc/oidc.ts), all but the page kit's browser sessions. */
export type OidcFlow = Omit<OidcParts, 'browserSessions'>;

export function createOidcFlow(
  provider: OidcProvider | undefined, clients: ClientRegistry, stores: Stores, deps: CoreDeps, codeKey: Buffer,
): OidcFlow | undefined {
  if (!provider) return undefined;
  const codes = createCodeSeal(codeKey);
  const { issuer } = provider;
  // the tickets' key derives a federated login's PKCE values only (checks()), which the flow never asks for
  const tickets = createTickets({ store: stores.federation, clock: deps.clock, key: Buffer.alloc(32) });
  return {
    issuer,
    clients,
    authorization: createAuthorization({ tickets, codes, clients, consents: provider.consentGrants, clock: deps.clock, issuer }),
    planEndSession: createEndSession({ readHint: createIdTokenHintReader(provider.idTokenKeys, issuer, deps.clock), clients }),
    redeemCode: createCodeGrant({
      ...deps, tickets, codes, clients, openSession: provider.openClientSession, signIdToken: provider.signIdToken,
    }),
  };
}
