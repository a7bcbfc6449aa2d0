import { getContentType, normalizeMessageContent, proto, type WAMessage } from '@whiskeysockets/baileys';

export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** What an incoming WhatsApp message means for us. */
export type InboundMeaning =
  | {
      kind: 'message';
      /** Our message type (the API's names: text, image, …, reaction, poll, …). */
      type: string;
      content: Record<string, unknown>;
      /** The event it raises: message.received, or a more specific one. */
      event: 'message.received' | 'button.response' | 'list.response';
      media?: { kind: MediaKind; mimetype: string | undefined };
    }
  | { kind: 'revoke'; targetId: string }
  | { kind: 'edit'; targetId: string; content: Record<string, unknown> }
  | {
      kind: 'poll_vote';
      pollMessageId: string;
      /** The encrypted selection; decrypted with the poll's secret (poll-votes.ts). */
      vote: proto.Message.IPollEncValue | undefined;
      /** The voter's clock: orders a voter's successive votes. */
      senderTimestampMs: number;
    }
  | { kind: 'ignore'; why: string };

const compact = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''));

function contextOf(message: proto.IMessage): Record<string, unknown> {
  const type = getContentType(message);
  const inner = type ? (message[type] as { contextInfo?: proto.IContextInfo | null } | null | undefined) : undefined;
  const info = inner && typeof inner === 'object' ? inner.contextInfo : undefined;
  if (!info) return {};
  return compact({
    quoted_wa_message_id: info.stanzaId ?? undefined,
    mentions: info.mentionedJid?.length ? info.mentionedJid : undefined,
    forwarded: info.isForwarded || undefined,
    forwarding_score: info.isForwarded ? (info.forwardingScore ?? undefined) : undefined,
  });
}

/**
 * A view-once message comes in WhatsApp's wrapper (viewOnceMessage, V2 or V2Extension, inside an
 * ephemeral one in a disappearing chat), and from phones with the media's own flag too.
 */
function viewOnce(raw: proto.IMessage | null | undefined, inner: proto.IMessage): { view_once?: true } {
  const m = raw?.ephemeralMessage?.message ?? raw;
  const wrapped = m?.viewOnceMessage ?? m?.viewOnceMessageV2 ?? m?.viewOnceMessageV2Extension;
  const flagged = inner.imageMessage?.viewOnce || inner.videoMessage?.viewOnce || inner.audioMessage?.viewOnce;
  return wrapped || flagged ? { view_once: true } : {};
}

/**
 * Maps one WAMessage (already decrypted by Baileys) to what we store and emit. Text first;
 * every other type best effort; protocol messages become revokes/edits or are ignored.
 */
