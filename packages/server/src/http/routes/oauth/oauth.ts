// The OAuth 2.0 route group (docs/architecture.md, "OAuth 2.0 for other services"): revocation
// always; introspection when INTROSPECTION_CLIENTS names a client; the RFC 8414 metadata when
// PUBLIC_URL is known; OpenID Connect discovery when the provider is on (docs/oidc.md).
import type { FastifyInstance } from 'fastify';
import type { OAuthSettings } from '../../../config/slices.js';
import type { AuthService } from '../../../core/auth-service.js';
import type { OAuthService } from '../../../core/oauth/oauth-service.js';
import { introspectRoute } from './introspect.js';
import { authorizationServerMetadata, metadataRoute, oidcProviderDocument } from './metadata.js';
import { discoveryRoute } from './discovery.js';
import { userinfoRoute } from './userinfo.js';
import type { ClientRegistry } from '../../../core/oidc/client-registry.js';
import { revokeRoute } from './revoke.js';

/** The OpenID Connect provider, when on (compose/oidc.ts): its issuer and ID-token algorithm. */
export interface OidcDiscovery {
  issuer: string;
  idTokenAlg: string;
}

export function oauthRoutes(
  app: FastifyInstance, auth: Pick<AuthService, 'authenticate'>, oauth: OAuthService, settings: Readonly<OAuthSettings>, oidc?: OidcDiscovery, clients?: ClientRegistry,
): void {
  const registered = oidc ? clients : undefined;
  revokeRoute(app, oauth.revoke, registered);
  if (oauth.introspection) introspectRoute(app, oauth.introspection, registered);
  if (oidc) {
    const document = oidcProviderDocument(oidc, { introspection: Boolean(oauth.introspection) });
    metadataRoute(app, document);
    discoveryRoute(app, document);
    userinfoRoute(app, auth);
  } else if (settings.publicUrl) {
    metadataRoute(app, authorizationServerMetadata({ ...settings, publicUrl: settings.publicUrl }, { introspection: Boolean(oauth.introspection) }));
  }
}
