import type { Logger } from '@turbozap/shared/logging/logger';
import type { SocketConfig } from '@whiskeysockets/baileys';

export type BaileysLogger = SocketConfig['logger'];

/**
 * Baileys logs through this: only warnings and errors reach our (redacting) logger; its
 * trace/debug output carries frames and key material and is dropped without being formatted.
 */
export function baileysLogger(logger: Logger, bindings: Record<string, unknown> = {}): BaileysLogger {
  const forward = (level: 'warn' | 'error') => (obj: unknown, msg?: string) => {
    const fields = typeof obj === 'object' && obj !== null ? summarize(obj as Record<string, unknown>) : {};
    const message = msg ?? (typeof obj === 'string' ? obj : 'baileys');
    logger.log(level, `baileys: ${message}`, { ...bindings, ...fields });
  };
  const noop = () => {};
  return {
    level: 'warn',
    child: (obj: Record<string, unknown>) => baileysLogger(logger, { ...bindings, ...summarize(obj) }),
    trace: noop,
    debug: noop,
    info: noop,
    warn: forward('warn'),
    // Baileys reports routine events (a 515 restart, a closed stream) as errors; ours decide what is one.
    error: forward('warn'),
  };
}

/** Keeps only small scalar fields and error messages; never whole nodes or buffers. */
function summarize(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value instanceof Error) out[key] = value.message;
    else if (['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
  }
  return out;
}
