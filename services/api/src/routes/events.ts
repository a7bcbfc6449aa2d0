import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { AppError } from '@turbozap/shared/errors/app-error';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { resumeCursor } from '../events-stream/cursor.ts';
import type { EventHub } from '../events-stream/hub.ts';
import { SseStream } from '../events-stream/sse-stream.ts';
import { StreamSlots } from '../events-stream/stream-slots.ts';
import { StreamTokens, streamTokenTtlMs } from '../events-stream/stream-tokens.ts';
import { Teardown } from '../events-stream/teardown.ts';
import { type Define, isInstanceName } from '../http/route.ts';
import { presentedKey } from '../middleware/auth.ts';
import { KeyResolver } from '../middleware/key-resolver.ts';

/** Events read per replay query; a longer backlog takes several, each sent before the next is read. */
const replayPage = 500;

/** The instance a stream request may read: by its `?token=`, or by its key. */
async function streamInstance(req: Request, deps: ApiDeps, tokens: StreamTokens): Promise<string> {
  const name = String(req.params.name ?? '');
  if (!isInstanceName(name)) throw new AppError('instance_not_found', 'instance not found', 404);
  const token = typeof req.query.token === 'string' ? req.query.token : undefined;
  if (token !== undefined)
    return tokens.redeem(token, async (id) => (await instancesRepo.byId(deps.db, id))?.name === name);
  const principal = await deps.auth.authenticate(req);
  const row = await instancesRepo.byName(deps.db, name);
  if (principal.kind === 'instance' && row?.id !== principal.instanceId)
    throw new AppError('forbidden', 'this key cannot access this resource', 403);
  if (!row) throw new AppError('instance_not_found', 'instance not found', 404);
  return row.id;
}

export function eventRoutes(define: Define, deps: ApiDeps, hub: EventHub): void {
  // Its own resolver: a token checks its key against the database, never the request cache.
  const tokens = new StreamTokens(deps.coordination, new KeyResolver(deps.db, () => deps.config.api.adminKeys));
  const slots = new StreamSlots();

  define({
    method: 'post',
    path: '/instance/:name/events/token',
    summary: 'A short-lived token for this instance event stream (?token=)',
    tag: 'events',
    access: 'instance',
    response: z.object({ token: z.string(), expires_in: z.number().int().describe('seconds') }),
    async handler({ req, instance }) {
      const token = await tokens.mint(instance.id, presentedKey(req) ?? '');
      return { token, expires_in: streamTokenTtlMs / 1000 };
    },
  });

  define({
    method: 'get',
    path: '/events/statuses',
    summary:
      "Every instance's status changes, live (server-sent connection.update events; no replay: read /instance/list first, and again after a reconnect)",
    tag: 'events',
    access: 'admin',
    response: 'event-stream',
    async handler({ res }) {
      const teardown = new Teardown(res);
      teardown.add(slots.take('statuses'));
      // Subscribed before the 200 goes out: a client that has its answer misses nothing after it.
      // No `id:` lines: there is nothing to resume, so a client never sends a Last-Event-ID here.
      const sse = new SseStream(res);
      teardown.add(await hub.subscribeStatuses((event) => sse.live({ ...event, seq: undefined })));
      writeStreamHead(res);
      sse.endReplay();
    },
  });

  define({
    method: 'get',
    path: '/instance/:name/events',
    summary: 'Server-sent events of this instance (QR, status, messages); honours Last-Event-ID',
    tag: 'events',
    access: 'public',
    query: z.object({ token: z.string().max(128).optional(), last_event_id: z.string().max(128).optional() }),
    response: 'event-stream',
    async handler({ req, res, query }) {
      const teardown = new Teardown(res);
      const instanceId = await streamInstance(req, deps, tokens);
      const cursor = await resumeCursor(deps.db, instanceId, req.get('last-event-id') ?? query.last_event_id);
      teardown.add(slots.take(instanceId));
      writeStreamHead(res);
      const sse = new SseStream(res);
      try {
        // Subscribed before the replay reads, so nothing committed in between falls in a gap.
        teardown.add(await hub.subscribe(instanceId, (event) => sse.live(event)));
        if (cursor !== undefined) await replayAfter(deps, instanceId, cursor, sse);
        sse.endReplay();
      } catch (error) {
        // The status is sent: the client can only tell by the stream ending; it reconnects and replays.
        res.destroy();
        throw error;
      }
    },
  });
}

/** The SSE response head every stream sends. */
function writeStreamHead(res: Response): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(': connected\n\n');
}

/** Every event of the instance still in the outbox after `cursor`, in order. */
async function replayAfter(deps: ApiDeps, instanceId: string, cursor: number, sse: SseStream): Promise<void> {
  let after = cursor;
  while (!sse.closed) {
    const rows = await eventsOutboxRepo.after(deps.db, instanceId, after, replayPage);
    for (const row of rows) await sse.replay({ seq: row.seq, event: row.event, data: JSON.stringify(row.envelope) });
    if (rows.length < replayPage) return;
    after = rows[rows.length - 1]?.seq ?? after;
  }
}
