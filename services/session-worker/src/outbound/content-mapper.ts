import type { MessageRow } from '@turbozap/shared/db/schema';
import { PermanentError } from '@turbozap/shared/errors/app-error';
import type { AnyMessageContent, proto, WAMessage, WAMessageKey } from '@whiskeysockets/baileys';

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
type Content = Record<string, unknown>;

const str = (c: Content, ...keys: string[]): string | undefined => {
  for (const k of keys) if (typeof c[k] === 'string' && c[k] !== '') return c[k] as string;
  return undefined;
};
const num = (c: Content, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof c[k] === 'number' && Number.isFinite(c[k])) return c[k] as number;
  return undefined;
};
const required = (value: string | undefined, field: string): string => {
  if (value === undefined) throw new PermanentError('invalid_content', `${field} is required`);
  return value;
};

/** A phone number (digits) or any JID, as a JID. */
export function toJid(value: string): string {
  if (value.includes('@')) return value;
  const digits = value.replace(/\D/g, '');
  if (!digits) throw new PermanentError('invalid_recipient', 'not a phone number or JID');
  return `${digits}@s.whatsapp.net`;
}

const mentions = (c: Content): { mentions?: string[] } =>
  Array.isArray(c['mentions'])
    ? { mentions: (c['mentions'] as unknown[]).filter((m) => typeof m === 'string').map(toJid) }
    : {};

function keyOf(row: MessageRow): WAMessageKey {
  if (!row.wa_message_id) throw new PermanentError('target_not_sent', 'the referenced message was never sent');
  return { remoteJid: row.remote_jid, fromMe: row.direction === 'outbound', id: row.wa_message_id };
}

async function targetKey(c: Content, deps: ContentDeps): Promise<WAMessageKey> {
  const ref = required(str(c, 'message_id', 'id', 'key'), 'message_id');
  const row = await deps.findMessage(ref);
  if (!row) throw new PermanentError('target_not_found', 'the referenced message is not known');
  return keyOf(row);
}

interface Upload {
  upload: Buffer;
  /** Known only for stored or fetched media; Baileys would otherwise guess one per kind (image/jpeg…). */
  storedType?: string;
}

async function media(row: Row, c: Content, deps: ContentDeps): Promise<Upload> {
  if (row.media_key) {
    const { bytes, contentType } = await deps.loadMedia(row.media_key);
    return { upload: bytes, storedType: contentType };
  }
  const base64 = str(c, 'base64');
  if (base64) return { upload: Buffer.from(base64.replace(/^data:[^,]*,/, ''), 'base64') };
  const url = str(c, 'media_url', 'url');
  if (url) {
    const { bytes, contentType } = await deps.fetchMedia(url);
    return { upload: bytes, ...(contentType ? { storedType: contentType } : {}) };
  }
  throw new PermanentError('media_missing', 'no media stored for this message');
}

