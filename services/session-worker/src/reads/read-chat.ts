import type { UnreadMessage } from '@turbozap/shared/db/repositories/inbound-reads';
import type { WASocket } from '@whiskeysockets/baileys';

/** What marking read needs: the socket and the instance's record of what it has read. */
export interface ReadTools {
  sock: WASocket;
  /** Received messages of a chat not marked read yet (only those of `ids`, when given), oldest first. */
  unread(chat: string, ids: string[] | undefined, limit: number): Promise<UnreadMessage[]>;
  /** Records messages marked read; answers those that were not already. */
  markRead(ids: string[]): Promise<string[]>;
}

/** Read receipts sent per batch (one receipt stanza per chat and author). */
const READ_BATCH = 500;

/**
 * Sends read receipts for a chat's received messages not marked read yet (or those of `ids`),
 * then records them read so a second call sends none; answers how many it marked. A group
 * message's receipt names its author (`participant`), or WhatsApp cannot route it to them.
 * `POST /chat/NAME/read` and the `auto_read_messages` setting both read through here.
 */
export async function readChat(tools: ReadTools, chat: string, ids?: string[]): Promise<number> {
  let read = 0;
  for (;;) {
    const unread = await tools.unread(chat, ids, READ_BATCH);
    if (unread.length === 0) break;
    await tools.sock.readMessages(
      unread.map((m) => ({
        remoteJid: chat,
        id: m.wa_message_id,
        fromMe: false,
        ...(m.participant ? { participant: m.participant } : {}),
      })),
    );
    read += (await tools.markRead(unread.map((m) => m.id))).length;
    if (unread.length < READ_BATCH) break;
  }
  return read;
}