export function mapInbound(msg: WAMessage): InboundMeaning {
  const message = normalizeMessageContent(msg.message);
  if (!message) return { kind: 'ignore', why: msg.messageStubType ? 'stub' : 'empty' };
  const type = getContentType(message);
  const ctx = { ...contextOf(message), ...viewOnce(msg.message, message) };
  switch (type) {
    case 'conversation':
      return text(message.conversation ?? '', ctx);
    case 'extendedTextMessage':
      return text(message.extendedTextMessage?.text ?? '', ctx, message.extendedTextMessage?.matchedText ?? undefined);
    case 'imageMessage': {
      const m = message.imageMessage!;
      return media(
        'image',
        m.mimetype,
        compact({
          caption: m.caption,
          mimetype: m.mimetype,
          size: Number(m.fileLength ?? 0) || undefined,
          width: m.width,
          height: m.height,
          ...ctx,
        }),
      );
    }
    case 'videoMessage': {
      const m = message.videoMessage!;
      return media(
        'video',
        m.mimetype,
        compact({
          caption: m.caption,
          mimetype: m.mimetype,
          seconds: m.seconds,
          gif: m.gifPlayback || undefined,
          size: Number(m.fileLength ?? 0) || undefined,
          ...ctx,
        }),
      );
    }
    case 'audioMessage': {
      const m = message.audioMessage!;
      return media(
        'audio',
        m.mimetype,
        compact({
          mimetype: m.mimetype,
          seconds: m.seconds,
          ptt: m.ptt ?? false,
          size: Number(m.fileLength ?? 0) || undefined,
          ...ctx,
        }),
      );
    }
    case 'documentMessage': {
      const m = message.documentMessage!;
      return media(
        'document',
        m.mimetype,
        compact({
          filename: m.fileName,
          caption: m.caption,
          mimetype: m.mimetype,
          size: Number(m.fileLength ?? 0) || undefined,
          ...ctx,
        }),
      );
    }
    case 'documentWithCaptionMessage':
      return mapInbound({ ...msg, message: message.documentWithCaptionMessage?.message ?? null });
    case 'stickerMessage': {
      const m = message.stickerMessage!;
      return media(
        'sticker',
        m.mimetype,
        compact({ mimetype: m.mimetype, animated: m.isAnimated || undefined, ...ctx }),
      );
    }
    case 'locationMessage':
    case 'liveLocationMessage': {
      const m = (message.locationMessage ?? message.liveLocationMessage)!;
      const loc = m as proto.Message.ILocationMessage;
      return plain(
        'location',
        compact({
          latitude: m.degreesLatitude,
          longitude: m.degreesLongitude,
          name: loc.name,
          address: loc.address,
          live: type === 'liveLocationMessage' || undefined,
          ...ctx,
        }),
      );
    }
    case 'contactMessage':
      return plain(
        'contact',
        compact({
          contacts: [compact({ name: message.contactMessage?.displayName, vcard: message.contactMessage?.vcard })],
          ...ctx,
        }),
      );
    case 'contactsArrayMessage':
      return plain(
        'contact',
        compact({
          contacts: (message.contactsArrayMessage?.contacts ?? []).map((c) =>
            compact({ name: c.displayName, vcard: c.vcard }),
          ),
          ...ctx,
        }),
      );
    case 'reactionMessage': {
      const r = message.reactionMessage!;
      return plain(
        'reaction',
        compact({ emoji: r.text ?? '', target_wa_message_id: r.key?.id, removed: !r.text || undefined }),
      );
    }
    case 'pollCreationMessage':
    case 'pollCreationMessageV2':
    case 'pollCreationMessageV3': {
      const p = (message.pollCreationMessage ?? message.pollCreationMessageV2 ?? message.pollCreationMessageV3)!;
      return plain(
        'poll',
        compact({
          name: p.name,
          options: (p.options ?? []).map((o) => o.optionName),
          selectable_count: p.selectableOptionsCount,
          ...ctx,
        }),
      );
    }
    case 'pollUpdateMessage': {
      const u = message.pollUpdateMessage!;
      return {
        kind: 'poll_vote',
        pollMessageId: u.pollCreationMessageKey?.id ?? '',
        vote: u.vote ?? undefined,
        senderTimestampMs: Number(u.senderTimestampMs ?? 0) || Number(msg.messageTimestamp ?? 0) * 1000,
      };
    }
    case 'buttonsResponseMessage': {
      const b = message.buttonsResponseMessage!;
      return {
        kind: 'message',
        type: 'button_response',
        event: 'button.response',
        content: compact({ button_id: b.selectedButtonId, text: b.selectedDisplayText, ...ctx }),
      };
    }
    case 'templateButtonReplyMessage': {
      const b = message.templateButtonReplyMessage!;
      return {
        kind: 'message',
        type: 'button_response',
        event: 'button.response',
        content: compact({ button_id: b.selectedId, text: b.selectedDisplayText, ...ctx }),
      };
    }
    case 'listResponseMessage': {
      const l = message.listResponseMessage!;
      return {
        kind: 'message',
        type: 'list_response',
        event: 'list.response',
        content: compact({
          row_id: l.singleSelectReply?.selectedRowId,
          title: l.title,
          description: l.description,
          ...ctx,
        }),
      };
    }
    case 'protocolMessage':
      return protocol(message.protocolMessage!);
    case 'editedMessage':
      return mapInbound({ ...msg, message: message.editedMessage?.message ?? null });
    case 'senderKeyDistributionMessage':
    case 'messageContextInfo':
    case undefined:
      return { kind: 'ignore', why: 'no content' };
    default:
      return plain('unknown', { wa_type: type });
  }
}

function text(body: string, ctx: Record<string, unknown>, matchedText?: string): InboundMeaning {
  return plain('text', compact({ text: body, link: matchedText, ...ctx }));
}

function plain(type: string, content: Record<string, unknown>): InboundMeaning {
  return { kind: 'message', type, content, event: 'message.received' };
}

function media(kind: MediaKind, mimetype: string | null | undefined, content: Record<string, unknown>): InboundMeaning {
  return {
    kind: 'message',
    type: kind,
    content,
    event: 'message.received',
    media: { kind, mimetype: mimetype ?? undefined },
  };
}

function protocol(p: proto.Message.IProtocolMessage): InboundMeaning {
  const targetId = p.key?.id ?? '';
  if (p.type === proto.Message.ProtocolMessage.Type.REVOKE && targetId) return { kind: 'revoke', targetId };
  if (p.type === proto.Message.ProtocolMessage.Type.MESSAGE_EDIT && targetId && p.editedMessage) {
    const edited = mapInbound({ key: {}, message: p.editedMessage });
    return { kind: 'edit', targetId, content: edited.kind === 'message' ? edited.content : {} };
  }
  return { kind: 'ignore', why: `protocol ${p.type ?? 'unknown'}` };
}
