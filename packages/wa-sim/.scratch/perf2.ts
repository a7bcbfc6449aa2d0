import { randomBytes } from 'node:crypto';
import { Curve } from '@whiskeysockets/baileys';

const k = Curve.generateKeyPair();
const t0 = Date.now();
for (let i = 0; i < 20; i++) Curve.sign(k.private, randomBytes(33));
console.log(`20 sign ${Date.now() - t0} ms`);
