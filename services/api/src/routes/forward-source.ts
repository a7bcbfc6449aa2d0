import { forwardCopy } from '@turbozap/shared/contracts/forward';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { ApiDeps } from '../deps.ts';
import { byId } from '../http/by-id.ts';

/**
 * A forward is accepted only for a stored message of the same instance that can be sent again:
 * a 202 for one that could never go out would be a promise the pipeline cannot keep.
 */
export async function assertForwardable(db: ApiDeps['db'], instanceId: string, id: string): Promise<void> {
  const row = await byId(
    id,
    (uuid) => messagesRepo.view(db, instanceId, uuid),
    () => new AppError('message_not_found', 'message not found', 404),
  );
  const copy = forwardCopy(row);
  if ('refused' in copy) throw new AppError('message_not_forwardable', copy.refused, 400);
}
