import { type EventEnvelope, makeEvent } from '@turbozap/shared/contracts/events';
import type { InstanceRef } from '@turbozap/shared/contracts/instance-ref';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import type { MessageRow } from '@turbozap/shared/db/schema';
import type { Metrics } from '@turbozap/shared/metrics/catalog';
import type { Runtime } from '@turbozap/shared/runtime';
import type { InstanceNames } from '../instance-names.ts';

type Db = Runtime['db'];

export interface FinalizeDeps {
  db: Db;
  metrics: Metrics;
  instances: InstanceNames;
  /** Called with the events a commit wrote to the outbox: publishes them at once. */
  onEvents?: ((envelopes: readonly EventEnvelope[]) => void) | undefined;
}

/** The `message.failed` event for a message that ended `failed` or `expired`. */
export function failedEvent(
  instance: InstanceRef,
  row: Pick<MessageRow, 'id' | 'wa_message_id' | 'remote_jid' | 'type'>,
  status: 'failed' | 'expired',
  reason: string,
) {
  const { id, wa_message_id, remote_jid, type } = row;
  return makeEvent(
    'message.failed',
    instance,
    { id, message_id: id, wa_message_id, remote_jid, type, status, reason },
    row.id,
  );
}

/**
 * Ends a message `failed` (or `expired`) with a machine-readable reason and writes its
 * `message.failed` event in the same transaction. False when the row had already moved on
 * (sent, cancelled, failed elsewhere): then nothing is written.
 */
export async function finalizeMessage(
  deps: FinalizeDeps,
  row: Pick<MessageRow, 'id' | 'instance_id' | 'wa_message_id' | 'remote_jid' | 'type'>,
  status: 'failed' | 'expired',
  reason: string,
): Promise<boolean> {
  const instance = await deps.instances.get(row.instance_id);
  const event = failedEvent(instance, row, status, reason);
  const done = await messagesRepo.endWithEvent(deps.db, row.id, { status, reason }, event);
  if (done) {
    deps.metrics.messagesFailed.inc({ wa_instance: instance.name, reason });
    deps.onEvents?.([event]);
  }
  return done;
}
