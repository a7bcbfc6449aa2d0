import { PermanentError } from '@turbozap/shared/errors/app-error';

export type MediaKind = 'image' | 'video' | 'audio' | 'sticker' | 'document';
const kinds: readonly MediaKind[] = ['image', 'video', 'audio', 'sticker', 'document'];
const isKind = (v: unknown): v is MediaKind => typeof v === 'string' && (kinds as readonly string[]).includes(v);

const generic = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/binary']);

/**
 * What WhatsApp will be asked to send: the message type when it names a kind (`audio`,
 * `sticker`…), else `content.media_type` (`media`), else `content.type` (`story`), else the
 * family of `content.mimetype`, else a document.
 */
export function mediaKindOf(type: string, content: Record<string, unknown>): MediaKind {
  if (isKind(type)) return type;
  if (isKind(content.media_type)) return content.media_type;
  if (isKind(content.type)) return content.type;
  const family = typeof content.mimetype === 'string' ? content.mimetype.split('/')[0] : undefined;
  if (family === 'image' || family === 'video' || family === 'audio') return family;
  return 'document';
}

/** Whether WhatsApp accepts this media type for the kind (documents take anything). */
export function allowedFor(kind: MediaKind, mediaType: string): boolean {
  switch (kind) {
    case 'image':
      return mediaType.startsWith('image/') && mediaType !== 'image/svg+xml';
    case 'sticker':
      return mediaType === 'image/webp' || mediaType === 'image/png';
    case 'video':
      return mediaType.startsWith('video/');
    case 'audio':
      return mediaType.startsWith('audio/') || mediaType === 'application/ogg';
    case 'document':
      return true;
  }
}

/** The media type of a few formats WhatsApp sends, from their first bytes. */
export function sniffMediaType(bytes: Buffer): string | undefined {
  const ascii = (from: number, to: number) => bytes.subarray(from, to).toString('latin1');
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
  if (ascii(4, 8) === 'ftyp') return 'video/mp4';
  return undefined;
}

/**
 * Decides the stored content type. A specific type announced by the server (or a data URL)
 * must suit the kind; a generic or missing one falls back to the declared `mimetype`, then
 * to the bytes themselves. Throws PermanentError('media_type_not_allowed').
 */
export function resolveContentType(
  kind: MediaKind,
  announced: string,
  declared: string | undefined,
  bytes: Buffer,
): string {
  const declaredType = declared?.split(';')[0]?.trim().toLowerCase();
  const candidates = generic.has(announced) ? [declaredType, sniffMediaType(bytes)] : [announced];
  const chosen = candidates.find((c): c is string => Boolean(c) && allowedFor(kind, c as string));
  if (chosen) return chosen;
  if (kind === 'document') return declaredType || 'application/octet-stream';
  const seen = candidates.filter(Boolean).join(', ') || 'unknown';
  throw new PermanentError('media_type_not_allowed', `${seen} is not an allowed ${kind} type`);
}
