// The federation route group (docs/architecture.md, "Federation"): the browser's login routes, the
// code exchange, and the account page's identities.
import type { FastifyInstance } from 'fastify';
import type { FederationService } from '../../../core/federation/federation-service.js';
import { exchangeRoute } from './exchange.js';
import { identitiesRoutes } from './identities.js';
import { federatedLoginRoutes } from './login.js';

export function federationRoutes(app: FastifyInstance, federation: FederationService): void {
  federatedLoginRoutes(app, federation);
  exchangeRoute(app, federation);
  identitiesRoutes(app, federation);
}
