import createClient, { type Client } from 'openapi-fetch';
import { TurboZapError } from './errors.ts';
import { type StreamOptions, streamEvents } from './events.ts';
import type { paths } from './openapi.ts';

export { TurboZapError } from './errors.ts';
export type { StreamOptions } from './events.ts';
export type { components, operations, paths, webhooks } from './openapi.ts';
export { type EventName, type EventOf, type TurboZapEvent, verifyWebhook } from './webhook.ts';

export interface TurboZapOptions {
  /** Where the API is (`http://localhost:8080`); empty for the page's own origin. */
  baseUrl?: string;
  /** An admin key, or an instance key (which reaches only its instance). */
  apiKey: string;
  /** A fetch of your own (tests, proxies); the global one otherwise. */
  fetch?: typeof fetch;
}

export interface TurboZap {
  /** Every route, typed from the API's OpenAPI document: `api.GET('/api/instance/{name}/status', …)`. */
  api: Client<paths>;
  /** Reads an instance's events, resuming after drops (see events.ts). */
  streamEvents(instance: string, options: StreamOptions): Promise<void>;
  /**
   * Every instance's status changes (admin keys), live only: read the list in `onOpen`, which
   * runs on every (re)connection, then apply each `connection.update`.
   */
  streamStatuses(options: StreamOptions): Promise<void>;
  /**
   * A URL for `new EventSource(url)`, which cannot send headers: it carries a single-use token
   * minted with the key, so the key never appears in a URL. One per connection.
   */
  eventSourceUrl(instance: string): Promise<string>;
}

export function createTurboZap(options: TurboZapOptions): TurboZap {
  const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  const fetcher = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const api = createClient<paths>({ baseUrl, headers: { 'X-API-Key': options.apiKey }, fetch: fetcher });
  const connection = { baseUrl, apiKey: options.apiKey, fetch: fetcher };
  return {
    api,
    streamEvents: (instance, streamOptions) =>
      streamEvents(connection, `/api/instance/${encodeURIComponent(instance)}/events`, streamOptions),
    streamStatuses: (streamOptions) => streamEvents(connection, '/api/events/statuses', streamOptions),
    async eventSourceUrl(instance) {
      const { token } = await unwrap(
        api.POST('/api/instance/{name}/events/token', { params: { path: { name: instance } } }),
      );
      return `${baseUrl}/api/instance/${encodeURIComponent(instance)}/events?token=${encodeURIComponent(token)}`;
    },
  };
}

/**
 * The `data` of a success; a TurboZapError (with the API's `code`) otherwise:
 * `const status = await unwrap(tz.api.GET('/api/instance/{name}/status', { params: { path: { name } } }))`.
 */
export async function unwrap<T>(
  request: Promise<{ data?: { data: T }; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await request;
  if (response.ok && data) return data.data;
  throw TurboZapError.from(response, error);
}
