import { z } from 'zod';

/** Environment variables arrive as strings; these turn them into typed values with clear errors. */
export const str = z.string().trim().min(1);
export const optionalStr = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

export const url = (protocols: string[]) =>
  str.refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a URL (${protocols.join(', ')})` },
  );

export const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (!/^-?\d+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: `must be an integer, got "${v}"` });
        return z.NEVER;
      }
      const n = Number(v);
      if (n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    });

export const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (/^(true|1|yes|on)$/i.test(v)) return true;
      if (/^(false|0|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v}"` });
      return z.NEVER;
    });

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration: `500ms`, `10s`, `2m`; a bare number means `bareUnit`. Result in milliseconds. */
export const duration = (fallbackMs: number, bareUnit: 'ms' | 's' = 's') =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallbackMs;
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `must be a duration like 10s or 500ms, got "${v}"` });
        return z.NEVER;
      }
      return Math.round(Number(m[1]) * (units[m[2] ?? bareUnit] ?? 1));
    });

export const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
