import { randomBytes } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';
import { verifySignature } from '../signal/libsignal.ts';
import { installFastCurve } from './fast-curve.ts';

test('fast curve: signatures stay valid XEdDSA and are fast under Jest', () => {
  installFastCurve();
  const k = Curve.generateKeyPair();
  const started = Date.now();
  for (let i = 0; i < 10; i++) {
    const msg = randomBytes(40);
    const sig = Curve.sign(k.private, msg);
    expect(verifySignature(k.public, msg, sig)).toBe(true);
    expect(verifySignature(k.public, randomBytes(40), sig)).toBe(false);
  }
  expect(Date.now() - started).toBeLessThan(3000);
});
