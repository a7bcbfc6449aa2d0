import { countKeys, type MinuteTally, minuteTallies } from '@turbozap/shared/contracts/kv';
import { queues } from '@turbozap/shared/contracts/queues';
import { beatingWorkers } from '@turbozap/shared/coordination/liveness';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import type { Define } from '../http/route.ts';
import { liveConnection } from '../views/instance.ts';
import { timestamp } from '../views/timestamp.ts';

const count = z.number().int();

/** The whole minutes shown before the current one. */
const minutesShown = 5;
const minuteCounts = z.object({
  minute: timestamp.describe('When the minute began'),
  /** False for the current minute, still counting. */
  complete: z.boolean(),
  ...(Object.fromEntries(minuteTallies.map((k) => [k, count])) as Record<MinuteTally, typeof count>),
});

/** The cluster's counts of the last few minutes, oldest first, and of the current one so far. */
async function perMinute(deps: ApiDeps) {
  const current = Math.floor(Date.now() / 60_000);
  const minutes = Array.from({ length: minutesShown + 1 }, (_, i) => current - minutesShown + i);
  const counted = await deps.coordination.readCounts(minutes.map(countKeys.minute));
  return minutes.map((minute, i) => ({
    minute: new Date(minute * 60_000),
    complete: minute !== current,
    ...(Object.fromEntries(minuteTallies.map((k) => [k, counted[i]?.[k] ?? 0])) as Record<MinuteTally, number>),
  }));
}

/**
 * What the Grafana "principal" dashboard shows first, for someone without Grafana: instances
 * expected and connected (connected as GET /instance/NAME/status tells it: a live owner), each
 * session-worker with its instances, the depth of the plan's two queues, and what the whole
 * cluster sent, received and delivered by webhook in each of the last minutes (every process adds
 * its counters to Redis every 5 s: cluster-tally.ts).
 */
export function clusterRoutes(define: Define): void {
  define({
    method: 'get',
    path: '/cluster',
    summary:
      'Instances expected and connected, session-workers and their instances, queue depths, messages and webhooks per minute (read-only)',
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
      /** Cluster-wide, oldest first: the last 5 whole minutes, then the current one so far (up to 5 s behind). */
      per_minute: z.array(minuteCounts),
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
        per_minute: await perMinute(deps),
      };
    },
  });
}
