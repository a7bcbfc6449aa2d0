// Media a simulated phone sends: validated from the control API, encrypted like a client does,
// stored on the simulator's own media host, and described by the message proto that carries it.
import type { proto } from '@whiskeysockets/baileys';
import { badRequest } from '../errors.ts';
import { encryptMedia } from './crypto.ts';
import { DEFAULT_MIMETYPE, SENDABLE, type SendableKind, UPLOAD_KIND } from './kinds.ts';
import type { MediaStore } from './store.ts';

export interface PhoneMedia {
  type: SendableKind;
  data: Buffer;
  mimetype: string;
  caption?: string;
  fileName?: string;
  /** Audio only: a voice note. */
  ptt?: boolean;
  /** Image, video or audio the recipient may open once (WhatsApp's viewOnceMessageV2). */
  viewOnce?: boolean;
  /** A modified client lying about the size (fileLength); default: the real size. */
  declaredSize?: number;
  /** A modified client naming another host in the media `url`; default: the simulator's media host. */
  urlHost?: string;
}

const optionalString = (v: unknown, field: string, max: number): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max)
    throw badRequest('invalid_media', `media.${field} must be a string of at most ${max} characters`);
  return v || undefined;
};

/** `{type, base64, mimetype?, caption?, fileName?, ptt?, view_once?}` → PhoneMedia, or a 400. */
export function parsePhoneMedia(input: unknown, maxBytes: number): PhoneMedia {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    throw badRequest('invalid_media', 'media must be an object');
  const m = input as Record<string, unknown>;
  if (!SENDABLE.includes(m.type as SendableKind))
    throw badRequest('invalid_media', `media.type must be one of ${SENDABLE.join(', ')}`);
  const type = m.type as SendableKind;
  if (typeof m.base64 !== 'string' || !m.base64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(m.base64))
    throw badRequest('invalid_media', 'media.base64 must be non-empty base64');
  const data = Buffer.from(m.base64, 'base64');
  if (data.length > maxBytes) throw badRequest('media_too_large', `media is limited to ${maxBytes} bytes`);
  if (m.ptt !== undefined && typeof m.ptt !== 'boolean')
    throw badRequest('invalid_media', 'media.ptt must be a boolean');
  if (m.view_once !== undefined && typeof m.view_once !== 'boolean')
    throw badRequest('invalid_media', 'media.view_once must be a boolean');
  if (m.view_once && !['image', 'video', 'audio'].includes(type))
    throw badRequest('invalid_media', 'only images, videos and audio can be view once');
  const caption = optionalString(m.caption, 'caption', 4096);
  const fileName = optionalString(m.fileName, 'fileName', 255);
  if (m.declared_size !== undefined && !(Number.isSafeInteger(m.declared_size) && (m.declared_size as number) >= 0))
    throw badRequest('invalid_media', 'media.declared_size must be a non-negative integer');
  const urlHost = optionalString(m.url_host, 'url_host', 255);
  if (urlHost !== undefined && !/^[a-z0-9.-]+(:\d{1,5})?$/i.test(urlHost))
    throw badRequest('invalid_media', 'media.url_host must be a host name, with an optional port');
  return {
    type,
    data,
    mimetype: optionalString(m.mimetype, 'mimetype', 255) ?? DEFAULT_MIMETYPE[type],
    ...(caption ? { caption } : {}),
    ...(fileName ? { fileName } : {}),
    ...(m.ptt !== undefined ? { ptt: m.ptt } : {}),
    ...(m.view_once ? { viewOnce: true } : {}),
    ...(m.declared_size !== undefined ? { declaredSize: m.declared_size as number } : {}),
    ...(urlHost ? { urlHost } : {}),
  };
}

/** Encrypts and stores `media`; returns the message that references it. */
export function composeMediaMessage(store: MediaStore, mediaHost: string, media: PhoneMedia): proto.IMessage {
  const message = mediaMessage(store, mediaHost, media);
  // As phones send it: the wrapper, and the media's own flag.
  if (!media.viewOnce) return message;
  const [field] = Object.keys(message) as Array<'imageMessage' | 'videoMessage' | 'audioMessage'>;
  return { viewOnceMessageV2: { message: { [field!]: { ...message[field!], viewOnce: true } } } };
}

function mediaMessage(store: MediaStore, mediaHost: string, media: PhoneMedia): proto.IMessage {
  const { mediaKey, file, fileSha256, fileEncSha256 } = encryptMedia(media.data, media.type);
  const directPath = store.put(file, UPLOAD_KIND[media.type]);
  const common = {
    url: `https://${media.urlHost ?? mediaHost}${directPath}&mms3=true`,
    directPath,
    mediaKey,
    mimetype: media.mimetype,
    fileSha256,
    fileEncSha256,
    fileLength: media.declaredSize ?? media.data.length,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
  const caption = media.caption ? { caption: media.caption } : {};
  switch (media.type) {
    case 'image':
      return { imageMessage: { ...common, ...caption } };
    case 'video':
      return { videoMessage: { ...common, ...caption } };
    case 'audio':
      return { audioMessage: { ...common, ptt: media.ptt ?? false } };
    case 'document':
      return { documentMessage: { ...common, ...caption, fileName: media.fileName ?? 'file' } };
    case 'sticker':
      return { stickerMessage: common };
  }
}
