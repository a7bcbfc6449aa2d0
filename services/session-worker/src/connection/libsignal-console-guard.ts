/**
 * libsignal (under Baileys) writes to the console directly, some lines with whole session
 * records — private ratchet keys included. Logs must never carry session material, so this
 * process-wide guard drops those lines and passes only their first words (no objects) to `sink`.
 * Everything else on the console is untouched.
 */
const libsignalLines = [
  'Closing session',
  'Opening session',
  'Removing old closed session',
  'Session already closed',
  'Session already open',
  'Migrating session to',
  'Closing open session in favor of incoming prekey bundle',
  'Decrypted message with closed session',
  'Failed to decrypt message with any known session',
  'Session error:',
  'V1 session storage migration error',
  'Unhandled bucket type',
  'WARNING: Expected pubkey of length 33',
];

type ConsoleMethod = 'info' | 'warn' | 'error' | 'log' | 'debug';
let installed: ((line: string) => void) | undefined;

export function isLibsignalLine(first: unknown): first is string {
  return typeof first === 'string' && libsignalLines.some((prefix) => first.startsWith(prefix));
}

/** Installs the guard once per process; later calls only replace the sink. */
export function guardLibsignalConsole(sink: (line: string) => void = () => {}): void {
  const wasInstalled = installed !== undefined;
  installed = sink;
  if (wasInstalled) return;
  for (const method of ['info', 'warn', 'error', 'log', 'debug'] as ConsoleMethod[]) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      if (isLibsignalLine(args[0])) {
        // "Session error:Error: …" carries the error text in the string itself: keep only the first clause.
        installed?.(args[0].split(/[:\n]/)[0] ?? 'libsignal');
        return;
      }
      original(...args);
    };
  }
}
