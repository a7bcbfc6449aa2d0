// The .env an operator gets from `bash scripts/gen-env.sh`, written to a temporary file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './known.ts';

export const parseEnvFile = (text: string): Record<string, string> =>
  Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));

/** Runs gen-env.sh on `file` (created when missing) and returns its output. */
export const runGenEnv = (file: string): string =>
  execFileSync('bash', [join(root, 'scripts/gen-env.sh'), file], { encoding: 'utf8' });

export function generatedEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'turbozap-gen-env-'));
  try {
    runGenEnv(join(dir, '.env'));
    return parseEnvFile(readFileSync(join(dir, '.env'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
