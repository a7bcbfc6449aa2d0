import { randomBytes } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';
import libsignal from 'libsignal';
import { verifySignature } from '../signal/libsignal.ts';
import { installFastCurve } from './fast-curve.ts';

// Whether it is fast is for benches to say; here: it is the one in use, and it signs correctly.
test('fast curve: installed for libsignal, and signatures stay valid XEdDSA', () => {
  installFastCurve();
  expect((libsignal as unknown as { curve: { __waSimFast?: boolean } }).curve.__waSimFast).toBe(true);
  const k = Curve.generateKeyPair();
  for (let i = 0; i < 10; i++) {
    const msg = randomBytes(40);
    const sig = Curve.sign(k.private, msg);
    expect(verifySignature(k.public, msg, sig)).toBe(true);
    expect(verifySignature(k.public, randomBytes(40), sig)).toBe(false);
  }
});
