export { DecryptionError, KeyringCipher, type Sealed } from './keyring-cipher.ts';
