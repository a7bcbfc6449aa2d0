import { forwardCopy, forwardingScore } from '@turbozap/shared/contracts/forward';
import {
  type LinkPreview,
  type MessageType,
  messageTypes,
  type StoredContent,
  storedContent,
} from '@turbozap/shared/contracts/message-content';
import type { MessageRow } from '@turbozap/shared/db/schema';
import { PermanentError } from '@turbozap/shared/errors/app-error';
import type { AnyMessageContent, proto, WAMessage, WAMessageKey, WAUrlInfo } from '@whiskeysockets/baileys';

/** What mapping needs from outside: stored media and earlier messages (for quotes, reactions, edits). */
export interface ContentDeps {
  /** The stored bytes and the content type the sender-worker resolved for them. */
  loadMedia(blobKey: string): Promise<{ bytes: Buffer; contentType: string }>;
  /** A stored message of this instance by our id or its WhatsApp id. */
  findMessage(ref: string): Promise<MessageRow | undefined>;
  /**
   * Media still given by URL (the sender-worker stores media first, so rarely), through the SSRF
   * guard and the size cap. Baileys gets the bytes: given a URL, it would fetch it unguarded.
   */
  fetchMedia(url: string): Promise<{ bytes: Buffer; contentType: string }>;
}

export interface MappedContent {
  content: AnyMessageContent;
  quoted?: WAMessage;
}

type Row = Pick<MessageRow, 'type' | 'content' | 'media_key' | 'remote_jid'>;
type Stored<T extends StoredContent['type']> = Extract<StoredContent, { type: T }>['content'];
type MediaContent = Stored<'media' | 'audio' | 'sticker'>;

/** A phone number (digits) or any JID, as a JID. */
export function toJid(value: string): string {
  if (value.includes('@')) return value;
  const digits = value.replace(/\D/g, '');
  if (!digits) throw new PermanentError('invalid_recipient', 'not a phone number or JID');
  return `${digits}@s.whatsapp.net`;
}

const mentions = (c: { mentions?: string[] | undefined }): { mentions?: string[] } =>
  c.mentions ? { mentions: c.mentions } : {};

function keyOf(row: MessageRow): WAMessageKey {
  if (!row.wa_message_id) throw new PermanentError('target_not_sent', 'the referenced message was never sent');
  return { remoteJid: row.remote_jid, fromMe: row.direction === 'outbound', id: row.wa_message_id };
}

async function targetKey(ref: string, deps: ContentDeps): Promise<WAMessageKey> {
  const row = await deps.findMessage(ref);
  if (!row) throw new PermanentError('target_not_found', 'the referenced message is not known');
  return keyOf(row);
}

interface Upload {
  upload: Buffer;
  /** Known only for stored or fetched media; Baileys would otherwise guess one per kind (image/jpeg…). */
  mimetype?: string;
}

async function media(row: Row, c: MediaContent, deps: ContentDeps): Promise<Upload> {
  if (row.media_key) {
    const { bytes, contentType } = await deps.loadMedia(row.media_key);
    return { upload: bytes, mimetype: c.mimetype ?? contentType };
  }
  const declared = c.mimetype ? { mimetype: c.mimetype } : {};
  if (c.base64) return { upload: Buffer.from(c.base64.replace(/^data:[^,]*,/, ''), 'base64'), ...declared };
  if (c.media_url) {
    const { bytes, contentType } = await deps.fetchMedia(c.media_url);
    return { upload: bytes, ...(contentType ? { mimetype: contentType } : {}), ...declared };
  }
  throw new PermanentError('media_missing', 'no media stored for this message');
}

