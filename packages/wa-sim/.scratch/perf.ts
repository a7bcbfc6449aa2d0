import { Curve } from '@whiskeysockets/baileys';
import { memoryAuthState } from '../src/testing/auth.ts';

let t0 = Date.now();
for (let i = 0; i < 20; i++) memoryAuthState();
console.log(`20 auth states ${Date.now() - t0} ms`);
t0 = Date.now();
for (let i = 0; i < 200; i++) Curve.generateKeyPair();
console.log(`200 keypairs ${Date.now() - t0} ms`);
t0 = Date.now();
const k = Curve.generateKeyPair();
for (let i = 0; i < 200; i++) Curve.sharedKey(k.private, k.public);
console.log(`200 sharedKey ${Date.now() - t0} ms`);
