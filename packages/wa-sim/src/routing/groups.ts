// Group messages: fan-out of a companion's sender-key message (plus per-device sender key
// distributions) to every member device, and groups messages sent by simulated phones.
import type { proto } from '@whiskeysockets/baileys';
import { lidJid, pnJid, signalAddress } from '../accounts/jids.ts';
import type { Account } from '../accounts/types.ts';
import { type BinaryNode, bytesOf, child, childrenOf, node, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { SimError } from '../errors.ts';
import { type Group, isMember } from '../groups/registry.ts';
import { remember } from '../util/bounded.ts';
import { newMessageId } from '../util/ids.ts';
import { deliverToCompanion, messageKey } from './delivery.ts';
import { encryptForCompanion, phoneReceived } from './phone.ts';

/** The stanza a member device receives: sender key distribution (if any) first, then the skmsg. */
function groupEnvelope(
  group: Group,
  sender: Account,
  senderDevice: number,
  attrs: Record<string, string | undefined>,
  encs: BinaryNode[],
): BinaryNode {
  return node(
    'message',
    {
      ...attrs,
      from: group.jid,
      participant: pnJid(sender.phone, senderDevice),
      t: unixSeconds(),
      notify: sender.pushName,
      participant_lid: lidJid(sender.lid, senderDevice),
    },
    encs,
  );
}

/** Everyone's devices in the group: [account, deviceId] with 0 = the simulated phone. */
function memberDevices(group: Group): [Account, number][] {
  return [...group.members.values()].flatMap(({ account }) => [
    [account, 0] as [Account, number],
    ...[...account.companions.keys()].map((d) => [account, d] as [Account, number]),
  ]);
}

/** A member's phone takes its copy: processes the distribution, decrypts the sender-key message. */
async function phoneTakesGroupMessage(
  ctx: SimContext,
  member: Account,
  sender: Account,
  senderDevice: number,
  group: Group,
  id: string,
  skdm: BinaryNode | undefined,
  skmsg: BinaryNode,
): Promise<void> {
  const address = signalAddress(sender.lid, senderDevice);
  const phone = member.phoneDevice;
  if (skdm) {
    const type = skdm.attrs.type === 'pkmsg' ? 'pkmsg' : 'msg';
    const carrier = await phone.decrypt(address, type, bytesOf(skdm) ?? Buffer.alloc(0));
    const distribution = carrier.senderKeyDistributionMessage?.axolotlSenderKeyDistributionMessage;
    if (distribution) await phone.senderKeys.process(group.jid, address, distribution);
  }
  const message = await phone.senderKeys.decrypt(group.jid, address, bytesOf(skmsg) ?? Buffer.alloc(0));
  if (member !== sender) phoneReceived(ctx, member, sender, senderDevice, id, message, 'pn', group.jid);
}

/** `<message to=GROUP>` from a companion. Returns false when the sender may not post there. */
export async function relayGroupMessage(
  ctx: SimContext,
  sender: Account,
  senderDevice: number,
  msg: BinaryNode,
  group: Group,
): Promise<'relayed' | 'duplicate' | 'forbidden'> {
  if (!isMember(group, sender)) return 'forbidden';
  const id = msg.attrs.id!;
  const skmsg = childrenOf(msg, 'enc').find((e) => e.attrs.type === 'skmsg');
  const distributions = new Map<string, BinaryNode>();
  for (const to of childrenOf(child(msg, 'participants'), 'to')) {
    const target = ctx.accounts.resolve(to.attrs.jid);
    const enc = child(to, 'enc');
    if (target && enc) distributions.set(`${target.account.phone}:${target.device}`, enc);
  }
  const key = messageKey(sender, id);
  let duplicate = false;
  for (const [member, device] of memberDevices(group)) {
    if (member === sender && device === senderDevice) continue;
    const skdm = distributions.get(`${member.phone}:${device}`);
    if (!skmsg && !skdm) continue;
    if (device !== 0) {
      const stanza = groupEnvelope(group, sender, senderDevice, { id, type: msg.attrs.type }, [
        ...(skdm ? [skdm] : []),
        ...(skmsg ? [skmsg] : []),
        ...childrenOf(msg, 'device-identity'),
      ]);
      if (deliverToCompanion(ctx, member, device, stanza, key) === 'duplicate') duplicate = true;
      continue;
    }
    if (!skmsg) continue;
    if (!remember(member.seen, key)) {
      duplicate = true;
      continue;
    }
    await phoneTakesGroupMessage(ctx, member, sender, senderDevice, group, id, skdm, skmsg).catch((err) =>
      ctx.log.info('phone failed to decrypt group message', {
        id,
        group: group.jid,
        to: member.phone,
        err: (err as Error).message,
      }),
    );
  }
  return duplicate ? 'duplicate' : 'relayed';
}

/** A simulated phone posts in a group (sender key distributed to every member companion). */
export async function sendGroupFromPhone(
  ctx: SimContext,
  sender: Account,
  group: Group,
  content: { message: proto.IMessage; type: string; text: string; stanzaType?: string },
  id = newMessageId(),
): Promise<{ id: string }> {
  if (!isMember(group, sender)) throw new SimError(403, 'not_a_member', `${sender.phone} is not in ${group.jid}`);
  const { message, type, text } = content;
  const own = signalAddress(sender.lid, 0);
  const { ciphertext, distribution } = await sender.phoneDevice.senderKeys.encrypt(group.jid, own, message);
  const skdmMessage: proto.IMessage = {
    senderKeyDistributionMessage: { groupId: group.jid, axolotlSenderKeyDistributionMessage: distribution },
  };
  const skmsg = node('enc', { v: '2', type: 'skmsg' }, ciphertext);
  const key = messageKey(sender, id);
  const timestamp = Math.floor(Date.now() / 1000);
  sender.outbox.set(id, { id, to: group.jid, type, text, timestamp, status: 'sent', readBy: [], message });
  for (const [member, device] of memberDevices(group)) {
    if (device === 0) {
      if (member !== sender && remember(member.seen, key))
        phoneReceived(ctx, member, sender, 0, id, message, 'pn', group.jid);
      continue;
    }
    const companion = member.companions.get(device)!;
    if (companion.seen.has(key)) continue;
    const { type: encType, ciphertext: skdm } = await encryptForCompanion(sender, member, companion, skdmMessage);
    const attrs = { id, type: content.stanzaType ?? (content.type === 'text' ? 'text' : 'media') };
    const stanza = groupEnvelope(group, sender, 0, attrs, [node('enc', { v: '2', type: encType }, skdm), skmsg]);
    deliverToCompanion(ctx, member, device, stanza, key);
  }
  ctx.stats.messagesRelayed++;
  return { id };
}
