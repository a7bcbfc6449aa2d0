import { maskPhone, redactObject } from './redact.ts';

describe('log redaction', () => {
  test('secrets, message text and session material never survive', () => {
    const out = redactObject({
      apiKey: 'tzk_abcdef',
      headers: { authorization: 'Bearer x' },
      text: 'hello there',
      creds: { noiseKey: 'abc' },
      instance: 'sales',
    });
    expect(JSON.stringify(out)).not.toMatch(/tzk_abcdef|Bearer x|hello there|abc"/);
    expect(out.instance).toBe('sales');
  });

  test('phone numbers are masked in phone-like fields and inside JIDs anywhere', () => {
    const out = redactObject({
      to: '5511999998888',
      note: 'sent to 5511999998888@s.whatsapp.net ok',
      count: 1234567890,
    });
    expect(JSON.stringify(out)).not.toContain('5511999998888');
    expect(out.to).toBe(maskPhone('5511999998888'));
    expect(out.count).toBe(1234567890);
  });
});

test('errors keep their text (with phone numbers masked) so failures can be diagnosed', async () => {
  const { createLogger } = await import('./logger.ts');
  const logger = createLogger({ level: 'info', service: 'test' });
  const error = new Error('connect ECONNREFUSED 127.0.0.1:5672 for 5511999998888@s.whatsapp.net');
  const out = logger.format.transform({ level: 'warn', message: 'broker', error }) as Record<string, unknown>;
  const line = JSON.stringify(out);
  expect(line).toContain('ECONNREFUSED 127.0.0.1:5672');
  expect(line).not.toContain('5511999998888');
});
