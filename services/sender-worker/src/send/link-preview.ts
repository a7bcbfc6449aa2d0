import { firstLink, type LinkPreview, linkPreview } from '@turbozap/shared/contracts/message-content';
import type { Logger } from '@turbozap/shared/logging/logger';
import { isUnsafeTargetError, type ResolveAll, safeGet } from '@turbozap/shared/net';
import { Parser } from 'htmlparser2';
import sharp from 'sharp';
import type { Agent } from 'undici';

export interface LinkPreviewOptions {
  agent: Agent;
  /** ALLOW_PRIVATE_NETWORK_TARGETS. */
  allowPrivate: boolean;
  /** MEDIA_MAX_BYTES: the preview's image is capped by it too. */
  maxBytes: number;
  logger: Logger;
  resolve?: ResolveAll | undefined;
}

/** A preview is a nicety: each fetch is short, so a slow site delays its message little. */
const TIMEOUT_MS = 5_000;
/** Enough for the head of any page, where the tags are. */
const PAGE_MAX_BYTES = 1024 * 1024;
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** WhatsApp's thumbnail width (Baileys' default, linkPreviewImageThumbnailWidth). */
const THUMBNAIL_WIDTH = 192;

interface PageTags {
  title?: string;
  description?: string;
  image?: string;
}

/** Open Graph first, then Twitter's cards, then the page's own title and description. */
function pageTags(html: string): PageTags {
  const meta = new Map<string, string>();
  let title = '';
  let inTitle = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'title') inTitle = true;
        const key = (attrs.property ?? attrs.name ?? '').toLowerCase();
        if (name === 'meta' && key && attrs.content && !meta.has(key)) meta.set(key, attrs.content.trim());
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  const first = (...keys: string[]) => keys.map((k) => meta.get(k)).find((v) => v);
  const tags: PageTags = {};
  const found = first('og:title', 'twitter:title') ?? (title.trim() || undefined);
  const description = first('og:description', 'twitter:description', 'description');
  const image = first('og:image', 'og:image:url', 'og:image:secure_url', 'twitter:image');
  if (found) tags.title = found;
  if (description) tags.description = description;
  if (image) tags.image = image;
  return tags;
}

/**
 * WhatsApp's preview of a text's first link: title, description and a small JPEG thumbnail,
 * fetched here through the SSRF guard with size caps and short timeouts — Baileys is handed the
 * result, never the URL. Best effort: whatever fails, the text goes without a preview.
 */
export class LinkPreviewer {
  readonly #options: LinkPreviewOptions;

  constructor(options: LinkPreviewOptions) {
    this.#options = options;
  }

  async of(text: string): Promise<LinkPreview | undefined> {
    const url = firstLink(text);
    if (!url) return undefined;
    try {
      const page = await this.#get(url, PAGE_MAX_BYTES);
      if (page.contentType !== 'text/html' && page.contentType !== 'application/xhtml+xml') return undefined;
      const tags = pageTags(page.body.toString('utf8'));
      if (!tags.title) return undefined;
      // A page whose image cannot be had still gets its title and description.
      const thumbnail = tags.image ? await this.#thumbnail(tags.image, page.url).catch(() => undefined) : undefined;
      // Held to the stored schema here: a preview the session-worker could not read would fail the text.
      const preview = linkPreview.safeParse({
        url,
        title: tags.title.slice(0, 512),
        ...(tags.description ? { description: tags.description.slice(0, 1024) } : {}),
        ...(thumbnail ? { thumbnail } : {}),
      });
      return preview.success ? preview.data : undefined;
    } catch (error) {
      // The URL is part of the message's text: only why, never where.
      this.#options.logger.info('no link preview', { reason: reason(error) });
      return undefined;
    }
  }

  async #thumbnail(src: string, page: string): Promise<string | undefined> {
    const image = await this.#get(new URL(src, page).toString(), Math.min(IMAGE_MAX_BYTES, this.#options.maxBytes));
    if (!image.contentType.startsWith('image/')) return undefined;
    const jpeg = await sharp(image.body, { limitInputPixels: 40_000_000 })
      .resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true })
      .jpeg({ quality: 60 })
      .toBuffer();
    return jpeg.toString('base64');
  }

  #get(url: string, maxBytes: number) {
    const { agent, allowPrivate, resolve } = this.#options;
    return safeGet(url, {
      agent,
      allowPrivate,
      maxBytes,
      timeoutMs: TIMEOUT_MS,
      ...(resolve ? { resolve } : {}),
      headers: { accept: 'text/html,application/xhtml+xml,image/*;q=0.8' },
    });
  }
}

const reason = (error: unknown): string =>
  isUnsafeTargetError(error) ? error.reason : ((error as { failure?: string }).failure ?? 'unreadable');
