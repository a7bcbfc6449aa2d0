import type { proto } from '@whiskeysockets/baileys';

const IGNORED = new Set(['messageContextInfo', 'senderKeyDistributionMessage']);

/** WhatsApp's view-once wrappers: the content is inside, the wrapper is what makes it view once. */
const viewOnceInner = (m: proto.IMessage) =>
  (m.viewOnceMessage ?? m.viewOnceMessageV2 ?? m.viewOnceMessageV2Extension)?.message ?? undefined;

export interface Described {
  type: string;
  text?: string;
  viewOnce?: true;
  /** WhatsApp's forwarding score, when the message is marked forwarded (contextInfo.isForwarded). */
  forwardingScore?: number;
  linkPreview?: LinkPreviewSeen;
}

/** A text's link preview as the recipient's phone shows it (WhatsApp's fields of extendedTextMessage). */
export interface LinkPreviewSeen {
  matchedText?: string;
  title?: string;
  description?: string;
  /** Size of the JPEG thumbnail the message carries, in bytes. */
  thumbnailBytes?: number;
}

function previewOf(m: proto.Message.IExtendedTextMessage): { linkPreview?: LinkPreviewSeen } {
  if (!m.matchedText && !m.title) return {};
  const seen: LinkPreviewSeen = {};
  if (m.matchedText) seen.matchedText = m.matchedText;
  if (m.title) seen.title = m.title;
  if (m.description) seen.description = m.description;
  if (m.jpegThumbnail?.length) seen.thumbnailBytes = m.jpegThumbnail.length;
  return { linkPreview: seen };
}

type Body = { caption?: string | null; text?: string | null; contextInfo?: proto.IContextInfo | null } | undefined;

const forwarding = (body: Body): { forwardingScore?: number } =>
  body?.contextInfo?.isForwarded ? { forwardingScore: body.contextInfo.forwardingScore ?? 0 } : {};

/**
 * Kind and text of a decrypted message: `{type: 'text', text}` for texts, else e.g. `image` (+
 * caption), with `viewOnce` when it came in a view-once wrapper and `forwardingScore` when forwarded.
 */
export function describeMessage(message: proto.IMessage): Described {
  const inner = viewOnceInner(message);
  if (inner) return { ...describeMessage(inner), viewOnce: true };
  if (message.conversation) return { type: 'text', text: message.conversation };
  const extended = message.extendedTextMessage;
  if (extended?.text) return { type: 'text', text: extended.text, ...forwarding(extended), ...previewOf(extended) };
  const key = Object.keys(message).find(
    (k) => !IGNORED.has(k) && (message as Record<string, unknown>)[k] != null && /Message(V\d+)?$/.test(k),
  );
  if (!key) return { type: 'unknown' };
  const body = (message as Record<string, Body>)[key];
  const text = body?.caption ?? body?.text;
  // versioned kinds (pollCreationMessageV3) are the same kind to a reader of the inbox
  return { type: key.replace(/Message(V\d+)?$/, ''), ...(text ? { text } : {}), ...forwarding(body) };
}
