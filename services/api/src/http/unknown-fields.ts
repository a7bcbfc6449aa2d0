import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

/** Enough to fix a request; a body of thousands of stray keys does not get thousands of answers. */
const reported = 20;

/**
 * The fields of `value` that `schema` does not declare, anywhere in the tree (at most
 * `reported`). zod strips unknown keys silently, so a misspelt optional field (`quoted_id` for
 * `quoted`) would be dropped and the request would do something other than what was asked: we
 * refuse it instead, naming the field and the declared one it probably meant. One walk of the
 * schema serves every route.
 */
export function unknownFieldIssues(schema: z.ZodType, value: unknown, where: string): FieldIssue[] {
  return findUnknown(schema, value, [where])
    .slice(0, reported)
    .map(({ path, known }) => ({ field: path.join('.'), message: unknownMessage(String(path.at(-1)), known) }));
}

/** A field the schema does not declare, with the fields declared beside it. */
interface Unknown {
  path: (string | number)[];
  known: string[];
}

function findUnknown(schema: z.ZodType, value: unknown, path: (string | number)[]): Unknown[] {
  const def = (schema as unknown as z.core.$ZodTypes)._zod.def;
  switch (def.type) {
    case 'object': {
      if (!isPlainObject(value) || def.catchall) return [];
      const shape = def.shape as Record<string, z.ZodType>;
      const known = Object.keys(shape);
      return Object.keys(value).flatMap((key) =>
        // Own properties only: `constructor` or `__proto__` are not fields of any schema.
        Object.hasOwn(shape, key)
          ? findUnknown(shape[key] as z.ZodType, value[key], [...path, key])
          : [{ path: [...path, key], known }],
      );
    }
    case 'array':
      return Array.isArray(value)
        ? value.flatMap((item, i) => findUnknown(def.element as z.ZodType, item, [...path, i]))
        : [];
    case 'record':
      return isPlainObject(value)
        ? Object.entries(value).flatMap(([k, v]) => findUnknown(def.valueType as z.ZodType, v, [...path, k]))
        : [];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      return findUnknown(def.innerType as z.ZodType, value, path);
    case 'pipe':
      return findUnknown(def.in as z.ZodType, value, path);
    case 'union': {
      // The option that fits best: the one that finds the fewest unknown fields.
      const candidates = def.options.map((o) => findUnknown(o as z.ZodType, value, path));
      return candidates.reduce((best, c) => (c.length < best.length ? c : best), candidates[0] ?? []);
    }
    default:
      return [];
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownMessage(key: string, known: string[]): string {
  // A long key is no misspelling; measuring its distance would only cost time.
  const guess = key.length <= 64 ? closest(key, known) : undefined;
  return guess ? `unknown field; did you mean "${guess}"?` : `unknown field; known fields: ${known.join(', ')}`;
}

/** Case, `_` and `-` do not count: `mediaUrl` and `media-url` are `media_url`. */
const normalise = (s: string) => s.toLowerCase().replace(/[_-]/g, '');

/** The declared field `key` most likely meant: a close spelling, or one that is a prefix of the other. */
export function closest(key: string, known: string[]): string | undefined {
  const k = normalise(key);
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const n = normalise(name);
    const distance = editDistance(k, n);
    const allowed = Math.min(k.length, n.length) >= 5 ? 2 : 1;
    const prefix = Math.min(k.length, n.length) >= 4 && (k.startsWith(n) || n.startsWith(k));
    if (distance > allowed && !prefix) continue;
    if (!best || distance < best.score) best = { name, score: distance };
  }
  return best?.name;
}

/** Levenshtein distance (field names are short: the quadratic table is nothing). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
