import { toJsonb } from './jsonb.ts';

describe('toJsonb', () => {
  test('U+0000 becomes U+FFFD, wherever it is', () => {
    const json = toJsonb({ text: 'a\u0000b', list: ['\u0000'], ['k\u0000']: 1 });
    expect(JSON.parse(json)).toEqual({ text: 'a\ufffdb', list: ['\ufffd'], ['k\ufffd']: 1 });
  });

  test('a literal backslash followed by "u0000" is text, and stays', () => {
    for (const text of ['\\u0000', '\\\\u0000', 'x\\\u0000']) {
      const back = JSON.parse(toJsonb({ text })).text as string;
      expect(back).toBe(text.replaceAll('\u0000', '\ufffd'));
    }
  });

  test('anything else serializes as JSON.stringify does', () => {
    const value = { a: 1, b: 'é\n"', c: [null, true], d: '\u0001' };
    expect(toJsonb(value)).toBe(JSON.stringify(value));
  });
});
