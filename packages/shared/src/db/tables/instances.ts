import type { ColumnType, Generated, Selectable } from 'kysely';

export const instanceStatuses = [
  'created',
  'connecting',
  'qr_code',
  'connected',
  'disconnected',
  'logged_out',
  'failed',
] as const;
export type InstanceStatus = (typeof instanceStatuses)[number];
/**
 * What the operator asked for; workers reconcile towards it. `logged_out` means unlink the
 * device and forget its credentials (logout/delete), `disconnected` only closes the socket.
 */
export const desiredStates = ['connected', 'disconnected', 'logged_out'] as const;
export type DesiredState = (typeof desiredStates)[number];

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface InstancesTable {
  id: string;
  name: string;
  desired_state: DesiredState;
  status: InstanceStatus;
  jid: string | null;
  lid: string | null;
  push_name: string | null;
  settings: ColumnType<Record<string, unknown>, string, string>;
  /** Fencing: incremented on every acquisition by a session-worker; writes carry it. */
  owner_token: Generated<number>;
  owner_worker: string | null;
  /** Liveness of the current owner, renewed with its lease. */
  owner_seen_at: Timestamp | null;
  last_activity_at: Timestamp | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}
export type InstanceRow = Selectable<InstancesTable>;
