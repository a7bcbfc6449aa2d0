import winston from 'winston';
import { redactObject } from './redact.ts';

export type Logger = winston.Logger;

/** Redaction is the logger's job, not each call site's: every field passes through it. */
const redact = winston.format((info) => {
  const { level, message, ...rest } = info;
  const clean = redactObject(rest as Record<string, unknown>);
  for (const key of Object.keys(rest)) delete (info as Record<string, unknown>)[key];
  Object.assign(info, clean);
  if (typeof message === 'string') info.message = redactObject({ m: message }).m as string;
  if (info.level !== level) info.level = level;
  return info;
});

const errorsToJson = winston.format((info) => {
  for (const [key, value] of Object.entries(info)) {
    // `detail`, not `message`: a nested `message` is redacted as message content, and an
    // error's text is what diagnoses a failure (phone numbers in it are still masked).
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      (info as Record<string, unknown>)[key] = { name: value.name, detail: value.message, ...(code ? { code } : {}) };
    }
  }
  return info;
});

export function createLogger(options: { level: string; service: string; silent?: boolean }): Logger {
  return winston.createLogger({
    level: options.level,
    silent: options.silent ?? false,
    defaultMeta: { service: options.service, pid: process.pid },
    format: winston.format.combine(errorsToJson(), redact(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn', 'info', 'debug'] })],
  });
}

/** A logger that writes nothing (tests that do not assert on logs). */
export const silentLogger = (): Logger => createLogger({ level: 'error', service: 'test', silent: true });
