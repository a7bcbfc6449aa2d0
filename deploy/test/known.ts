// What the operations files are checked against: TurboZap's own declarations (deploy/known.json)
// and the variables its config schema really reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { knownVariables } from '@turbozap/shared/config';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML and JSON are walked by shape; the assertions check it
export type Obj = Record<string, any>;

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const read = (path: string): string => readFileSync(join(root, path), 'utf8');
export const known = JSON.parse(read('deploy/known.json')) as {
  executable: string;
  roles: string[];
  serving: string[];
  serverPort: number;
  endpoints: { liveness: string; readiness: string };
  env: string[];
  testOnlyEnv: string[];
  queues: string[];
  image: string;
  baseImage: string;
  images: Record<string, number[]>;
};
// The variables TurboZap really reads come from its config schema, not from a copy.
known.env = [...knownVariables];
