import { z } from 'zod';

/**
 * What a message of each type holds: the API validates a request with it (`messageBodies`) and
 * stores the result as the row's `content`; the session-worker reads that content back with it
 * (`storedContent`) to build what WhatsApp is sent. One schema, so neither side guesses the
 * other's field names.
 */

/** `to`: phone digits (with or without +) or a JID; normalised to a JID. */
export const recipient = z
  .string()
  .trim()
  .max(128)
  .transform((v, ctx) => {
    const digits = v.replace(/^\+/, '').replace(/[\s()-]/g, '');
    if (/^\d{6,15}$/.test(digits)) return `${digits}@s.whatsapp.net`;
    if (/^[\d-]{6,40}@(s\.whatsapp\.net|g\.us|lid|newsletter)$/.test(v) || v === 'status@broadcast') return v;
    ctx.addIssue({ code: 'custom', message: 'a phone number in international format or a WhatsApp JID' });
    return z.NEVER;
  });

const common = {
  to: recipient,
  quoted: z.string().min(1).max(128).optional(),
  mentions: z.array(recipient).max(256).optional(),
  delay_ms: z.number().int().min(0).max(60_000).optional(),
};

const mediaSource = {
  media_url: z
    .url({ protocol: /^https?$/ })
    .max(4096)
    .optional(),
  base64: z.string().max(100_000_000).optional(),
  mimetype: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, 'a MIME type like image/png')
    .optional(),
  filename: z.string().max(255).optional(),
  caption: z.string().max(4096).optional(),
};

const oneSource = (v: { media_url?: string | undefined; base64?: string | undefined }) =>
  Boolean(v.media_url) !== Boolean(v.base64);
const sourceMessage = { message: 'give exactly one of media_url or base64', path: ['media_url'] };

/** The recipient can open it once; WhatsApp has it for images, videos and audio. */
const viewOnce = { view_once: z.boolean().optional() };
const viewableOnce = (v: { media_type: string; view_once?: boolean | undefined }) =>
  !v.view_once || v.media_type !== 'document';
const viewOnceMessage = {
  message: 'a document cannot be view once (images, videos and audio can)',
  path: ['view_once'],
};

/** One schema per message type: the content as stored (the API's validated body, see messageBodies). */
const contents = {
  text: z.object({
    ...common,
    text: z.string().min(1).max(65_536),
    /** false: no preview of the text's first link (on by default; TurboZap fetches it, guarded). */
    link_preview: z.boolean().optional(),
  }),
  media: z.object({
    ...common,
    ...mediaSource,
    ...viewOnce,
    media_type: z.enum(['image', 'video', 'document']).default('image'),
  }),
  audio: z.object({ ...common, ...mediaSource, ...viewOnce, ptt: z.boolean().default(false) }),
  sticker: z.object({ ...common, ...mediaSource }),
  location: z.object({
    ...common,
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().max(256).optional(),
    address: z.string().max(512).optional(),
  }),
  contact: z.object({
    ...common,
    contacts: z
      .array(z.object({ name: z.string().min(1).max(256), phone: z.string().regex(/^\+?\d{6,15}$/) }))
      .min(1)
      .max(20),
  }),
  reaction: z.object({ to: recipient, message_id: z.string().min(1).max(128), emoji: z.string().max(16) }),
  poll: z.object({
    ...common,
    name: z.string().min(1).max(256),
    options: z.array(z.string().min(1).max(100)).min(2).max(12),
    selectable_count: z.number().int().min(0).max(12).default(1),
  }),
  button: z.object({
    ...common,
    text: z.string().min(1).max(1024),
    footer: z.string().max(60).optional(),
    buttons: z
      .array(z.object({ id: z.string().min(1).max(256), text: z.string().min(1).max(20) }))
      .min(1)
      .max(3),
  }),
  list: z.object({
    ...common,
    text: z.string().min(1).max(1024),
    button_text: z.string().min(1).max(20),
    footer: z.string().max(60).optional(),
    sections: z
      .array(
        z.object({
          title: z.string().max(24),
          rows: z
            .array(
              z.object({
                id: z.string().min(1).max(200),
                title: z.string().min(1).max(24),
                description: z.string().max(72).optional(),
              }),
            )
            .min(1)
            .max(10),
        }),
      )
      .min(1)
      .max(10),
  }),
  carousel: z.object({
    ...common,
    text: z.string().max(1024).optional(),
    cards: z
      .array(
        z.object({
          title: z.string().max(256).optional(),
          body: z.string().min(1).max(1024),
          media_url: z.url({ protocol: /^https?$/ }).optional(),
          buttons: z
            .array(z.object({ id: z.string().min(1), text: z.string().min(1).max(20) }))
            .max(2)
            .optional(),
        }),
      )
      .min(1)
      .max(10),
  }),
  edit: z.object({ to: recipient, message_id: z.string().min(1).max(128), text: z.string().min(1).max(65_536) }),
  /** A stored message of the instance (its `id`), sent again to `to` marked forwarded (contracts/forward.ts). */
  forward: z.object({ to: recipient, id: z.string().min(1).max(128) }),
  delete: z.object({
    to: recipient,
    message_id: z.string().min(1).max(128),
    // Deleting only on this device is a different WhatsApp operation, not implemented: false is refused, not ignored.
    for_everyone: z
      .literal(true, { error: 'only true: deleting a message for this device alone is not supported' })
      .default(true),
  }),
} as const;

