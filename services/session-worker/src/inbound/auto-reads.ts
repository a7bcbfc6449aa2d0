import { inboundReadsRepo } from '@turbozap/shared/db/repositories/inbound-reads';
import type { WAMessageKey, WASocket } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { readChat } from '../reads/read-chat.ts';

/**
 * Read receipts the instance's settings ask for as things arrive. Neither holds back what
 * called it: a received message's delivery receipt goes out once `receive` resolves, and a
 * failure here is logged, never retried (the message stays `delivered`, readable by
 * `POST /chat/NAME/read`).
 */
export class AutoReads {
  readonly #scope: InstanceScope;

  constructor(scope: InstanceScope) {
    this.#scope = scope;
  }

  /** `auto_read_messages`: a stored message is marked read as `POST /chat/NAME/read` would. */
  message(sock: WASocket, chat: string, waId: string): void {
    const { db, instance } = this.#scope;
    const tools = {
      sock,
      unread: (remoteJid: string, ids: string[] | undefined, limit: number) =>
        inboundReadsRepo.unread(db, { instanceId: instance.id, remoteJid, ids, limit }),
      markRead: (ids: string[]) => inboundReadsRepo.markRead(db, instance.id, ids),
    };
    readChat(tools, chat, [waId]).catch((error: unknown) => this.#failed('a received message', error));
  }

  /** `read_status`: a status update is marked read (never stored: TurboZap keeps no statuses). */
  status(sock: WASocket, key: WAMessageKey): void {
    sock.readMessages([{ ...key, fromMe: false }]).catch((error: unknown) => this.#failed('a status', error));
  }

  #failed(what: string, error: unknown): void {
    if (!this.#scope.ended.aborted) this.#scope.log.warn(`marking ${what} read failed`, { error });
  }
}
