import { z } from 'zod';

/**
 * Control messages between replicas (coordination pub/sub, `channels.control` of kv.ts). They
 * are nudges only: the desired state in Postgres is the truth, and workers reconcile towards it
 * on a timer too, so a lost nudge delays a command, never loses it.
 */
export const controlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reconcile'), instanceId: z.string() }),
  z.object({ type: z.literal('outbox'), instanceId: z.string() }),
  /** Close and reconnect (PUT /instance/:name/restart). */
  z.object({ type: z.literal('restart'), instanceId: z.string() }),
  /** The instance's settings changed: its owner reads them again (a new owner reads them at takeover). */
  z.object({ type: z.literal('settings'), instanceId: z.string() }),
]);
export type ControlMessage = z.infer<typeof controlMessage>;
