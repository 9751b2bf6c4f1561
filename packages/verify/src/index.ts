// @gatehouse-auth/verify: verify Gatehouse access tokens in another service, without calling the server.
// Never imports the server or its storage: this ships to other processes.
export { verifyAccessToken, cachedUser } from './verify-access-token.js';
export { VerifiedTokenCache } from './token-cache.js';
export type { KeyPresence } from './token-cache.js';
export type { AccessTokenClaims, GatehouseUser, VerifyAccessTokenOptions } from './verify-access-token.js';
export {
  accessKeySource, sharedSecretKeySource, remoteJwksKeySource, JWKS_ALGORITHMS,
} from './key-sources.js';
export type { KeySource, RemoteJwksOptions } from './key-sources.js';
export { redisSessionCheck } from './redis-session-check.js';
export type { RedisHashReader, RedisSessionCheckOptions, SessionCheck } from './redis-session-check.js';
export { introspectionSessionCheck } from './introspection-session-check.js';
export type { IntrospectionSessionCheckOptions } from './introspection-session-check.js';
export { VerifyError, isVerifyError, VERIFY_ERROR_STATUS } from './errors.js';
export type { VerifyErrorCode } from './errors.js';
export { gatehouseVerify } from './fastify.js';
export type { GatehouseFastify, GatehouseFastifyOptions, GatehouseGuard } from './fastify.js';
export { gatehouseExpress } from './express.js';
export type { GatehouseExpress, GatehouseExpressOptions, GatehouseMiddleware } from './express.js';
export { DEFAULT_JWKS_COOLDOWN_MS } from './jwks-timing.js';
