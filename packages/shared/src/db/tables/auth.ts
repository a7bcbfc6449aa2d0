import type { Generated } from 'kysely';

/** Baileys credentials, encrypted (AES-256-GCM); `key_id` names the keyring entry used. */
export interface WaAuthCredsTable {
  instance_id: string;
  key_id: string;
  ciphertext: Uint8Array;
  updated_at: Generated<Date>;
}

/** Baileys Signal keys (pre-keys, sessions, sender keys, …), one encrypted row each. */
export interface WaAuthKeysTable {
  instance_id: string;
  type: string;
  id: string;
  key_id: string;
  ciphertext: Uint8Array;
}
