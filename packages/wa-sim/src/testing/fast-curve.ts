// TEST-ONLY speed-up. Under Jest, code compiled inside the test context reaches globals
// (Float64Array, Math) through the sandbox's interceptors, which makes the pure-JS XEdDSA in
// curve25519-js ~20x slower (~0.4 s per signature on 2 cores). This recompiles that same library in
// the main V8 context and points libsignal's and Baileys' sign/verify at it. Behaviour is unchanged
// (including Baileys' Curve.verify accepting any well-formed signature).
import { Curve, generateSignalPubKey } from '@whiskeysockets/baileys';
import { SenderKeyMessage } from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import libsignal from 'libsignal';

type CurveModule = {
  calculateSignature(privKey: Buffer, message: Uint8Array): Buffer;
  verifySignature(pubKey: Buffer, message: Uint8Array, signature: Uint8Array, isInit?: boolean): boolean;
  __waSimFast?: boolean;
};

type CurveJs = {
  sign(secretKey: Uint8Array, msg: Uint8Array, random?: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, msg: Uint8Array, signature: Uint8Array): boolean;
};

export function installFastCurve(): void {
  const curve = (libsignal as unknown as { curve: CurveModule }).curve;
  if (curve.__waSimFast || typeof process.getBuiltinModule !== 'function') return;
  const { createRequire } = process.getBuiltinModule('node:module');
  const vm = process.getBuiltinModule('node:vm');
  const fs = process.getBuiltinModule('node:fs');
  const fromHere = createRequire(import.meta.url);
  const fromLibsignal = createRequire(fromHere.resolve('libsignal'));
  const file = fromLibsignal.resolve('curve25519-js');
  const wrapper = vm.runInThisContext(
    `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(file, 'utf8')}\n})`,
    { filename: file },
  ) as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: object },
    filename: string,
    dirname: string,
  ) => void;
  const mod = { exports: {} as CurveJs };
  wrapper(mod.exports, createRequire(file), mod, file, file.replace(/\/[^/]*$/, ''));
  const curveJs = mod.exports;
  const original = { sign: curve.calculateSignature, verify: curve.verifySignature };
  curve.calculateSignature = (privKey, message) => {
    if (!(privKey instanceof Buffer) || privKey.byteLength !== 32 || !message) return original.sign(privKey, message);
    return Buffer.from(curveJs.sign(privKey, message));
  };
  curve.verifySignature = (pubKey, msg, sig, isInit) => {
    const valid =
      pubKey instanceof Buffer && pubKey.byteLength === 33 && pubKey[0] === 5 && msg && sig?.byteLength === 64;
    if (!valid) return original.verify(pubKey, msg, sig, isInit);
    return isInit ? true : curveJs.verify(pubKey.subarray(1), msg, sig);
  };
  // Baileys imports libsignal's curve as an ESM namespace (a snapshot under Jest): patch its own object too.
  Curve.sign = (privateKey, buf) => curve.calculateSignature(Buffer.from(privateKey), buf);
  Curve.verify = (pubKey, message, signature) => {
    try {
      curve.verifySignature(Buffer.from(generateSignalPubKey(pubKey)), message, signature);
      return true;
    } catch {
      return false;
    }
  };
  // Baileys' group cipher binds libsignal's sign/verify by name: patch the class that uses them.
  type SkmProto = { serialized: Uint8Array; SIGNATURE_LENGTH: number };
  const skm = SenderKeyMessage.prototype as unknown as {
    verifySignature(this: SkmProto, signatureKey: Buffer): void;
    getSignature(this: SkmProto, signatureKey: Buffer, serialized: Uint8Array): Buffer;
  };
  skm.verifySignature = function (signatureKey) {
    const body = this.serialized.slice(0, this.serialized.length - this.SIGNATURE_LENGTH);
    const signature = this.serialized.slice(-this.SIGNATURE_LENGTH);
    if (!curve.verifySignature(signatureKey, body, signature)) throw new Error('Invalid signature!');
  };
  skm.getSignature = (signatureKey, serialized) => Buffer.from(curve.calculateSignature(signatureKey, serialized));
  curve.__waSimFast = true;
}
