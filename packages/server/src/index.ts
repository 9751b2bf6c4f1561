// gatehouse: the server as a library. Other services import `gatehouse/verify`; apps and
// browsers import `gatehouse/client`.
export { buildApp } from './http/app.js';
export type { AppDeps } from './http/app.js';
export { startServer } from './main.js';
export { loadConfig, ConfigError } from './config/config.js';
export type { Config } from './config/config.js';
export { createStores } from './storage/create-stores.js';
export type { StoreOptions } from './storage/create-stores.js';
export type { Stores, UserStore, SessionStore, UserRecord, SessionRecord } from './storage/types/stores.js';
export { createAuthService } from './core/service.js';
export type { AuthService } from './core/service.js';
export { AuthError, ERROR_STATUS } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export { deriveKey, deriveSigningKeys } from './core/tokens/keys.js';
export { systemClock, ManualClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
