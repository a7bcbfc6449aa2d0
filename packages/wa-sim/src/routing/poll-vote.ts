// A simulated contact votes on a poll it received: the selection (SHA-256 of each chosen option
// name) is AES-256-GCM-encrypted under a key derived from the poll's messageSecret — HKDF-SHA256
// with no salt and info = poll id ‖ creator JID ‖ voter JID ‖ "Poll Vote", additional data
// `poll id \0 voter JID` — and sent as a pollUpdateMessage over Signal like any message.
import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';
import { pnJid } from '../accounts/jids.ts';
import type { Account } from '../accounts/types.ts';
import type { SimContext } from '../context.ts';
import { badRequest, notFound } from '../errors.ts';
import { type PhoneMessage, sendFromPhone } from './phone-send.ts';
import { type ReceivedPoll, receivedPoll } from './poll-store.ts';

export interface VoteRequest {
  /** The poll's sender (phone or JID), or the group it was posted in. */
  to: unknown;
  pollId: unknown;
  /** Option names; empty withdraws the vote. */
  options: unknown;
}

/**
 * The vote key names both parties by phone-number JID (user level): what Baileys' own readers
 * (`getKeyAuthor` of a LID-addressed key, "all jids need to be PN") derive it with.
 */
export function encryptVote(poll: ReceivedPoll, voter: Account, options: string[]): proto.Message.IPollEncValue {
  const creatorJid = pnJid(poll.creator.phone);
  const voterJid = pnJid(voter.phone);
  const info = Buffer.concat([
    Buffer.from(poll.id),
    Buffer.from(creatorJid),
    Buffer.from(voterJid),
    Buffer.from('Poll Vote'),
  ]);
  const key = Buffer.from(hkdfSync('sha256', poll.secret, Buffer.alloc(0), info, 32));
  const selectedOptions = options.map((name) => createHash('sha256').update(name).digest());
  const plaintext = proto.Message.PollVoteMessage.encode({ selectedOptions }).finish();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${poll.id}\u0000${voterJid}`));
  const encPayload = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { encPayload, encIv: iv };
}

function validOptions(poll: ReceivedPoll, options: unknown): string[] {
  if (!Array.isArray(options) || !options.every((o) => typeof o === 'string'))
    throw badRequest('invalid_options', 'options must be a list of option names');
  const unknown = options.filter((o) => !poll.options.includes(o));
  if (unknown.length) throw badRequest('unknown_option', `not options of poll ${poll.id}: ${unknown.join(', ')}`);
  const chosen = [...new Set(options)];
  if (poll.selectable > 0 && chosen.length > poll.selectable)
    throw badRequest('too_many_options', `poll ${poll.id} allows ${poll.selectable} option(s)`);
  return chosen;
}

export async function castVote(ctx: SimContext, voter: Account, req: VoteRequest): Promise<{ id: string }> {
  const poll = typeof req.pollId === 'string' ? receivedPoll(voter, req.pollId) : undefined;
  const target = poll && !poll.group ? ctx.accounts.resolveTarget(req.to)?.account : undefined;
  // On its own poll the voter votes in the chat it posted it to: `to` names that chat.
  const own = poll?.creator === voter;
  if (!poll || (poll.group ? req.to !== poll.group : !target || (!own && target !== poll.creator)))
    throw notFound('unknown_poll', `${voter.phone} has no poll ${String(req.pollId)} from ${String(req.to)}`);
  const options = validOptions(poll, req.options);
  // The voter's clock orders successive votes: strictly increasing even within one millisecond.
  poll.lastVoteMs = Math.max(Date.now(), poll.lastVoteMs + 1);
  // The key as the voter's phone sees the poll: its own poll is `fromMe` in the chat with `to`.
  const pollCreationMessageKey: proto.IMessageKey = poll.group
    ? { remoteJid: poll.group, fromMe: own, id: poll.id, ...(own ? {} : { participant: pnJid(poll.creator.phone) }) }
    : own
      ? { remoteJid: pnJid((target as Account).phone), fromMe: true, id: poll.id }
      : { remoteJid: pnJid(poll.creator.phone), fromMe: false, id: poll.id };
  const message: proto.IMessage = {
    pollUpdateMessage: {
      pollCreationMessageKey,
      vote: encryptVote(poll, voter, options),
      senderTimestampMs: poll.lastVoteMs,
    },
  };
  const content: PhoneMessage = { message, type: 'pollUpdate', text: '', stanzaType: 'poll' };
  return sendFromPhone(ctx, voter, poll.group ?? req.to, content);
}
