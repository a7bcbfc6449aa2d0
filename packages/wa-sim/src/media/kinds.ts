import type { MediaType } from '@whiskeysockets/baileys';

/** Message fields that carry downloadable media → the media type their keys are derived for. */
export const MEDIA_FIELDS = {
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'ptv',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
} as const satisfies Record<string, MediaType>;

export type MediaField = keyof typeof MEDIA_FIELDS;

/** What a simulated phone can send. */
export const SENDABLE = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type SendableKind = (typeof SENDABLE)[number];

/** Upload path per kind, as Baileys' MEDIA_PATH_MAP (stickers go where images go). */
export const UPLOAD_KIND: Record<SendableKind, string> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  document: 'document',
  sticker: 'image',
};

export const DEFAULT_MIMETYPE: Record<SendableKind, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
};
