// Typed access to the parts of libsignal (CommonJS, partial typings) the simulator uses.
import libsignal from 'libsignal';

export interface SignalKeyPair {
  /** 33 bytes, 0x05 type prefix + Curve25519 public key. */
  pubKey: Buffer;
  privKey: Buffer;
}

export interface SignedPreKey {
  keyId: number;
  keyPair: SignalKeyPair;
  signature: Buffer;
}

export interface PreKey {
  keyId: number;
  keyPair: SignalKeyPair;
}

interface KeyHelper {
  generateIdentityKeyPair(): SignalKeyPair;
  generateRegistrationId(): number;
  generateSignedPreKey(identity: SignalKeyPair, keyId: number): SignedPreKey;
  generatePreKey(keyId: number): PreKey;
}

export const keyhelper: KeyHelper = (libsignal as unknown as { keyhelper: KeyHelper }).keyhelper;
export const { ProtocolAddress, SessionBuilder, SessionCipher, SessionRecord } = libsignal;
export type SignalStorage = import('libsignal').SignalStorage;
export type SessionRecordType = import('libsignal').SessionRecord;

/** The key bundle a session is started from (what `<iq xmlns=encrypt><key>` returns). */
export interface PreKeyBundle {
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKey?: { keyId: number; publicKey: Uint8Array };
}

interface Curve {
  verifySignature(pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

const curve: Curve = (libsignal as unknown as { curve: Curve }).curve;

/**
 * Strict XEdDSA signature check. (Baileys' `Curve.verify` ignores the verification result with
 * libsignal 6 and accepts any well-formed signature, so the simulator does not rely on it.)
 */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  const pub = publicKey.length === 32 ? Buffer.concat([Buffer.from([5]), publicKey]) : publicKey;
  try {
    return curve.verifySignature(pub, message, signature) === true;
  } catch {
    return false;
  }
}
