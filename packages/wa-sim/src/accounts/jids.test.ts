import { lidJid, normalizePhone, parseJid, pnJid } from './jids.ts';
import { AccountRegistry } from './registry.ts';

test('phone numbers are normalized to digits', () => {
  expect(normalizePhone('+1 (555) 000-0001')).toBe('15550000001');
  expect(normalizePhone(15550000001)).toBe('15550000001');
  for (const bad of ['', 'abc', '123', '0123456789', '1234567890123456', undefined, {}])
    expect(normalizePhone(bad)).toBeUndefined();
});

test('JIDs in PN and LID form resolve to the same account and device', () => {
  const registry = new AccountRegistry();
  const a = registry.create('15550000001', { pushName: 'A' });
  expect(pnJid(a.phone, 3)).toBe('15550000001:3@s.whatsapp.net');
  expect(registry.resolve(pnJid(a.phone, 3))).toMatchObject({
    account: a,
    device: 3,
    kind: 'pn',
    explicitDevice: true,
  });
  expect(registry.resolve(lidJid(a.lid))).toMatchObject({ account: a, device: 0, kind: 'lid', explicitDevice: false });
  expect(registry.resolveTarget('+1 555 000 0001')?.account).toBe(a);
  expect(registry.resolve('123@g.us')).toBeUndefined();
  expect(parseJid('status@broadcast')).toBeUndefined();
  expect(registry.create('15550000001')).toBe(a); // idempotent
});
