import { eventData } from '@turbozap/shared/contracts/event-data';
import { eventEnvelope } from '@turbozap/shared/contracts/events';
import { eventsOutboxRepo } from '@turbozap/shared/db/repositories/events-outbox';
import { instanceStatuses } from '@turbozap/shared/db/schema';
import { z } from 'zod';
import type { Define } from '../http/route.ts';

/** One status change, as its `connection.update` event told it. */
const statusChange = z.object({
  status: z.enum(instanceStatuses),
  previous_status: z.enum(instanceStatuses),
  reason: z.string().optional(),
  code: z.number().optional(),
  at: z.string().describe('When the worker saw it (ISO 8601)'),
});

export function instanceHistoryRoutes(define: Define): void {
  define({
    method: 'get',
    path: '/instance/:name/status/history',
    summary:
      'Status changes, newest first, as long as their events are kept (EVENTS_RETENTION_HOURS); live ones arrive as connection.update',
    tag: 'instances',
    access: 'instance',
    query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: z.array(statusChange),
    async handler({ query, instance, deps }) {
      const rows = await eventsOutboxRepo.statusHistory(deps.db, instance.id, query.limit);
      return rows.map(({ envelope }) => {
        const event = eventEnvelope.parse(envelope);
        const data = eventData['connection.update'].parse(event.data);
        return {
          status: data.status,
          previous_status: data.previous_status,
          reason: data.reason,
          code: data.code,
          at: event.timestamp,
        };
      });
    },
  });
}