export type MessageType = keyof typeof contents;
export const messageTypes = Object.keys(contents) as MessageType[];

/**
 * The request body of each `POST /message/:name/<type>`: the content, with media given exactly
 * once (a URL or the bytes in base64).
 */
export const messageBodies = {
  ...contents,
  media: contents.media.refine(oneSource, sourceMessage).refine(viewableOnce, viewOnceMessage),
  audio: contents.audio.refine(oneSource, sourceMessage),
  sticker: contents.sticker.refine(oneSource, sourceMessage),
} as const;

/** Types whose body may carry the media itself (base64): they take up to BODY_LIMIT. */
export const carriesMedia = (type: MessageType): boolean => 'base64' in contents[type].shape;

/**
 * The content as a stored row holds it: the validated body less `to` (the row's `remote_jid`) and
 * less the base64 once the sender-worker stored the media (the row's `media_key` then holds it,
 * and `mimetype` the type it resolved, parameters and all).
 */
const storedMimetype = { mimetype: z.string().max(255).optional() };

/**
 * What the sender-worker found behind a text's first link, for WhatsApp's preview: Baileys is
 * given this, never the URL to fetch itself.
 */
export const linkPreview = z.object({
  /** The link as the text has it (WhatsApp's matchedText). */
  url: z.string().max(4096),
  title: z.string().max(512),
  description: z.string().max(1024).optional(),
  /** A small JPEG (WhatsApp's jpegThumbnail), base64. */
  thumbnail: z.string().max(100_000).optional(),
});
export type LinkPreview = z.infer<typeof linkPreview>;

/** The first http(s) link of a text, without the punctuation a sentence puts after it. */
export function firstLink(text: string): string | undefined {
  return /https?:\/\/[^\s<>"']+/i.exec(text)?.[0].replace(/[.,;:!?)\]}]+$/, '');
}

const withStoredMedia = {
  ...contents,
  // Only the sender-worker writes `preview`: a client's body cannot carry one (messageBodies).
  text: contents.text.extend({ preview: linkPreview.optional() }),
  media: contents.media.extend(storedMimetype),
  audio: contents.audio.extend(storedMimetype),
  sticker: contents.sticker.extend(storedMimetype),
};
type Stored<T extends MessageType> = Omit<z.output<(typeof withStoredMedia)[T]>, 'to'>;
// Object.fromEntries loses the per-type keys; the map is the one above, each less `to`.
const stored = Object.fromEntries(
  Object.entries(withStoredMedia).map(([type, schema]) => [type, (schema as z.ZodObject).omit({ to: true })]),
) as unknown as { [T in MessageType]: z.ZodType<Stored<T>> };

/** A stored content of one type, as `storedContent` reads it back. */
export type StoredContent = { [T in MessageType]: { type: T; content: Stored<T> } }[MessageType];

/**
 * A stored message's `content` read back with its type's schema, for the session-worker to send.
 * Undefined when the type is not one of ours or the content does not fit it (a row written by
 * hand, say): such a message can never be sent.
 */
export function storedContent(type: string, content: unknown): StoredContent | undefined {
  if (!Object.hasOwn(stored, type)) return undefined;
  const parsed = stored[type as MessageType].safeParse(content);
  return parsed.success ? ({ type, content: parsed.data } as StoredContent) : undefined;
}
