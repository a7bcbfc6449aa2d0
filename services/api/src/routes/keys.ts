import { apiKeysRepo } from '@turbozap/shared/db/repositories/api-keys';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { AppError } from '@turbozap/shared/errors/app-error';
import { z } from 'zod';
import { byId } from '../http/by-id.ts';
import type { Define } from '../http/route.ts';
import { timestamp } from '../views/timestamp.ts';

/** A key as the API tells it: never the key itself (only its creation answers that, once). */
const keySchema = z.object({
  id: z.string(),
  kind: z.enum(['admin', 'instance']),
  /** The instance an instance key reaches (null once that instance is deleted). */
  instance: z.object({ id: z.string(), name: z.string() }).nullable(),
  label: z.string().nullable(),
  created_at: timestamp,
  /** When it stopped working; null while it works. */
  revoked_at: timestamp.nullable(),
});

/**
 * API keys kept in the database (admin keys of `turbozap keys`, instance keys). API_KEY keys are
 * configuration, not rows: they are not listed. Revoking takes effect on every replica within
 * 10 s (each remembers answers that long).
 */
export function keyRoutes(define: Define): void {
  define({
    method: 'get',
    path: '/keys',
    summary: 'API keys in the database, revoked ones included (never the keys themselves)',
    tag: 'keys',
    access: 'admin',
    response: z.array(keySchema),
    async handler({ deps }) {
      const [keys, instances] = await Promise.all([apiKeysRepo.list(deps.db), instancesRepo.list(deps.db)]);
      const names = new Map(instances.map((i) => [i.id, i.name]));
      return keys.map((k) => {
        const name = names.get(k.scope);
        return {
          id: k.id,
          kind: k.scope === 'admin' ? ('admin' as const) : ('instance' as const),
          instance: name === undefined ? null : { id: k.scope, name },
          label: k.label,
          created_at: k.created_at,
          revoked_at: k.revoked_at,
        };
      });
    },
  });

  define({
    method: 'post',
    path: '/keys',
    summary: 'A new key for an instance; the key is in this answer only',
    tag: 'keys',
    access: 'admin',
    body: z.object({ instance: z.string().min(1).max(64), label: z.string().max(200).optional() }),
    successStatus: 201,
    response: z.object({ id: z.string(), key: z.string(), instance: z.object({ id: z.string(), name: z.string() }) }),
    async handler({ body, deps }) {
      const instance = await instancesRepo.byName(deps.db, body.instance);
      if (!instance) throw new AppError('instance_not_found', 'instance not found', 404);
      const { row, key } = await apiKeysRepo.create(deps.db, instance.id, body.label ?? null);
      return { id: row.id, key, instance: { id: instance.id, name: instance.name } };
    },
  });

  define({
    method: 'delete',
    path: '/keys/:id',
    summary: 'Revoke a key (every replica refuses it within 10 s)',
    tag: 'keys',
    access: 'admin',
    response: z.object({ revoked: z.literal(true) }),
    async handler({ params, deps }) {
      await byId(
        params.id,
        async (id) => (await apiKeysRepo.revoke(deps.db, id)) || undefined,
        () => new AppError('key_not_found', 'no such key, or it is revoked already', 404),
      );
      return { revoked: true as const };
    },
  });
}
