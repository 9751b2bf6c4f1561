// The admin console (docs/console.md): server-rendered pages on the page kit at /admin, for the
// admin role only, signed into with the browser session. Registered after the page kit and only
// under ADMIN_CONSOLE=on; its pages are hidden from the OpenAPI document (they answer HTML).
import type { FastifyInstance } from 'fastify';
import { consoleActionRoutes } from './actions.js';
import { consoleAuditRoutes } from './audit.js';
import { consoleClientRoutes } from './clients.js';
import { consoleOverviewRoute } from './overview.js';
import type { ConsoleParts } from './parts.js';
import { consoleUserRoutes } from './users.js';
import { consoleWebhookRoutes } from './webhooks.js';

export type { ConsoleParts };

export function consoleRoutes(app: FastifyInstance, parts: ConsoleParts): void {
  consoleOverviewRoute(app, parts);
  consoleUserRoutes(app, parts);
  consoleActionRoutes(app, parts);
  consoleClientRoutes(app, parts);
  const { auditReader, webhooks } = parts;
  if (auditReader) consoleAuditRoutes(app, { ...parts, auditReader });
  if (webhooks) consoleWebhookRoutes(app, { ...parts, webhooks });
}
