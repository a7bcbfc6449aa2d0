export type { Config, S3Settings } from './config.ts';
export { redactConfig } from './config.ts';
export { keyFingerprint, parseKeyMaterial, parseKeyring, type SessionKey } from './keyring.ts';
export { ConfigError, loadConfig, readEnvironment } from './load.ts';
export { type Role, roles, runsApi, runsSender, runsSessions } from './roles.ts';
export { knownVariables } from './schema.ts';
export { configFor, type Service, type ServiceConfig, serviceSections } from './service-config.ts';
