import { proto } from '@whiskeysockets/baileys';
import { type BinaryNode, childBytes, readUIntBE } from '../binary/nodes.ts';
import { installFastCurve } from '../testing/fast-curve.ts';
import { quietLibsignal } from '../testing/quiet-libsignal.ts';
import type { PreKeyBundle } from './libsignal.ts';
import { SimSignalDevice } from './sim-signal-device.ts';

const withType = (key: Buffer | undefined) => Buffer.concat([Buffer.from([5]), key ?? Buffer.alloc(0)]);

/** The bundle a client would build from `device`'s `<user>` node. */
function bundleOf(device: SimSignalDevice): PreKeyBundle {
  const user = device.bundleNode('x');
  const content = user.content as BinaryNode[];
  const part = (tag: string) => content.find((n) => n.tag === tag);
  return {
    registrationId: device.registrationId,
    identityKey: withType(childBytes(user, 'identity')),
    signedPreKey: {
      keyId: readUIntBE(childBytes(part('skey'), 'id')),
      publicKey: withType(childBytes(part('skey'), 'value')),
      signature: childBytes(part('skey'), 'signature') as Buffer,
    },
    preKey: { keyId: readUIntBE(childBytes(part('key'), 'id')), publicKey: withType(childBytes(part('key'), 'value')) },
  };
}

const text = (conversation: string) => proto.Message.fromObject({ conversation });

describe('simulated phone sessions', () => {
  let alice: SimSignalDevice;
  let phone: SimSignalDevice;
  beforeAll(async () => {
    installFastCurve();
    quietLibsignal();
    alice = new SimSignalDevice();
    phone = new SimSignalDevice();
    await alice.startSession('phone.0', bundleOf(phone));
    const first = await alice.encrypt('phone.0', text('hello'));
    expect(first.type).toBe('pkmsg');
    expect((await phone.decrypt('alice.2', first.type, first.ciphertext)).conversation).toBe('hello');
    // the phone answers, so alice's next messages are plain `msg`s on the established session
    const reply = await phone.encrypt('alice.2', text('hi'));
    expect((await alice.decrypt('phone.0', reply.type, reply.ciphertext)).conversation).toBe('hi');
  });

  test('a forged message is rejected and leaves the session as it was', async () => {
    const genuine = await alice.encrypt('phone.0', text('second'));
    expect(genuine.type).toBe('msg');
    const forged = Buffer.from(genuine.ciphertext);
    forged.writeUInt8(forged.readUInt8(forged.length - 1) ^ 1, forged.length - 1); // the MAC
    await expect(phone.decrypt('alice.2', 'msg', forged)).rejects.toThrow();
    // the message key of that counter was not used up by the forgery, and the ratchet did not move
    expect((await phone.decrypt('alice.2', 'msg', genuine.ciphertext)).conversation).toBe('second');
    const reply = await phone.encrypt('alice.2', text('still here'));
    expect((await alice.decrypt('phone.0', reply.type, reply.ciphertext)).conversation).toBe('still here');
  });

  test('a replayed message is rejected and the conversation goes on', async () => {
    const message = await alice.encrypt('phone.0', text('once'));
    expect((await phone.decrypt('alice.2', message.type, message.ciphertext)).conversation).toBe('once');
    await expect(phone.decrypt('alice.2', message.type, message.ciphertext)).rejects.toThrow();
    const next = await alice.encrypt('phone.0', text('twice'));
    expect((await phone.decrypt('alice.2', next.type, next.ciphertext)).conversation).toBe('twice');
  });

  test('messages decrypt in any order, and a forgotten session is gone', async () => {
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await alice.encrypt('phone.0', text(`m${i}`)));
    const order = [3, 0, 4, 1, 2];
    const got = [];
    for (const i of order) got.push((await phone.decrypt('alice.2', 'msg', sent[i]!.ciphertext)).conversation);
    expect(got).toEqual(order.map((i) => `m${i}`));
    expect(phone.hasSession('alice.2')).toBe(true);
    phone.deleteSession('alice.2');
    expect(phone.hasSession('alice.2')).toBe(false);
    const after = await alice.encrypt('phone.0', text('lost'));
    await expect(phone.decrypt('alice.2', after.type, after.ciphertext)).rejects.toThrow();
  });
});
