import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { proto, WAMessageKey } from '@whiskeysockets/baileys';
import type { Db } from '../db-types.ts';

/**
 * Baileys' `getMessage`: the content of a message we sent or received, for re-encryption on a
 * retry receipt. Served from Postgres (Baileys' own recent-message cache is off), as far as the
 * stored content maps back to a protocol message; undefined otherwise.
 */
export function storedMessageLookup(db: Db, instanceId: string) {
  return async (key: WAMessageKey): Promise<proto.IMessage | undefined> => {
    if (!key.id) return undefined;
    const row = await messagesRepo.getByWaId(db, instanceId, key.id);
    const text = row?.content['text'];
    return typeof text === 'string' ? { conversation: text } : undefined;
  };
}
