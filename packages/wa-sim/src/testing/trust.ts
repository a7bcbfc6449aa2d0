// TEST-ONLY: makes the Baileys module instance in this process trust a simulator's root key.
// Never import this from production code paths: it disables the genuine WhatsApp certificate pin.
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

/** Sets `WA_CERT_DETAILS.PUBLIC_KEY` to the simulator's root key; returns a function restoring the original. */
export function trustSimulatorRoot(rootPublicKeyBase64: string): () => void {
  const key = Buffer.from(rootPublicKeyBase64, 'base64');
  if (key.length !== 32) throw new Error('simulator root key must be 32 bytes (base64)');
  const original = WA_CERT_DETAILS.PUBLIC_KEY;
  WA_CERT_DETAILS.PUBLIC_KEY = key;
  return () => {
    WA_CERT_DETAILS.PUBLIC_KEY = original;
  };
}
