// Group (sender-key) crypto for simulated phones, using Baileys' own implementation.
import { encodeWAMessage, type proto, proto as protoValue, unpadRandomMax16 } from '@whiskeysockets/baileys';
import {
  GroupCipher,
  GroupSessionBuilder,
  SenderKeyDistributionMessage,
  SenderKeyName,
  SenderKeyRecord,
} from '@whiskeysockets/baileys/lib/Signal/Group/index.js';
import { ProtocolAddress } from './libsignal.ts';

const senderOf = (address: string) => {
  const dot = address.lastIndexOf('.');
  return new ProtocolAddress(address.slice(0, dot), Number(address.slice(dot + 1)) || 0);
};

/** Sender keys one simulated phone holds: its own per group, and those other members distributed. */
export class SenderKeys {
  readonly #records = new Map<string, SenderKeyRecord>();
  readonly #store = {
    loadSenderKey: async (name: SenderKeyName) => this.#records.get(name.toString()) ?? new SenderKeyRecord(),
    storeSenderKey: async (name: SenderKeyName, record: SenderKeyRecord) => {
      this.#records.set(name.toString(), record);
    },
  };

  /** Processes a SenderKeyDistributionMessage from `senderAddress` for `group`. */
  async process(group: string, senderAddress: string, distribution: Uint8Array): Promise<void> {
    const name = new SenderKeyName(group, senderOf(senderAddress));
    const message = new SenderKeyDistributionMessage(null, null, null, null, distribution);
    await new GroupSessionBuilder(this.#store).process(name, message);
  }

  async decrypt(group: string, senderAddress: string, ciphertext: Uint8Array): Promise<proto.Message> {
    const name = new SenderKeyName(group, senderOf(senderAddress));
    const padded = await new GroupCipher(this.#store, name).decrypt(ciphertext);
    return protoValue.Message.decode(unpadRandomMax16(padded));
  }

  /** Encrypts `message` with this phone's sender key for `group`; returns the skmsg and the distribution message. */
  async encrypt(
    group: string,
    ownAddress: string,
    message: proto.IMessage,
  ): Promise<{ ciphertext: Uint8Array; distribution: Uint8Array }> {
    const name = new SenderKeyName(group, senderOf(ownAddress));
    const distribution = (await new GroupSessionBuilder(this.#store).create(name)).serialize();
    const ciphertext = await new GroupCipher(this.#store, name).encrypt(encodeWAMessage(message));
    return { ciphertext, distribution };
  }
}