function vcard(contact: { name: string; phone: string }): string {
  const phone = contact.phone.replace(/\D/g, '');
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${contact.name}`,
    `TEL;type=CELL;type=VOICE;waid=${phone}:+${phone}`,
    'END:VCARD',
  ].join('\n');
}

/**
 * Interactive types WhatsApp restricts for non-API accounts are sent as text that still reads
 * well: the text, the options numbered, the footer.
 */
function asText(text: string | undefined, options: Array<string | undefined>, footer?: string): { text: string } {
  const lines = text ? [text] : [];
  for (const [i, label] of options.filter((o): o is string => Boolean(o)).entries()) lines.push(`${i + 1}. ${label}`);
  if (footer) lines.push(footer);
  if (lines.length === 0) throw new PermanentError('invalid_content', 'nothing to send');
  return { text: lines.join('\n') };
}

type MediaStored = Extract<StoredContent, { type: 'media' | 'audio' | 'sticker' }>;

async function mediaContent(stored: MediaStored, row: Row, deps: ContentDeps): Promise<AnyMessageContent> {
  const { upload, mimetype } = await media(row, stored.content, deps);
  const typed = mimetype ? { mimetype } : {};
  // Baileys wraps the message in WhatsApp's viewOnceMessage; documents are refused by the API.
  const once = 'view_once' in stored.content && stored.content.view_once ? { viewOnce: true } : {};
  if (stored.type === 'audio')
    return { audio: upload, ptt: stored.content.ptt, mimetype: mimetype ?? 'audio/ogg; codecs=opus', ...once };
  if (stored.type === 'sticker') return { sticker: upload, ...typed };
  const c = stored.content;
  const caption = c.caption ? { caption: c.caption } : {};
  switch (c.media_type) {
    case 'image':
      return { image: upload, ...caption, ...typed, ...mentions(c), ...once };
    case 'video':
      return { video: upload, ...caption, ...typed, ...mentions(c), ...once };
    case 'document':
      return {
        document: upload,
        mimetype: mimetype ?? 'application/octet-stream',
        ...(c.filename ? { fileName: c.filename } : {}),
        ...caption,
      };
  }
}

/**
 * A stored message → Baileys message content. Its content is read with the schema the API
 * validated it with (contracts/message-content.ts); throws PermanentError for a message that can
 * never be sent (the message ends `failed`).
 */
export async function toBaileysContent(row: Row, deps: ContentDeps): Promise<MappedContent> {
  const stored = storedContent(row.type, row.content);
  if (!stored) {
    if (!messageTypes.includes(row.type as MessageType))
      throw new PermanentError('unsupported_type', `message type ${row.type} cannot be sent`);
    throw new PermanentError('invalid_content', `the stored content is not a valid ${row.type} message`);
  }
  const content = await contentFor(stored, row, deps);
  const quotedRef = 'quoted' in stored.content ? stored.content.quoted : undefined;
  if (!quotedRef) return { content };
  const quotedRow = await deps.findMessage(quotedRef);
  if (!quotedRow?.wa_message_id) return { content };
  const text = quotedRow.content['text'];
  const quoted: WAMessage = {
    key: keyOf(quotedRow),
    message: (typeof text === 'string' ? { conversation: text } : { conversation: '' }) as proto.IMessage,
  };
  return { content, quoted };
}

/** The preview the sender-worker made, as Baileys takes it: it then fetches nothing itself. */
function urlInfo(p: LinkPreview): WAUrlInfo {
  return {
    'canonical-url': p.url,
    'matched-text': p.url,
    title: p.title,
    ...(p.description ? { description: p.description } : {}),
    ...(p.thumbnail ? { jpegThumbnail: Buffer.from(p.thumbnail, 'base64') } : {}),
  };
}

/** A stored message sent again, its media from the blob store, with WhatsApp's forwarded mark. */
async function forwarded(ref: string, row: Row, deps: ContentDeps): Promise<AnyMessageContent> {
  const source = await deps.findMessage(ref);
  if (!source) throw new PermanentError('target_not_found', 'the message to forward is not known');
  const copy = forwardCopy(source);
  if ('refused' in copy) throw new PermanentError('invalid_content', copy.refused);
  const content = await contentFor(copy.stored, { ...row, media_key: copy.mediaKey }, deps);
  const score = forwardingScore(source);
  return score > 0 ? { ...content, contextInfo: { isForwarded: true, forwardingScore: score } } : content;
}

async function contentFor(stored: StoredContent, row: Row, deps: ContentDeps): Promise<AnyMessageContent> {
  switch (stored.type) {
    case 'text': {
      const { text, preview } = stored.content;
      return { text, ...mentions(stored.content), ...(preview ? { linkPreview: urlInfo(preview) } : {}) };
    }
    case 'media':
    case 'audio':
    case 'sticker':
      return mediaContent(stored, row, deps);
    case 'location': {
      const { latitude, longitude, name, address } = stored.content;
      return {
        location: {
          degreesLatitude: latitude,
          degreesLongitude: longitude,
          ...(name ? { name } : {}),
          ...(address ? { address } : {}),
        },
      };
    }
    case 'contact': {
      const contacts = stored.content.contacts.map((contact) => ({ displayName: contact.name, vcard: vcard(contact) }));
      return { contacts: { ...(contacts.length === 1 ? { displayName: contacts[0]?.displayName } : {}), contacts } };
    }
    case 'reaction':
      return { react: { key: await targetKey(stored.content.message_id, deps), text: stored.content.emoji } };
    case 'poll': {
      const { name, options, selectable_count } = stored.content;
      return { poll: { name, values: options, selectableCount: selectable_count } };
    }
    case 'edit':
      return { text: stored.content.text, edit: await targetKey(stored.content.message_id, deps) };
    case 'delete':
      return { delete: await targetKey(stored.content.message_id, deps) };
    case 'forward':
      return forwarded(stored.content.id, row, deps);
    case 'button': {
      const c = stored.content;
      return asText(
        c.text,
        c.buttons.map((b) => b.text),
        c.footer,
      );
    }
    case 'list': {
      const c = stored.content;
      return asText(
        c.text,
        c.sections.flatMap((s) => s.rows.map((r) => r.title)),
        c.footer,
      );
    }
    case 'carousel': {
      const c = stored.content;
      // A card's title and body as one option: the body is all a card is required to have.
      return asText(
        c.text,
        c.cards.map((card) => (card.title ? `${card.title}: ${card.body}` : card.body)),
      );
    }
  }
}
