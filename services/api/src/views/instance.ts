import { instanceSettings, resolveSettings } from '@turbozap/shared/contracts/settings';
import { desiredStates, type InstanceRow, type InstanceStatus, instanceStatuses } from '@turbozap/shared/db/schema';
import { z } from 'zod';
import { timestamp } from './timestamp.ts';

/** The public shape of an instance (snake_case, as API.md). */
export const instanceSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** What the connection is now (see `liveConnection`). */
  status: z.enum(instanceStatuses),
  desired_state: z.enum(desiredStates),
  jid: z.string().nullable(),
  lid: z.string().nullable(),
  push_name: z.string().nullable(),
  /** The settings in force, defaults included (GET /instance/:name/settings). */
  settings: instanceSettings,
  /** The session-worker holding the connection; null while none that is alive does. */
  owner: z.string().nullable(),
  last_activity_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});
export type InstanceView = z.input<typeof instanceSchema>;

export function instanceView(row: InstanceRow): InstanceView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    desired_state: row.desired_state,
    jid: row.jid,
    lid: row.lid,
    push_name: row.push_name,
    settings: resolveSettings(row.settings),
    owner: row.owner_worker,
    last_activity_at: row.last_activity_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/**
 * What a reader may be told about the connection now: `connected` only while its owner is a
 * worker that is beating (a row says `connected` from the last write of a process that may have
 * died since, and its lease outlives it by up to a TTL). Without a live owner the connection is
 * `connecting` — a new owner is on its way — and there is no owner to name.
 */
export function liveConnection(
  status: InstanceStatus,
  owner: string | null,
  beating: ReadonlySet<string>,
): { status: InstanceStatus; owner: string | null } {
  const live = owner !== null && beating.has(owner);
  return { status: status === 'connected' && !live ? 'connecting' : status, owner: live ? owner : null };
}

/** The public shape, with status and owner as `liveConnection` tells them. */
export function liveInstanceView(row: InstanceRow, beating: ReadonlySet<string>): InstanceView {
  return { ...instanceView(row), ...liveConnection(row.status, row.owner_worker, beating) };
}

export const reservedInstanceNames = new Set([
  'create',
  'list',
  'events',
  'all',
  'pending',
  'health',
  'ready',
  'metrics',
]);
