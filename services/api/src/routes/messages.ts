import {
  carriesMedia,
  type MessageType,
  messageBodies,
  messageTypes,
} from '@turbozap/shared/contracts/message-content';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { MessageRow } from '@turbozap/shared/db/schema';
import { AppError } from '@turbozap/shared/errors/app-error';
import { z } from 'zod';
import { sendBlob } from '../http/blob-response.ts';
import { byId } from '../http/by-id.ts';
import { type Define, InstanceGoneError } from '../http/route.ts';
import { acceptedSchema, messageSchema, messageView } from '../views/message.ts';
import { assertForwardable } from './forward-source.ts';

const messageNotFound = () => new AppError('message_not_found', 'message not found', 404);

const idempotencyKey = z.string().min(1).max(200);

/** The file name a document was sent with, else the message id (the Content-Type says what it is). */
function downloadName(m: MessageRow): string {
  const name = (m.content as Record<string, unknown>)['filename'];
  return typeof name === 'string' && name.length > 0 ? name : m.id;
}

const summaries: Partial<Record<MessageType, string>> = {
  forward:
    'Forward a stored text or media message to a chat, marked forwarded (202 once committed; Idempotency-Key honoured)',
};

export function messageRoutes(define: Define): void {
  for (const type of messageTypes) {
    define({
      method: 'post',
      path: `/message/:name/${type}`,
      summary: summaries[type] ?? `Send a ${type} message (202 once committed; Idempotency-Key honoured)`,
      tag: 'messages',
      access: 'instance',
      body: messageBodies[type],
      largeBody: carriesMedia(type),
      successStatus: 202,
      response: acceptedSchema,
      cachedInstance: true,
      async handler({ req, body, instance, deps }) {
        const key = req.get('idempotency-key');
        if (key !== undefined && !idempotencyKey.safeParse(key).success) {
          throw new AppError('validation_failed', 'Idempotency-Key must be 1-200 characters', 400);
        }
        const { db, config, metrics } = deps;
        if (type === 'forward') await assertForwardable(db, instance.id, (body as { id: string }).id);
        const accepted = await messagesRepo.acceptOutbound(db, {
          instanceId: instance.id,
          remoteJid: body.to,
          type,
          content: body as Record<string, unknown>,
          idempotencyKey: key,
          expiresAt: new Date(Date.now() + config.api.messageTtlMs),
        });
        if (!accepted) throw new InstanceGoneError();
        const { id, status, created } = accepted;
        if (created) {
          metrics.messagesAccepted.inc({ wa_instance: instance.name, type });
          void deps.publisher.publish(id, instance.id);
        }
        return { id, status, created };
      },
    });
  }

  define({
    method: 'delete',
    path: '/message/:name/pending',
    summary: 'Cancel every message of the instance not sent yet (marks them cancelled)',
    tag: 'messages',
    access: 'instance',
    response: z.object({ cancelled: z.number().int(), ids: z.array(z.string()) }),
    async handler({ instance, deps }) {
      const ids = await messagesRepo.cancelPending(deps.db, instance.id);
      return { cancelled: ids.length, ids };
    },
  });

  define({
    method: 'get',
    path: '/message/:name/:id',
    summary: 'A message with its status history',
    tag: 'messages',
    access: 'instance',
    response: messageSchema,
    async handler({ params, instance, deps }) {
      return messageView(await byId(params.id, (id) => messagesRepo.view(deps.db, instance.id, id), messageNotFound));
    },
  });

  define({
    method: 'get',
    path: '/message/:name/:id/media',
    summary: "A message's media, streamed (for as long as the message is stored; a presigned link expires)",
    tag: 'messages',
    access: 'instance',
    response: 'file',
    async handler({ res, params, instance, deps }) {
      const row = await byId(params.id, (id) => messagesRepo.view(deps.db, instance.id, id), messageNotFound);
      const blob = row.media_key ? await deps.blobs.get(row.media_key) : null;
      if (!blob) throw new AppError('media_not_found', 'this message has no stored media', 404);
      await sendBlob(res, blob, { download: downloadName(row), cache: 'private, no-store' });
    },
  });

  define({
    method: 'get',
    path: '/message/:name',
    summary: 'Stored messages, both directions, newest first',
    tag: 'messages',
    access: 'instance',
    query: z.object({
      remote: z
        .string()
        .max(128)
        .regex(/^[\w.:@+-]*$/, 'a phone number or JID')
        .optional(),
      before: z.iso.datetime({ offset: true }).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    response: z.array(messageSchema),
    async handler({ query, instance, deps }) {
      const remote =
        query.remote && /^\+?\d{6,15}$/.test(query.remote)
          ? `${query.remote.replace(/^\+/, '')}@s.whatsapp.net`
          : query.remote;
      const rows = await messagesRepo.list(deps.db, {
        instanceId: instance.id,
        remoteJid: remote,
        before: query.before ? new Date(query.before) : undefined,
        limit: query.limit,
      });
      return rows.map(messageView);
    },
  });
}
