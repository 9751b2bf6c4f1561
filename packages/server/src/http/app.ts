// buildApp(deps): the Fastify app with its route table, without listening. main.ts starts it;
// tests call app.inject on it.
import Fastify, { LogController, type FastifyInstance, type onRequestHookHandler } from 'fastify';
import formbody from '@fastify/formbody';
import { deriveSigningKeys } from '../core/tokens/keys.js';
import { createTokens } from '../core/tokens/tokens.js';
import type { AccessKeyRing } from '../core/tokens/key-set.js';
import { createAuthService, type AuthService } from '../core/service.js';
import { createPasswordHasher, type PasswordHasher } from '../core/passwords/hasher.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { RateLimits } from '../storage/types/rate-limits.js';
import type { Stores } from '../storage/types/stores.js';
import type { Config } from '../config/config.js';
import { createRequireUser } from './auth-guard.js';
import { errorHandler } from './error-handler.js';
import { registerNotFound } from './not-found.js';
import { rejectJsonSentAsForm } from './media-types.js';
import { registerSecurity, serverOptions, trustProxyOption } from './security.js';
import { createBreachedPasswords } from '../core/passwords/breached.js';
import { sharedSchemas } from './schemas.js';
import { registerRoute } from './routes/auth/register.js';
import { loginRoute } from './routes/auth/login.js';
import { tokenRoute } from './routes/token/token.js';
import { refreshRoute } from './routes/auth/refresh.js';
import { logoutRoute } from './routes/auth/logout.js';
import { meRoutes } from './routes/users/me.js';
import { sessionsRoutes } from './routes/users/sessions.js';
import { healthRoutes } from './routes/ops/health.js';
import { rootRoute } from './routes/ops/root.js';
import { demoRoutes } from './routes/demo.js';
import { jwksRoute } from './routes/ops/jwks.js';
import { createAuditLog, auditRateLimits } from './audit-log.js';
import { createMetrics } from './metrics.js';
import { requireRole } from './role-guard.js';
import { adminRoutes } from './routes/admin/admin.js';
import { metricsRoute } from './routes/ops/metrics.js';
import { loadAccessKeyRing } from '../core/tokens/signing-keys.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    stores: Stores;
    auth: AuthService;
    requireUser: onRequestHookHandler;
  }
}

export interface AppDeps {
  config: Readonly<Config>;
  secret: string;
  stores: Stores;
  clock?: Clock;
  hasher?: PasswordHasher;
  limits?: RateLimits;
  /** Asymmetric access-token keys; by default loaded for config.jwtAlg (none under HS256). */
  accessKeyRing?: AccessKeyRing;
  /** Where log lines go instead of stdout (tests read the audit lines from it). */
  logStream?: { write(line: string): void };
}

/** The auth core with this deployment's keys, hasher (timed for metrics), limits and audit sink. */
async function createAuth(
  deps: AppDeps, app: FastifyInstance,
  parts: { ring: AccessKeyRing | undefined; audit: ReturnType<typeof createAuditLog>; metrics: ReturnType<typeof createMetrics> },
): Promise<AuthService> {
  const { config } = deps;
  return createAuthService({
    users: deps.stores.users,
    sessions: deps.stores.sessions,
    sessionAndUser: deps.stores.sessionAndUser,
    tokens: createTokens({ ...deriveSigningKeys(deps.secret), accessKeyRing: parts.ring }, {
      issuer: config.issuer, audience: config.audience, clockToleranceSeconds: config.clockToleranceSeconds,
    }),
    hasher: parts.metrics.instrumentHasher(deps.hasher ?? (await createPasswordHasher({ maxConcurrent: config.hashConcurrency }))),
    limits: deps.limits ?? deps.stores.createRateLimits(config.rateLimits),
    clock: deps.clock ?? systemClock,
    settings: config,
    breachedPasswords: config.pwnedPasswordsUrl ? createBreachedPasswords({
      url: config.pwnedPasswordsUrl, timeoutMs: config.pwnedPasswordsTimeoutMs,
      onUnavailable: (err: unknown) => app.log.warn({ err }, 'breached-password check unavailable: password allowed'),
    }) : undefined,
    audit: parts.audit,
  });
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    // No per-request log lines on the hot path; security events and failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // TRUST_PROXY: X-Forwarded-For is believed only when set (security.ts explains hop counts).
    trustProxy: trustProxyOption(config.trustProxy),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
    ...serverOptions(config),
  });
  const loadedKeys = deps.accessKeyRing ? { ring: deps.accessKeyRing } : await loadAccessKeyRing(config, deps.clock ?? systemClock);
  if (loadedKeys.warning) app.log.warn(loadedKeys.warning);
  const metrics = createMetrics();
  const audit = createAuditLog(app.log, metrics.observeAudit);
  const auth = await createAuth(deps, app, { ring: loadedKeys.ring, audit, metrics });
  app.decorate('config', config);
  app.decorate('stores', deps.stores);
  app.decorate('auth', auth);
  app.decorate('requireUser', createRequireUser(auth));
  app.decorate('requireRole', requireRole);
  app.decorateRequest('auth', null);
  metrics.registerHooks(app);
  auditRateLimits(app, audit);
  app.setErrorHandler(errorHandler);
  registerNotFound(app); // before any route: it learns each route's methods, for 405 and Allow
  // JSON and forms only: any other body is 415, including Fastify's built-in text/plain.
  app.removeContentTypeParser('text/plain');
  app.addHook('preValidation', rejectJsonSentAsForm); // JSON sent as a form (curl -d): 415 that says so
  await registerSecurity(app, config);
  await app.register(formbody, { bodyLimit: config.bodyLimitBytes });
  for (const schema of sharedSchemas) app.addSchema(schema);
  if (config.docs) await (await import('./docs.js')).registerDocs(app); // swagger only when served (idle memory)

  // The route table.
  rootRoute(app);
  registerRoute(app);
  loginRoute(app);
  tokenRoute(app);
  refreshRoute(app);
  logoutRoute(app);
  meRoutes(app);
  sessionsRoutes(app);
  healthRoutes(app);
  if (config.demo) demoRoutes(app);
  jwksRoute(app, { ring: loadedKeys.ring, clock: deps.clock ?? systemClock });
  adminRoutes(app, { clock: deps.clock ?? systemClock, audit });
  metricsRoute(app, metrics.registry);
  return app;
}
