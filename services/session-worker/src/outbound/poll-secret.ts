import { randomBytes } from 'node:crypto';
import { pollsRepo } from '@turbozap/shared/db/repositories/polls';
import type { MessageRow } from '@turbozap/shared/db/schema';
import type { AnyMessageContent, WAMessage } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';

/**
 * A poll's messageSecret is chosen and stored before the poll goes on the wire. Left to Baileys,
 * every sendMessage call picks a fresh random one: a resend after a crash between the wire and
 * our `sent` write would reach the contact — who keeps the first copy — with a secret we no
 * longer have, and none of their votes would decrypt. Other content is returned unchanged.
 */
export async function withPollSecret(
  scope: InstanceScope,
  row: Pick<MessageRow, 'id'>,
  waId: string,
  content: AnyMessageContent,
): Promise<AnyMessageContent> {
  if (!('poll' in content) || !content.poll) return content;
  const stored = await pollsRepo.remember(scope.db, {
    instanceId: scope.instance.id,
    waMessageId: waId,
    messageId: row.id,
    options: content.poll.values,
    secret: randomBytes(32),
  });
  return { ...content, poll: { ...content.poll, messageSecret: Buffer.from(stored.secret) } };
}

/**
 * What was sent is what votes are encrypted with: should Baileys ever ignore the secret we
 * passed (`content`), the one on the wire replaces it. Compared in memory: no write otherwise.
 */
export async function keepSentPollSecret(
  scope: InstanceScope,
  waId: string,
  content: AnyMessageContent,
  sent: WAMessage | undefined,
): Promise<void> {
  if (!('poll' in content) || !content.poll?.messageSecret) return;
  const onWire = sent?.message?.messageContextInfo?.messageSecret;
  if (!onWire?.length || Buffer.from(onWire).equals(Buffer.from(content.poll.messageSecret))) return;
  scope.log.warn('a poll went out with another secret than the stored one; keeping the one sent', {
    wa_message_id: waId,
  });
  // The poll is on the wire already: a failure here must not make the sender send it again.
  await pollsRepo.replaceSecret(scope.db, scope.instance.id, waId, onWire).catch((error: unknown) => {
    scope.log.error('could not store the secret a poll was sent with; its votes will not decrypt', {
      wa_message_id: waId,
      error,
    });
  });
}
