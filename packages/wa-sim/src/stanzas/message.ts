// <message> from a companion device: server ack (subject to ack faults), then fan-out of each
// <to jid><enc/></to> to simulated phones (decrypted here) or companion devices (relayed).
import { jidFor, lidJid, parseJid, pnJid, signalAddress } from '../accounts/jids.ts';
import type { Account } from '../accounts/types.ts';
import { type BinaryNode, bytesView, child, childrenOf, node, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { deliverToCompanion, messageKey } from '../routing/delivery.ts';
import { relayGroupMessage } from '../routing/groups.ts';
import { phoneReceived } from '../routing/phone.ts';
import { requestRetry } from '../routing/retry.ts';
import type { EncType } from '../signal/sim-signal-device.ts';
import type { Connection } from '../transport/connection.ts';
import { remember } from '../util/bounded.ts';

interface Target {
  jid: string;
  enc: BinaryNode;
}

type Outcome = 'delivered' | 'duplicate' | 'skipped';

function targetsOf(msg: BinaryNode): Target[] {
  const participants = child(msg, 'participants');
  if (participants) {
    return childrenOf(participants, 'to').flatMap((to) => {
      const enc = child(to, 'enc');
      return enc && to.attrs.jid ? [{ jid: to.attrs.jid, enc }] : [];
    });
  }
  // retry resends and peer messages carry their <enc> directly, addressed by `to`
  return childrenOf(msg, 'enc').map((enc) => ({ jid: msg.attrs.to!, enc }));
}

function sendAck(conn: Connection, msg: BinaryNode, error?: number): void {
  const attrs = {
    class: 'message',
    id: msg.attrs.id,
    from: msg.attrs.to,
    t: unixSeconds(),
    error: error ? String(error) : undefined,
  };
  conn.sendNode(node('ack', attrs));
}

export async function onMessage(ctx: SimContext, conn: Connection, msg: BinaryNode): Promise<void> {
  const sender = conn.account;
  const senderDevice = conn.deviceId ?? 0;
  const { id, to } = msg.attrs;
  if (!sender || !id || !to) {
    sendAck(conn, msg, sender ? 400 : 401);
    return;
  }
  const policy = ctx.faults.ackPolicy(conn);
  if (policy?.refuseCode !== undefined) {
    ctx.log.info('refusing message (fault)', { id, code: policy.refuseCode });
    sendAck(conn, msg, policy.refuseCode);
    return;
  }
  const duplicate = await fanOut(ctx, sender, senderDevice, msg);
  if (duplicate === undefined) {
    sendAck(conn, msg, 403); // not a member of that group
    return;
  }
  if (policy?.delayMs) ctx.timers.later(policy.delayMs, () => sendAck(conn, msg));
  else sendAck(conn, msg);
  if (duplicate) ctx.stats.duplicatesSuppressed++;
  else ctx.stats.messagesRelayed++;
}

/** Routes every copy; resolves whether some copy was a duplicate (undefined: not allowed to post). */
async function fanOut(
  ctx: SimContext,
  sender: Account,
  senderDevice: number,
  msg: BinaryNode,
): Promise<boolean | undefined> {
  const id = msg.attrs.id!;
  const group = ctx.groups.get(msg.attrs.to);
  if (group) {
    const outcome = await relayGroupMessage(ctx, sender, senderDevice, msg, group);
    if (outcome === 'forbidden') return undefined;
    ctx.origins.set(messageKey(sender, id), { deviceId: senderDevice, kind: 'pn' });
    return outcome === 'duplicate';
  }
  const chatJid = msg.attrs.recipient ?? msg.attrs.to;
  const chat = ctx.accounts.resolve(chatJid);
  const kind = parseJid(chatJid)?.kind ?? 'pn';
  ctx.origins.set(messageKey(sender, id), { deviceId: senderDevice, kind });
  const outcomes: Outcome[] = [];
  for (const target of targetsOf(msg)) {
    outcomes.push(await route(ctx, sender, senderDevice, msg, target, chat?.account, kind));
  }
  return outcomes.includes('duplicate');
}

async function route(
  ctx: SimContext,
  sender: Account,
  senderDevice: number,
  msg: BinaryNode,
  target: Target,
  chat: Account | undefined,
  kind: 'pn' | 'lid',
): Promise<Outcome> {
  const resolved = ctx.accounts.resolve(target.jid);
  if (!resolved) return 'skipped';
  const { account: recipient, device } = resolved;
  if (recipient === sender && device === senderDevice) return 'skipped';
  const key = messageKey(sender, msg.attrs.id!);
  const isRetry = target.enc.attrs.count !== undefined;
  if (device !== 0) {
    const stanza = relayEnvelope(sender, senderDevice, recipient, msg, target.enc, kind);
    const result = deliverToCompanion(ctx, recipient, device, stanza, isRetry ? undefined : key);
    return result === 'duplicate' ? 'duplicate' : result === 'no-device' ? 'skipped' : 'delivered';
  }
  if (!isRetry && recipient.seen.has(key)) return 'duplicate';
  const ciphertext = bytesView(target.enc);
  const type = target.enc.attrs.type;
  if (!ciphertext || (type !== 'pkmsg' && type !== 'msg')) return 'skipped';
  let decrypted: Awaited<ReturnType<typeof recipient.phoneDevice.decrypt>>;
  try {
    decrypted = await recipient.phoneDevice.decrypt(
      signalAddress(sender.lid, senderDevice),
      type as EncType,
      ciphertext,
    );
  } catch (err) {
    ctx.log.info('phone failed to decrypt', { id: msg.attrs.id, to: recipient.phone, err: (err as Error).message });
    requestRetry(ctx, recipient, sender, senderDevice, msg, kind);
    return 'skipped';
  }
  remember(recipient.seen, key);
  if (recipient !== sender && chat === recipient && msg.attrs.category !== 'peer') {
    phoneReceived(
      ctx,
      recipient,
      sender,
      senderDevice,
      msg.attrs.id!,
      decrypted.deviceSentMessage?.message ?? decrypted,
      kind,
    );
  }
  return 'delivered';
}

/** The stanza a companion receives for one copy of a message sent by another device. */
function relayEnvelope(
  sender: Account,
  senderDevice: number,
  recipient: Account,
  msg: BinaryNode,
  enc: BinaryNode,
  kind: 'pn' | 'lid',
): BinaryNode {
  const { id, type, category, edit } = msg.attrs;
  const base = { id, from: jidFor(kind, sender, senderDevice), type, t: unixSeconds(), category, edit };
  const content = [enc, ...childrenOf(msg, 'device-identity')];
  if (recipient === sender) {
    // own other device: a device-sent copy, addressed by the chat it belongs to
    const chat = msg.attrs.recipient ?? msg.attrs.to;
    const own = parseJid(chat)?.user === sender.phone || parseJid(chat)?.user === sender.lid;
    return node('message', { ...base, recipient: own ? undefined : chat }, content);
  }
  const alt = kind === 'lid' ? { sender_pn: pnJid(sender.phone) } : { sender_lid: lidJid(sender.lid) };
  return node('message', { ...base, notify: sender.pushName, ...alt }, content);
}
