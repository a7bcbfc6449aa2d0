/** Driver error codes of a database or broker that is down or restarting (not of a bad statement). */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001',
  '08003',
  '08006',
]);

const unavailableMessage =
  /timeout exceeded when trying to connect|Connection terminated|connection.*closed|broker.*unavailable|not connected|Client has encountered a connection error/i;

/**
 * True when an error says a dependency (Postgres, the broker) is unreachable right now, so the
 * same work may succeed later; false for errors of the work itself (a constraint, a bug).
 */
export function isDependencyFailure(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && unavailableCodes.has(e.code)) return true;
  return typeof e.message === 'string' && unavailableMessage.test(e.message);
}
