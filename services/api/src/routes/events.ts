import { randomBytes } from 'node:crypto';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { Request } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import type { EventHub } from '../events-stream/hub.ts';
import { ok } from '../http/envelope.ts';
import { type Define, isInstanceName } from '../http/route.ts';

const tokenTtlMs = 5 * 60_000;

/** A stream token stands in for the API key where EventSource cannot send headers. */
async function streamInstance(req: Request, deps: ApiDeps): Promise<string> {
  const name = String(req.params.name ?? '');
  if (!isInstanceName(name)) throw new AppError('instance_not_found', 'instance not found', 404);
  const token = typeof req.query.token === 'string' ? req.query.token : undefined;
  if (token && /^[A-Za-z0-9_-]{20,64}$/.test(token)) {
    const instanceId = await deps.runtime.coordination.getValue(`stream-token:${token}`);
    const row = instanceId ? await instancesRepo.byId(deps.runtime.db, instanceId) : undefined;
    if (row && row.name === name) return row.id;
    throw new AppError('unauthorized', 'invalid or expired stream token', 401);
  }
  const principal = await deps.auth.authenticate(req);
  const row = await instancesRepo.byName(deps.runtime.db, name);
  if (principal.kind === 'instance' && row?.id !== principal.instanceId)
    throw new AppError('forbidden', 'this key cannot access this resource', 403);
  if (!row) throw new AppError('instance_not_found', 'instance not found', 404);
  return row.id;
}

export function eventRoutes(define: Define, deps: ApiDeps, hub: EventHub): void {
  define({
    method: 'post',
    path: '/instance/:name/events/token',
    summary: 'A short-lived token for this instance event stream (?token=)',
    tag: 'events',
    access: 'instance',
    async handler({ res, instance }) {
      const token = randomBytes(24).toString('base64url');
      await deps.runtime.coordination.setValue(`stream-token:${token}`, instance.id, tokenTtlMs);
      ok(res, { token, expires_in: tokenTtlMs / 1000 });
    },
  });

  define({
    method: 'get',
    path: '/instance/:name/events',
    summary: 'Server-sent events of this instance (QR, status, messages); honours Last-Event-ID',
    tag: 'events',
    access: 'public',
    query: z.object({ token: z.string().max(128).optional() }),
    async handler({ req, res }) {
      const instanceId = await streamInstance(req, deps);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write(': connected\n\n');
      const write = (id: string, event: string, data: string) =>
        res.write(`id: ${id}\nevent: ${event}\ndata: ${data}\n\n`);
      const unsubscribe = await hub.subscribe(instanceId, write);
      const lastId = req.get('last-event-id');
      if (lastId) await replaySince(deps, instanceId, lastId, write);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(keepAlive);
        void unsubscribe();
      });
    },
  });
}

/** Events after `lastId` still in the events outbox, so a reconnecting client misses none. */
async function replaySince(
  deps: ApiDeps,
  instanceId: string,
  lastId: string,
  write: (id: string, e: string, d: string) => void,
) {
  const { db } = deps.runtime;
  const last = await db.selectFrom('events_outbox').select('created_at').where('id', '=', lastId).executeTakeFirst();
  if (!last) return;
  const rows = await db
    .selectFrom('events_outbox')
    .selectAll()
    .where('instance_id', '=', instanceId)
    .where('created_at', '>', last.created_at)
    .orderBy('created_at')
    .limit(1000)
    .execute();
  for (const row of rows) write(row.id, row.event, JSON.stringify(row.envelope));
}
