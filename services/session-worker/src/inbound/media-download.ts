import { Transform, type TransformCallback } from 'node:stream';
import { extractMessageContent, getContentType, type WAMessage } from '@whiskeysockets/baileys';

/** WhatsApp's media hosts (mmg.whatsapp.net, media-*.cdn.whatsapp.net, …). */
const whatsappMediaHost = /^(?:[a-z0-9-]+\.)*whatsapp\.net$/i;

export class MediaTooLargeError extends Error {
  constructor(maxBytes: number) {
    super(`media larger than ${maxBytes} bytes`);
    this.name = 'MediaTooLargeError';
  }
}

/**
 * The host an incoming message's media may be fetched from, or undefined when the message names
 * another. Baileys takes the host from the message's own `url`, which the sending contact
 * writes: any contact could otherwise aim the worker's download at an internal address.
 */
export function mediaDownloadHost(msg: WAMessage, extraHosts: ReadonlySet<string> = new Set()): string | undefined {
  const content = extractMessageContent(msg.message);
  const type = content ? getContentType(content) : undefined;
  const media = type ? (content?.[type] as { url?: string | null } | undefined) : undefined;
  if (!media?.url) return 'mmg.whatsapp.net';
  let url: URL;
  try {
    url = new URL(media.url);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.port || url.username || url.password) return undefined;
  return whatsappMediaHost.test(url.hostname) || extraHosts.has(url.hostname) ? url.hostname : undefined;
}

/** Passes bytes through and fails once more than `maxBytes` went by: a sender's declared size is not trusted. */
export function byteCap(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) done(new MediaTooLargeError(maxBytes));
      else done(null, chunk);
    },
  });
}
