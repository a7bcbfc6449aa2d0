import { AppError } from '@turbozap/shared/errors/app-error';
import { z } from 'zod';
import type { Define } from '../http/route.ts';

export function authRoutes(define: Define): void {
  define({
    method: 'get',
    path: '/auth/me',
    summary: 'Who this key is: an admin key, or the instance an instance key reaches',
    tag: 'auth',
    access: 'key',
    response: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('admin') }),
      z.object({ kind: z.literal('instance'), instance: z.object({ id: z.string(), name: z.string() }) }),
    ]),
    async handler({ principal, deps }) {
      if (principal.kind === 'admin') return { kind: 'admin' as const };
      const row = await deps.instances.byId(principal.instanceId);
      // A key outlives nothing: its instance's delete revokes it; this is the moment between.
      if (!row) throw new AppError('unauthorized', 'missing or invalid API key', 401);
      return { kind: 'instance' as const, instance: { id: row.id, name: row.name } };
    },
  });
}
