export { createLogger, type Logger, silentLogger } from './logger.ts';
export { maskPhone, redactObject } from './redact.ts';
