// The polls a simulated phone received, kept so its contact can vote on them later: a vote is
// encrypted with the poll's messageSecret, which only the poll creation message carries.
import { normalizeMessageContent, type proto } from '@whiskeysockets/baileys';
import type { Account } from '../accounts/types.ts';
import { BoundedMap } from '../util/bounded.ts';

export interface ReceivedPoll {
  id: string;
  creator: Account;
  /** Group JID when the poll was posted in a group. */
  group?: string;
  options: string[];
  /** How many options a vote may select; 0 = any number. */
  selectable: number;
  secret: Buffer;
  /** senderTimestampMs of this phone's last vote: each new vote must be later. */
  lastVoteMs: number;
}

const MAX_POLLS = 1_000;
const polls = new WeakMap<Account, BoundedMap<string, ReceivedPoll>>();

/** Keeps `message` when it is a poll with a secret (anything else is ignored). */
export function rememberPoll(
  recipient: Account,
  creator: Account,
  id: string,
  message: proto.IMessage,
  group?: string,
): void {
  const content = normalizeMessageContent(message);
  const poll = content?.pollCreationMessage ?? content?.pollCreationMessageV2 ?? content?.pollCreationMessageV3;
  const secret = content?.messageContextInfo?.messageSecret ?? message.messageContextInfo?.messageSecret;
  if (!poll || !secret?.length) return;
  const mine = polls.get(recipient) ?? new BoundedMap<string, ReceivedPoll>(MAX_POLLS);
  polls.set(recipient, mine);
  mine.set(id, {
    id,
    creator,
    ...(group ? { group } : {}),
    options: (poll.options ?? []).map((o) => o.optionName ?? ''),
    selectable: poll.selectableOptionsCount ?? 0,
    secret: Buffer.from(secret),
    lastVoteMs: 0,
  });
}

export const receivedPoll = (recipient: Account, id: string): ReceivedPoll | undefined => polls.get(recipient)?.get(id);
