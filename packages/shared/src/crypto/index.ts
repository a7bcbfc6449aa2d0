export { deriveKey, type KeyPurpose, keyPurposes } from './derive.ts';
export { DecryptionError, KeyringCipher, type Sealed } from './keyring-cipher.ts';
