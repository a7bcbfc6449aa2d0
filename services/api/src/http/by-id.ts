import type { AppError } from '@turbozap/shared/errors/app-error';
import { z } from 'zod';

const uuid = z.uuid();

/**
 * What a path id names, or `notFound()`: an id that is not a UUID names nothing and is never
 * queried, so a malformed one costs no round trip and cannot reach a uuid column's cast error.
 */
export async function byId<T>(
  id: string | undefined,
  find: (id: string) => Promise<T | undefined | null>,
  notFound: () => AppError,
): Promise<T> {
  const found = uuid.safeParse(id).success && id !== undefined ? await find(id) : undefined;
  if (found === undefined || found === null) throw notFound();
  return found;
}
