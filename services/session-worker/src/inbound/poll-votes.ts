import type { InboundOrigin } from '@turbozap/shared/contracts/event-data';
import { pollsRepo } from '@turbozap/shared/db/repositories/polls';
import type { PollRow } from '@turbozap/shared/db/schema';
import { jidNormalizedUser, normalizeMessageContent, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import type { Trx } from '../db-types.ts';
import type { InstanceScope } from '../instance-scope.ts';
import type { JidPair } from './jids.ts';
import type { InboundMeaning } from './message-mapper.ts';
import { decryptVote, selectedNames, type VoteDecryptError } from './poll-crypto.ts';

type VoteMeaning = Extract<InboundMeaning, { kind: 'poll_vote' }>;

const present = (...jids: Array<string | null | undefined>): string[] =>
  jids.filter((j): j is string => Boolean(j)).map((j) => jidNormalizedUser(j) || j);

/**
 * Poll votes: a vote names its poll by WhatsApp id and carries the chosen options encrypted with
 * the poll's secret (kept in `polls` when the poll was sent or received). Emits `poll.vote` with
 * the option names — or `selected_options: null` and a `decrypt_error` — and keeps each voter's
 * latest vote on the poll. Never logs the secret nor the options. A vote is a received message:
 * the caller waits out an unreachable database (InboundHandler), so nothing here retries.
 */
export class PollVotes {
  readonly #scope: InstanceScope;

  constructor(scope: InstanceScope) {
    this.#scope = scope;
  }

  /** A poll a contact sent us: its secret, so votes others post on it (groups) decrypt too. */
  async rememberReceived(trx: Trx, msg: WAMessage, messageId: string, creator: JidPair): Promise<void> {
    const message = normalizeMessageContent(msg.message);
    const poll = message?.pollCreationMessage ?? message?.pollCreationMessageV2 ?? message?.pollCreationMessageV3;
    const secret = message?.messageContextInfo?.messageSecret ?? msg.message?.messageContextInfo?.messageSecret;
    if (!poll || !secret?.length || !msg.key.id) return;
    await pollsRepo.remember(trx, {
      instanceId: this.#scope.instance.id,
      waMessageId: msg.key.id,
      messageId,
      creatorJid: creator.jid,
      creatorLid: creator.lid,
      options: (poll.options ?? []).map((o) => o.optionName ?? ''),
      secret,
    });
  }

  async vote(sock: WASocket, meaning: VoteMeaning, voteId: string, voter: JidPair, who: InboundOrigin): Promise<void> {
    const scope = this.#scope;
    const poll = meaning.pollMessageId
      ? await pollsRepo.get(scope.db, scope.instance.id, meaning.pollMessageId)
      : undefined;
    const outcome = poll ? this.#open(sock, poll, meaning, voter) : 'unknown_poll';
    const selected = Array.isArray(outcome) ? outcome : null;
    if (!selected) scope.log.info('poll vote not decrypted', { vote_wa_message_id: voteId, reason: outcome });
    const voterKey = voter.jid ?? voter.lid;
    await scope.write(async (trx, emit) => {
      if (poll && selected && voterKey) {
        await pollsRepo.recordVote(trx, scope.instance.id, poll.wa_message_id, voterKey, {
          voter_jid: voter.jid,
          voter_lid: voter.lid,
          selected_options: selected,
          vote_wa_message_id: voteId,
          sender_timestamp_ms: meaning.senderTimestampMs,
        });
      }
      await emit(
        'poll.vote',
        {
          ...who,
          poll_wa_message_id: meaning.pollMessageId,
          vote_wa_message_id: voteId,
          voter_jid: voter.jid,
          voter_lid: voter.lid,
          selected_options: selected,
          sender_timestamp_ms: meaning.senderTimestampMs,
          decrypt_error: selected ? null : (outcome as VoteDecryptError),
        },
        voteId,
      );
    });
  }

  #open(sock: WASocket, poll: PollRow, meaning: VoteMeaning, voter: JidPair): string[] | VoteDecryptError {
    // A null creator is this account: its JIDs now (a poll is only ever ours on this account).
    const creators =
      poll.creator_jid || poll.creator_lid
        ? present(poll.creator_jid, poll.creator_lid)
        : present(sock.user?.id, sock.user?.lid);
    const hashes = decryptVote(meaning.vote, {
      pollId: poll.wa_message_id,
      secret: Buffer.from(poll.secret),
      creators,
      voters: present(voter.jid, voter.lid),
    });
    return typeof hashes === 'string' ? hashes : selectedNames(hashes, poll.options);
  }
}
