// gatehouse: the server as a library. Other services import `gatehouse/verify`; apps and
// browsers import `gatehouse/client`.
export { buildApp } from './server/app.js';
export type { AppDeps } from './server/app.js';
export { startServer } from './server/main.js';
export { loadConfig, ConfigError } from './server/config.js';
export type { Config } from './server/config.js';
export { createStores } from './storage/create-stores.js';
export type { StoreOptions } from './storage/create-stores.js';
export type { Stores, UserStore, SessionStore, UserRecord, SessionRecord } from './storage/types.js';
export { createAuthService } from './auth/service.js';
export type { AuthService } from './auth/service.js';
export { AuthError, ERROR_STATUS } from './auth/errors.js';
export type { ErrorCode } from './auth/errors.js';
export { deriveKey, deriveSigningKeys } from './auth/keys.js';
export { systemClock, ManualClock } from './auth/clock.js';
export type { Clock } from './auth/clock.js';
