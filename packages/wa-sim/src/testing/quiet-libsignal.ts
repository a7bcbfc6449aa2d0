// TEST-ONLY: libsignal reports routine session changes on the console (whole session dumps);
// drop those lines so test output stays readable. Everything else passes through.
const PREFIXES = [
  'Closing session',
  'Opening session',
  'Removing old closed session',
  'Closing open session',
  'Session already',
  'Decrypted message with closed session',
  'Failed to decrypt message with any known session',
  'Session error:',
];

let installed = false;

export function quietLibsignal(): void {
  if (installed || process.env.WA_SIM_LOG) return;
  installed = true;
  for (const level of ['info', 'warn', 'error'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && PREFIXES.some((p) => (args[0] as string).startsWith(p))) return;
      original(...args);
    };
  }
}
