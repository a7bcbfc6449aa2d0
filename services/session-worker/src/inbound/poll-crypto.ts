import { createHash } from 'node:crypto';
import { decryptPollVote, type proto } from '@whiskeysockets/baileys';

/** Why a vote has no options in its event. */
export type VoteDecryptError = 'unknown_poll' | 'malformed_vote' | 'decrypt_failed';

export interface VoteKeyMaterial {
  pollId: string;
  secret: Uint8Array;
  /** JIDs the poll's creator may have been named by in the key derivation, most likely first. */
  creators: readonly string[];
  /** The same for the voter. */
  voters: readonly string[];
}

/**
 * The vote's selected option hashes. WhatsApp derives the vote key from the creator's and the
 * voter's JIDs; Baileys reads votes with phone-number JIDs, LID-addressed chats may use LIDs.
 * AES-GCM authenticates, so trying each pairing (at most four) finds the one used, or none.
 */
export function decryptVote(
  vote: proto.Message.IPollEncValue | undefined,
  key: VoteKeyMaterial,
): Uint8Array[] | VoteDecryptError {
  if (!vote?.encPayload?.length || !vote.encIv?.length) return 'malformed_vote';
  const encPayload = Buffer.from(vote.encPayload);
  const encIv = Buffer.from(vote.encIv);
  for (const pollCreatorJid of new Set(key.creators)) {
    for (const voterJid of new Set(key.voters)) {
      try {
        const decrypted = decryptPollVote(
          { encPayload, encIv },
          { pollCreatorJid, voterJid, pollMsgId: key.pollId, pollEncKey: key.secret },
        );
        return decrypted.selectedOptions ?? [];
      } catch {
        // not this pairing (or not this secret): the next one, then decrypt_failed
      }
    }
  }
  return 'decrypt_failed';
}

const optionHash = (name: string) => createHash('sha256').update(name).digest('hex');

/** Option names of the selected hashes, in the poll's order; hashes of no option are dropped. */
export function selectedNames(hashes: readonly Uint8Array[], options: readonly string[]): string[] {
  const chosen = new Set(hashes.map((h) => Buffer.from(h).toString('hex')));
  return options.filter((name) => chosen.has(optionHash(name)));
}
