import { createRequire } from 'node:module';

const req = createRequire('/work/main/node_modules/.pnpm/curve25519-js@0.0.4/node_modules/curve25519-js/lib/index.js');
const c = req('./index.js');
const pk = new Uint8Array(32).fill(1);
let t0 = Date.now();
for (let i = 0; i < 10; i++) c.sign(pk, new Uint8Array(33), undefined);
console.log(`10 curveJs.sign native ${Date.now() - t0} ms`);
t0 = Date.now();
const a = new Float64Array(16);
let s = 0;
for (let i = 0; i < 2e7; i++) {
  a[i & 15] = a[(i + 1) & 15] * 1.0000001 + i;
  s += Math.floor(a[i & 15]);
}
console.log(`float loop ${Date.now() - t0} ms ${s > 0}`);
