// The OpenID Connect provider's browser endpoints (docs/oidc.md, "The flow"): authorize and its
// continuation, consent, and end-session; served when PUBLIC_URL (the issuer) is known.
import type { FastifyInstance } from 'fastify';
import type { Authorization } from '../../../core/oidc/authorization.js';
import type { ClientRegistry } from '../../../core/oidc/client-registry.js';
import type { createEndSession } from '../../../core/oidc/end-session.js';
import type { BrowserSessions } from '../../pages/index.js';
import type { RedeemCode } from '../token/grants/authorization-code.js';
import { authorizeRoutes } from './authorize.js';
import { consentRoutes } from './consent.js';
import { endSessionRoutes } from './end-session.js';

export interface OidcParts {
  issuer: string;
  clients: Pick<ClientRegistry, 'find'>;
  authorization: Authorization;
  planEndSession: ReturnType<typeof createEndSession>;
  browserSessions: BrowserSessions;
  /** POST /token's authorization_code grant (routes/token). */
  redeemCode: RedeemCode;
}

export function oidcFlowRoutes(app: FastifyInstance, oidc: OidcParts): void {
  authorizeRoutes(app, oidc);
  consentRoutes(app, oidc);
  endSessionRoutes(app, oidc);
}
