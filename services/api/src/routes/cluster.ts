import { queues } from '@turbozap/shared/contracts/queues';
import { beatingWorkers } from '@turbozap/shared/coordination/liveness';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { z } from 'zod';
import type { Define } from '../http/route.ts';
import { liveConnection } from '../views/instance.ts';

const count = z.number().int();

/**
 * What the Grafana "principal" dashboard shows first, for someone without Grafana: instances
 * expected and connected (connected as GET /instance/NAME/status tells it: a live owner), each
 * session-worker with its instances, and the depth of the plan's two queues. Rates stay in
 * Prometheus: each replica counts only its own.
 */
export function clusterRoutes(define: Define): void {
  define({
    method: 'get',
    path: '/cluster',
    summary: 'Instances expected and connected, session-workers and their instances, queue depths (read-only)',
    tag: 'cluster',
    access: 'admin',
    response: z.object({
      instances: z.object({
        total: count,
        /** Asked to be connected (`desired_state`), as `turbozap_instances_expected`. */
        expected: count,
        connected: count,
        by_status: z.record(z.string(), count),
      }),
      workers: z.array(
        z.object({
          id: z.string(),
          instances: count,
          /** Since its last heartbeat; null where the coordination cannot tell. */
          beat_age_ms: z.number().nullable(),
        }),
      ),
      /** Messages waiting, as `turbozap_queue_messages_pending`; null when the broker did not answer. */
      queues: z.array(z.object({ name: z.string(), pending: count.nullable() })),
    }),
    async handler({ deps }) {
      const [rows, workers] = await Promise.all([instancesRepo.list(deps.db), deps.coordination.liveWorkers()]);
      const beating = beatingWorkers(workers);
      const byStatus: Record<string, number> = {};
      const byOwner = new Map<string, number>();
      for (const row of rows) {
        const { status, owner } = liveConnection(row.status, row.owner_worker, beating);
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        if (owner) byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
      }
      const depths = await Promise.all(
        [queues.send, queues.webhooks].map(async (name) => ({
          name,
          pending: await deps.broker.depth(name).catch(() => null),
        })),
      );
      return {
        instances: {
          total: rows.length,
          expected: rows.filter((r) => r.desired_state === 'connected').length,
          connected: byStatus['connected'] ?? 0,
          by_status: byStatus,
        },
        workers: workers
          .filter((w) => beating.has(w.id))
          .map((w) => ({ id: w.id, instances: byOwner.get(w.id) ?? 0, beat_age_ms: w.beatAgeMs }))
          .sort((a, b) => a.id.localeCompare(b.id)),
        queues: depths,
      };
    },
  });
}
