// Compose's variable interpolation, so the deploy tests read the compose files as Compose
// does (a password inside a URL is a value, not `${…}` text). Same rules in docker-compose 1.x
// and Compose v2: `${V}`, `${V:-default}` (unset or empty), `${V-default}` (unset),
// `${V:?error}` (unset or empty), `${V?error}` (unset), `$V`, and `$$` for a literal `$`.
const REFERENCE = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export interface Interpolated {
  text: string;
  /** Errors of `:?`/`?` references whose variable is missing, as Compose reports them. */
  errors: string[];
}

export function interpolate(source: string, env: Record<string, string | undefined>): Interpolated {
  const errors: string[] = [];
  const text = source.replace(
    REFERENCE,
    (whole, braced?: string, colon?: string, op?: string, arg = '', bare?: string) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = env[name];
      const missing = colon ? !value : value === undefined;
      if (op === '-') return missing ? arg : value!;
      if (op === '?' && missing) errors.push(`${name}: ${arg}`);
      return value ?? '';
    },
  );
  return { text, errors };
}

/** Every variable a compose file reads, and those it requires (`:?`), in order of appearance. */
export function composeVariables(source: string): { all: string[]; required: string[]; defaulted: string[] } {
  const all = new Set<string>();
  const required = new Set<string>();
  const defaulted = new Set<string>();
  for (const m of source.matchAll(REFERENCE)) {
    const name = m[1] ?? m[5];
    if (!name) continue;
    all.add(name);
    if (m[3] === '?') required.add(name);
    if (m[3] === '-') defaulted.add(name);
  }
  return { all: [...all], required: [...required], defaulted: [...defaulted] };
}
