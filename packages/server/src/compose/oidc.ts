// The OpenID Connect provider's user side (docs/oidc.md): ID tokens and their key ring, consent,
// sessions opened for a client. On when PUBLIC_URL is known and is the issuer (JWT_ISSUER unset or
// equal to it), so `iss` of every token is PUBLIC_URL; off otherwise, and discovery answers 404.
import type { Config } from '../config/config.js';
import { oidcIssuer, sessionSettings } from '../config/slices.js';
import type { CoreDeps } from '../core/context.js';
import { createClientSessionOpener, type OpenClientSession } from '../core/oidc/client-session.js';
import { createConsentGrants, type ConsentGrantService } from '../core/oidc/consent-grants.js';
import { createIdTokenSigner, type SignIdToken } from '../core/oidc/id-token.js';
import { lazyIdTokenKeyRing, type IdTokenAlg } from '../core/oidc/id-token-keys.js';
import { createSessionOpener } from '../core/sessions/start-session.js';
import type { AccessKeyRing } from '../core/tokens/key-ring.js';
import { deriveKey } from '../core/tokens/keys.js';
import type { Stores } from '../storage/types/stores.js';

export interface OidcProvider {
  /** PUBLIC_URL: the `iss` of every token, the discovery document's issuer. */
  issuer: string;
  idTokenAlg: IdTokenAlg;
  signIdToken: SignIdToken;
  /** The ID-token keys; their public halves are in the JWKS. */
  idTokenKeys: AccessKeyRing;
  consentGrants: ConsentGrantService;
  /** Opens a session bound to a client (the authorization_code grant calls it). */
  openClientSession: OpenClientSession;
}

export { oidcIssuer };

export function createOidcProvider(config: Readonly<Config>, stores: Stores, secret: string, deps: CoreDeps): OidcProvider | undefined {
  const issuer = oidcIssuer(config);
  if (issuer === undefined) return undefined;
  const idTokenKeys = lazyIdTokenKeyRing({
    store: stores.oidcKeys, sealKey: deriveKey(secret, 'oidc-signing-keys'), clock: deps.clock, clockToleranceSeconds: config.clockToleranceSeconds,
  }, config.oidcIdTokenAlg);
  return {
    issuer,
    idTokenAlg: config.oidcIdTokenAlg,
    signIdToken: createIdTokenSigner(idTokenKeys, { issuer }),
    idTokenKeys,
    consentGrants: createConsentGrants({ store: stores.consentGrants, sessions: deps.sessions, clock: deps.clock, audit: deps.audit }),
    openClientSession: createClientSessionOpener(createSessionOpener(deps, sessionSettings(config))),
  };
}
