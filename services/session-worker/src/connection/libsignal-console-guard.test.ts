import { guardLibsignalConsole } from './libsignal-console-guard.ts';

describe('libsignal console guard', () => {
  test('session records never reach the console; other lines do', () => {
    const written: unknown[][] = [];
    const original = console.info;
    const lines: string[] = [];
    console.info = (...args: unknown[]) => void written.push(args);
    try {
      guardLibsignalConsole((line) => lines.push(line));
      console.info('Closing session:', { privKey: Buffer.from('secret-ratchet-key') });
      console.info('unrelated line');
    } finally {
      console.info = original;
    }
    expect(JSON.stringify(written)).not.toContain('secret');
    expect(written).toEqual([['unrelated line']]);
    expect(lines).toEqual(['Closing session']);
  });
});
