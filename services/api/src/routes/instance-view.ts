import type { InstanceRow } from '@turbozap/shared/db/schema';

/** The public shape of an instance (snake_case, as API.md). */
export function instanceView(row: InstanceRow) {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    desired_state: row.desired_state,
    jid: row.jid,
    lid: row.lid,
    push_name: row.push_name,
    settings: row.settings,
    owner: row.owner_worker,
    last_activity_at: row.last_activity_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
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
