import type { Config } from '@turbozap/shared/config/config';
import { PermanentError } from '@turbozap/shared/errors/app-error';
import { fetchMediaUrl, MediaFetchError } from '@turbozap/shared/net';
import type { MiscMessageGenerationOptions } from '@whiskeysockets/baileys';
import type { ContentDeps } from './content-mapper.ts';

/** Bounds a fetch made inside a send pass: the pass holds the instance's Signal-key transaction meanwhile. */
const URL_MEDIA_TIMEOUT_MS = 30_000;

/**
 * ContentDeps' URL fetch under the configuration's guard and cap. A refusal that retrying cannot
 * change ends the message `failed` with the fetch's reason; a transient one is retried as a send.
 */
export function urlMedia(media: Config['media']): ContentDeps['fetchMedia'] {
  return async (url) => {
    try {
      const { allowPrivateTargets: allowPrivate, maxBytes } = media;
      return await fetchMediaUrl(url, { allowPrivate, maxBytes, timeoutMs: URL_MEDIA_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof MediaFetchError && !error.transient) throw new PermanentError(error.reason, error.message);
      throw error;
    }
  };
}

/**
 * Send options that keep Baileys from fetching a link in a text for its preview (it does, with
 * no guard, once the optional `link-preview-js` is installed). Not in the option type Baileys
 * declares for sendMessage, though it honours it.
 */
export const noLinkPreview = { getUrlInfo: async () => undefined } as MiscMessageGenerationOptions;
