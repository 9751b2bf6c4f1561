// The OAuth 2.0 route group (docs/architecture.md, "OAuth 2.0 for other services"): revocation
// always; introspection when INTROSPECTION_CLIENTS names a client; the RFC 8414 metadata when
// PUBLIC_URL is known.
import type { FastifyInstance } from 'fastify';
import type { OAuthSettings } from '../../../config/slices.js';
import type { OAuthService } from '../../../core/oauth/oauth-service.js';
import { introspectRoute } from './introspect.js';
import { authorizationServerMetadata, metadataRoute } from './metadata.js';
import { revokeRoute } from './revoke.js';

export function oauthRoutes(app: FastifyInstance, oauth: OAuthService, settings: Readonly<OAuthSettings>): void {
  revokeRoute(app, oauth.revoke);
  if (oauth.introspection) introspectRoute(app, oauth.introspection);
  if (settings.publicUrl) {
    metadataRoute(app, authorizationServerMetadata({ ...settings, publicUrl: settings.publicUrl }, { introspection: Boolean(oauth.introspection) }));
  }
}
