import { z } from 'zod';
import { closest, unknownFieldIssues } from './unknown-fields.ts';

const fields = (schema: z.ZodType, value: unknown) => unknownFieldIssues(schema, value, 'body').map((i) => i.field);

describe('unknown fields', () => {
  test('are found through every wrapper a route schema uses', () => {
    const item = z.object({ id: z.string() });
    const schema = z
      .object({
        a: z.object({ b: z.string() }).optional(),
        list: z.array(item).default([]),
        map: z.record(z.string(), item),
        loose: z.record(z.string(), z.unknown()),
        piped: z.string().transform((s) => s.length),
        either: z.union([z.object({ x: z.number() }), z.object({ y: z.number() })]),
      })
      .refine(() => true);
    expect(
      fields(schema, {
        a: { b: 'ok', c: 1 },
        list: [{ id: '1', extra: 1 }],
        map: { k: { id: '2', more: 1 } },
        loose: { anything: { at: 'all' } },
        piped: 'x',
        either: { y: 1 },
        top: true,
      }),
    ).toEqual(['body.a.c', 'body.list.0.extra', 'body.map.k.more', 'body.top']);
  });

  test('a body of thousands of stray keys gets a bounded answer', () => {
    const stray = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    expect(fields(z.object({ to: z.string() }), stray)).toHaveLength(20);
  });

  test('the suggestion is a close spelling or a prefix, never a guess', () => {
    const known = ['to', 'quoted', 'mentions', 'delay_ms', 'media_url', 'text'];
    expect(closest('quoted_id', known)).toBe('quoted');
    expect(closest('quote', known)).toBe('quoted');
    expect(closest('mediaUrl', known)).toBe('media_url');
    expect(closest('mentiosn', known)).toBe('mentions');
    expect(closest('txt', known)).toBe('text');
    expect(closest('text_body', known)).toBe('text');
    expect(closest('colour', known)).toBeUndefined();
    expect(closest('t', known)).toBe('to');
    expect(closest('phone_number', known)).toBeUndefined();
  });
});