function vcard(contact: Content): string {
  const name = str(contact, 'full_name', 'name', 'display_name') ?? 'Contact';
  const phone = (str(contact, 'phone', 'phone_number', 'number') ?? '').replace(/\D/g, '');
  const org = str(contact, 'organization', 'org');
  return [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${name}`,
    ...(org ? [`ORG:${org}`] : []),
    ...(phone ? [`TEL;type=CELL;type=VOICE;waid=${phone}:+${phone}`] : []),
    'END:VCARD',
  ].join('\n');
}

/** Interactive types WhatsApp restricts for non-API accounts are sent as text that still reads well. */
function interactiveAsText(c: Content): string {
  const lines = [str(c, 'title', 'header'), str(c, 'text', 'body', 'description')].filter(Boolean) as string[];
  const options = [c['buttons'], c['rows'], c['sections'], c['cards']].flatMap((v) => (Array.isArray(v) ? v : []));
  const labels = options.flatMap((o: unknown) => {
    const item = (o ?? {}) as Content;
    const nested = Array.isArray(item['rows']) ? (item['rows'] as Content[]) : [item];
    return nested.map((r) => str(r, 'title', 'text', 'display_text', 'label')).filter(Boolean) as string[];
  });
  for (const [i, label] of labels.entries()) lines.push(`${i + 1}. ${label}`);
  const footer = str(c, 'footer');
  if (footer) lines.push(footer);
  if (lines.length === 0) throw new PermanentError('invalid_content', 'nothing to send');
  return lines.join('\n');
}

const mediaKinds = ['image', 'video', 'document', 'audio', 'sticker'] as const;
type MediaKind = (typeof mediaKinds)[number];

async function mediaContent(kind: MediaKind, row: Row, c: Content, deps: ContentDeps): Promise<AnyMessageContent> {
  const { upload, storedType } = await media(row, c, deps);
  const mimetype = str(c, 'mimetype', 'mime_type') ?? storedType;
  const caption = str(c, 'caption');
  switch (kind) {
    case 'image':
      return { image: upload, ...(caption ? { caption } : {}), ...(mimetype ? { mimetype } : {}), ...mentions(c) };
    case 'video':
      return { video: upload, ...(caption ? { caption } : {}), ...(mimetype ? { mimetype } : {}), ...mentions(c) };
    case 'audio':
      // `/message/audio` is a voice note unless asked otherwise, as in the original TurboZap.
      return { audio: upload, ptt: c['ptt'] !== false, mimetype: mimetype ?? 'audio/ogg; codecs=opus' };
    case 'sticker':
      return { sticker: upload, ...(mimetype ? { mimetype } : {}) };
    case 'document':
      return {
        document: upload,
        mimetype: mimetype ?? 'application/octet-stream',
        ...(str(c, 'filename', 'file_name') ? { fileName: str(c, 'filename', 'file_name') } : {}),
        ...(caption ? { caption } : {}),
      };
  }
}

/**
 * Our stored content (the API's snake_case fields) → Baileys message content. Throws
 * PermanentError for content that can never be sent (the message ends `failed`).
 */
export async function toBaileysContent(row: Row, deps: ContentDeps): Promise<MappedContent> {
  const c = row.content;
  const content = await contentFor(row, c, deps);
  const quotedRef = str(c, 'quoted', 'quoted_id', 'reply_to');
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

async function contentFor(row: Row, c: Content, deps: ContentDeps): Promise<AnyMessageContent> {
  switch (row.type) {
    case 'text':
      return { text: required(str(c, 'text', 'body', 'message'), 'text'), ...mentions(c) };
    case 'media': {
      const kind = str(c, 'media_type', 'mediatype', 'kind') ?? 'image';
      if (!(mediaKinds as readonly string[]).includes(kind))
        throw new PermanentError('invalid_content', `unknown media type ${kind}`);
      return mediaContent(kind as MediaKind, row, c, deps);
    }
    case 'image':
    case 'video':
    case 'document':
    case 'audio':
    case 'sticker':
      return mediaContent(row.type, row, c, deps);
    case 'location': {
      const latitude = num(c, 'latitude', 'lat');
      const longitude = num(c, 'longitude', 'lng', 'lon');
      if (latitude === undefined || longitude === undefined)
        throw new PermanentError('invalid_content', 'latitude and longitude are required');
      const name = str(c, 'name');
      const address = str(c, 'address');
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
      const list = Array.isArray(c['contacts']) ? (c['contacts'] as Content[]) : [c];
      const contacts = list.map((contact) => ({
        displayName: str(contact, 'full_name', 'name') ?? 'Contact',
        vcard: vcard(contact),
      }));
      return { contacts: { ...(contacts.length === 1 ? { displayName: contacts[0]?.displayName } : {}), contacts } };
    }
    case 'reaction':
      return { react: { key: await targetKey(c, deps), text: str(c, 'emoji', 'reaction', 'text') ?? '' } };
    case 'poll': {
      const values = (
        Array.isArray(c['options']) ? c['options'] : Array.isArray(c['values']) ? c['values'] : []
      ).filter((v): v is string => typeof v === 'string');
      if (values.length < 2) throw new PermanentError('invalid_content', 'a poll needs at least two options');
      return {
        poll: {
          name: required(str(c, 'name', 'question', 'title'), 'name'),
          values,
          selectableCount: num(c, 'selectable_count', 'selectableCount') ?? 1,
        },
      };
    }
    case 'edit':
      return { text: required(str(c, 'text'), 'text'), edit: await targetKey(c, deps) };
    case 'delete':
      return { delete: await targetKey(c, deps) };
    case 'button':
    case 'list':
    case 'carousel':
      return { text: interactiveAsText(c) };
    default:
      throw new PermanentError('unsupported_type', `message type ${row.type} cannot be sent`);
  }
}
