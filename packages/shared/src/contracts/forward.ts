import type { MessageRow } from '../db/tables/messages.ts';
import { type StoredContent, storedContent } from './message-content.ts';

/**
 * What forwarding a stored message sends, decided in one place: the API refuses at once what
 * could never be forwarded, and the session-worker builds the copy with the same rule.
 */
type Source = Pick<MessageRow, 'direction' | 'type' | 'content' | 'media_key'>;

/** The copy: the content a send of the same thing would hold, and the stored media it takes. */
export interface ForwardCopy {
  stored: StoredContent;
  mediaKey: string | null;
}

const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A received message's content in the shape of the send that would make it (the mapper's names). */
function receivedAsSend(type: string, c: Record<string, unknown>): { type: string; content: Record<string, unknown> } {
  switch (type) {
    case 'image':
    case 'video':
    case 'document':
      return {
        type: 'media',
        content: defined({
          media_type: type,
          caption: text(c.caption),
          mimetype: text(c.mimetype),
          filename: text(c.filename),
        }),
      };
    case 'audio':
      return { type: 'audio', content: defined({ ptt: c.ptt === true, mimetype: text(c.mimetype) }) };
    case 'sticker':
      return { type: 'sticker', content: defined({ mimetype: text(c.mimetype) }) };
    default:
      return { type, content: defined({ text: text(c.text) }) };
  }
}

const FORWARDABLE = new Set(['text', 'media', 'audio', 'sticker']);

/** The copy of a stored message, or why it cannot be forwarded. */
export function forwardCopy(source: Source): ForwardCopy | { refused: string } {
  if (source.content.view_once === true) return { refused: 'a view-once message cannot be forwarded' };
  const raw =
    source.direction === 'inbound'
      ? receivedAsSend(source.type, source.content)
      : { type: source.type, content: source.content };
  if (!FORWARDABLE.has(raw.type))
    return { refused: `a ${source.type} message cannot be forwarded (texts and media can)` };
  // A forward is the content alone: not a reply, mentioning no one, its media the stored file.
  const { quoted: _q, mentions: _m, base64: _b, media_url: _u, ...content } = raw.content;
  const stored = storedContent(raw.type, content);
  if (!stored) return { refused: 'its content cannot be sent again' };
  if (raw.type === 'text') return { stored, mediaKey: null };
  if (!source.media_key) return { refused: 'its media is not stored' };
  return { stored, mediaKey: source.media_key };
}

/**
 * WhatsApp's forwarding score of the copy: one more than the received message had (it says so in
 * `forwarding_score`, or only `forwarded`). Like WhatsApp's own clients, a message this number sent
 * itself is forwarded without the mark: the recipients' "Forwarded" means "not written by the sender".
 */
export function forwardingScore(source: Source): number {
  if (source.direction === 'outbound') return 0;
  const had = source.content.forwarding_score;
  const prior = typeof had === 'number' && had > 0 ? had : source.content.forwarded === true ? 1 : 0;
  return prior + 1;
}
