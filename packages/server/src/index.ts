// @gatehouse-auth/server as a library: build the server in your own process (createGatehouse), or
// start it (startServer). Other services import @gatehouse-auth/verify; apps import @gatehouse-auth/client.
export { createGatehouse, createAuthService, storeOptions } from './compose.js';
export type { Gatehouse, GatehouseParts } from './compose.js';
export { startServer } from './main.js';
export { loadConfig, ConfigError } from './config/config.js';
export type { Config } from './config/config.js';
export { createStores } from './storage/create-stores.js';
export type { StoreOptions } from './storage/create-stores.js';
export type { Stores, UserStore, SessionStore, UserRecord, SessionRecord } from './storage/types/stores.js';
export type { AuthService } from './core/auth-service.js';
export { AuthError, ERROR_STATUS } from './core/errors.js';
export type { ErrorCode } from './core/errors.js';
export { deriveKey, deriveSigningKeys } from './core/tokens/keys.js';
export { systemClock, ManualClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
