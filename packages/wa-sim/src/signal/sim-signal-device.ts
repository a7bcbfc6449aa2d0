// A simulated primary phone (device 0) that runs real libsignal: it publishes prekey bundles,
// decrypts what Baileys sends it and encrypts what it sends to Baileys.
import { encodeWAMessage, proto, unpadRandomMax16 } from '@whiskeysockets/baileys';
import { type BinaryNode, node, uintBE } from '../binary/nodes.ts';
import {
  keyhelper,
  type PreKey,
  type PreKeyBundle,
  ProtocolAddress,
  SessionBuilder,
  SessionCipher,
  type SignalKeyPair,
  type SignalStorage,
  type SignedPreKey,
} from './libsignal.ts';
import { SenderKeys } from './sender-keys.ts';
import { SessionStore } from './session-store.ts';

export type EncType = 'pkmsg' | 'msg';

const toAddress = (address: string): InstanceType<typeof ProtocolAddress> => {
  const dot = address.lastIndexOf('.');
  return new ProtocolAddress(address.slice(0, dot), Number(address.slice(dot + 1)) || 0);
};

export class SimSignalDevice {
  readonly identity: SignalKeyPair;
  readonly registrationId: number;
  readonly signedPreKey: SignedPreKey;
  /** Sender keys for group messages. */
  readonly senderKeys = new SenderKeys();
  readonly #preKeys = new Map<number, PreKey>();
  readonly #sessions = new SessionStore();
  #nextPreKeyId = 1;
  readonly #storage: SignalStorage;

  constructor() {
    this.identity = keyhelper.generateIdentityKeyPair();
    this.registrationId = keyhelper.generateRegistrationId();
    this.signedPreKey = keyhelper.generateSignedPreKey(this.identity, 1);
    const sessions = this.#sessions;
    const preKeys = this.#preKeys;
    this.#storage = {
      getOurIdentity: () => this.identity,
      getOurRegistrationId: () => this.registrationId,
      isTrustedIdentity: () => true,
      loadSession: async (id) => sessions.load(id),
      storeSession: async (id, record) => sessions.store(id, record),
      loadPreKey: async (id) => preKeys.get(Number(id))?.keyPair,
      removePreKey: (id) => {
        preKeys.delete(Number(id));
      },
      loadSignedPreKey: () => this.signedPreKey.keyPair,
    };
  }

  /** 32-byte identity public key (without the 0x05 prefix), also the account's ADV signing key. */
  get identityPublic(): Buffer {
    return this.identity.pubKey.subarray(1);
  }

  /** `<user jid>` prekey bundle node, consuming a fresh one-time prekey. */
  bundleNode(jid: string): BinaryNode {
    const preKey = keyhelper.generatePreKey(this.#nextPreKeyId++);
    this.#preKeys.set(preKey.keyId, preKey);
    return node('user', { jid }, [
      node('registration', {}, uintBE(this.registrationId, 4)),
      node('type', {}, Buffer.from([5])),
      node('identity', {}, this.identityPublic),
      node('skey', {}, [
        node('id', {}, uintBE(this.signedPreKey.keyId, 3)),
        node('value', {}, this.signedPreKey.keyPair.pubKey.subarray(1)),
        node('signature', {}, this.signedPreKey.signature),
      ]),
      node('key', {}, [node('id', {}, uintBE(preKey.keyId, 3)), node('value', {}, preKey.keyPair.pubKey.subarray(1))]),
    ]);
  }

  /** `<keys>` node for a retry receipt: a fresh prekey plus identity and signed prekey. */
  retryKeysNode(): BinaryNode {
    const bundle = this.bundleNode('');
    const content = (bundle.content as BinaryNode[]).filter((n) => n.tag !== 'registration');
    return node('keys', {}, content);
  }

  async decrypt(address: string, type: EncType, ciphertext: Uint8Array): Promise<proto.Message> {
    const cipher = new SessionCipher(this.#storage, toAddress(address));
    const padded =
      type === 'pkmsg'
        ? await cipher.decryptPreKeyWhisperMessage(ciphertext)
        : await cipher.decryptWhisperMessage(ciphertext);
    return proto.Message.decode(unpadRandomMax16(padded));
  }

  hasSession(address: string): boolean {
    return this.#sessions.has(toAddress(address).toString());
  }

  deleteSession(address: string): void {
    this.#sessions.delete(toAddress(address).toString());
  }

  async startSession(address: string, bundle: PreKeyBundle): Promise<void> {
    const builder = new SessionBuilder(this.#storage, toAddress(address));
    await builder.initOutgoing(bundle as Parameters<typeof builder.initOutgoing>[0]);
  }

  async encrypt(address: string, message: proto.IMessage): Promise<{ type: EncType; ciphertext: Buffer }> {
    const cipher = new SessionCipher(this.#storage, toAddress(address));
    const { type, body } = await cipher.encrypt(encodeWAMessage(message));
    return { type: type === 3 ? 'pkmsg' : 'msg', ciphertext: Buffer.from(body, 'binary') };
  }
}
