// TEST/DEV-ONLY preload: `node --import @turbozap/wa-sim/trust-preload app.ts` with
// WA_SIM_ROOT_PUBKEY=<base64 from GET /sim/info> makes the Baileys instance that this package
// resolves trust the simulator's noise root key. Without the variable it does nothing.
// Never use it in production: it replaces WhatsApp's certificate pin.
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

const key = process.env.WA_SIM_ROOT_PUBKEY;
if (key) {
  const bytes = Buffer.from(key, 'base64');
  if (bytes.length !== 32) throw new Error('WA_SIM_ROOT_PUBKEY must be the base64 of a 32-byte key');
  WA_CERT_DETAILS.PUBLIC_KEY = bytes;
}
