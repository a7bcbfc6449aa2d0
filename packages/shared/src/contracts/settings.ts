import { z } from 'zod';

/**
 * An instance's behaviour settings (`instances.settings`): the API validates what a client
 * sends with `settingsPatch` and stores it; the owning session-worker reads the stored value
 * with `resolveSettings` at takeover and whenever the API announces a change.
 */
export const historySync = ['none', 'recent', 'full'] as const;

export const instanceSettings = z.strictObject({
  /** Reject incoming calls at once. */
  reject_calls: z.boolean(),
  /** Text sent to a caller after an automatic rejection; null sends none. */
  reject_call_message: z.string().trim().min(1).max(1024).nullable(),
  /** Group messages are neither stored nor emitted (still acknowledged, so never redelivered). */
  ignore_groups: z.boolean(),
  /** Presence `available` while connected. */
  always_online: z.boolean(),
  /** Received messages are marked read once stored. */
  auto_read_messages: z.boolean(),
  /** Status (status@broadcast) updates are marked read. */
  read_status: z.boolean(),
  /** Which history WhatsApp's library is told to accept at login. */
  sync_history: z.enum(historySync),
});
export type InstanceSettings = z.infer<typeof instanceSettings>;

export const defaultSettings: InstanceSettings = {
  reject_calls: false,
  reject_call_message: null,
  ignore_groups: false,
  always_online: false,
  auto_read_messages: false,
  read_status: false,
  sync_history: 'none',
};

/** What `POST /instance/create` (`settings`) and `PUT /instance/:name/settings` take: any subset, merged. */
export const settingsPatch = z.object(instanceSettings.shape).partial();
export type SettingsPatch = z.infer<typeof settingsPatch>;

/**
 * The settings in force for a stored value: each valid stored key over the defaults. A key that
 * is unknown or of the wrong type (rows written before settings had a schema) counts as unset,
 * so a bad old row never stops an instance from running.
 */
export function resolveSettings(stored: unknown): InstanceSettings {
  const resolved: Record<string, unknown> = { ...defaultSettings };
  if (stored === null || typeof stored !== 'object') return resolved as InstanceSettings;
  const shape = instanceSettings.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(stored)) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    const parsed = field?.safeParse(value);
    if (parsed?.success) resolved[key] = parsed.data;
  }
  return resolved as InstanceSettings;
}
