// buildApp(deps): the Fastify app with its route table, without listening. main.ts starts it;
// tests call app.inject on it.
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import formbody from '@fastify/formbody';
import { AuthError } from '../auth/errors.js';
import { deriveSigningKeys } from '../auth/keys.js';
import { createTokens } from '../auth/tokens.js';
import { createAuthService, type AuthService, type SecurityEvent } from '../auth/service.js';
import { createPasswordHasher, type PasswordHasher } from '../auth/passwords.js';
import { systemClock, type Clock } from '../auth/clock.js';
import type { RateLimits } from '../auth/rate-limits.js';
import type { Stores } from '../storage/types.js';
import type { Config } from './config.js';
import { createRequireUser } from './auth-guard.js';
import { errorHandler } from './error-handler.js';
import { registerDocs } from './docs.js';
import { sharedSchemas } from './schemas.js';
import { registerRoute } from './routes/register.js';
import { loginRoute } from './routes/login.js';
import { tokenRoute } from './routes/token.js';
import { refreshRoute } from './routes/refresh.js';
import { logoutRoute } from './routes/logout.js';
import { meRoutes } from './routes/me.js';
import { sessionsRoutes } from './routes/sessions.js';
import { healthRoutes } from './routes/health.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    stores: Stores;
    auth: AuthService;
    requireUser: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

export interface AppDeps {
  config: Readonly<Config>;
  secret: string;
  stores: Stores;
  clock?: Clock;
  hasher?: PasswordHasher;
  limits?: RateLimits;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
    },
    // No per-request log lines on the hot path; security events and failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Fastify takes a hop count too (docs: Server#trustproxy); its types list only the other forms.
    trustProxy: config.trustProxy as boolean | string,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const auth = createAuthService({
    users: deps.stores.users,
    sessions: deps.stores.sessions,
    tokens: createTokens(deriveSigningKeys(deps.secret), {
      issuer: config.issuer, audience: config.audience, clockToleranceSeconds: config.clockToleranceSeconds,
    }),
    hasher: deps.hasher ?? (await createPasswordHasher({ maxConcurrent: config.hashConcurrency })),
    limits: deps.limits ?? deps.stores.createRateLimits(config.rateLimits),
    clock: deps.clock ?? systemClock,
    settings: config,
    onSecurityEvent: (event: SecurityEvent) => app.log.warn({ security: event }, event.event),
  });
  app.decorate('config', config);
  app.decorate('stores', deps.stores);
  app.decorate('auth', auth);
  app.decorate('requireUser', createRequireUser(auth));
  app.decorateRequest('auth', null);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(() => {
    throw new AuthError('not_found', 'No such route.');
  });
  // JSON and forms only: any other body is 415, including Fastify's built-in text/plain.
  app.removeContentTypeParser('text/plain');
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  for (const schema of sharedSchemas) app.addSchema(schema);
  if (config.docs) await registerDocs(app);

  // The route table.
  registerRoute(app);
  loginRoute(app);
  tokenRoute(app);
  refreshRoute(app);
  logoutRoute(app);
  meRoutes(app);
  sessionsRoutes(app);
  healthRoutes(app);
  return app;
}
