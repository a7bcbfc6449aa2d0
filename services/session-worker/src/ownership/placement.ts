import { createHash } from 'node:crypto';

export interface PlacementWorker {
  id: string;
  /** Instances this worker may own at most (SESSION_WORKER_CAPACITY of that replica). */
  capacity: number;
}

/** Rendezvous (highest random weight) score of a worker for an instance. */
export function hrwScore(instanceId: string, workerId: string): bigint {
  return createHash('sha256').update(instanceId).update('\u0000').update(workerId).digest().readBigUInt64BE(0);
}

/** Workers in the instance's preference order (best first); ties cannot happen in practice, ids break them. */
export function preferenceOrder(instanceId: string, workers: readonly PlacementWorker[]): PlacementWorker[] {
  return workers
    .map((w) => ({ w, score: hrwScore(instanceId, w.id) }))
    .sort((a, b) => (a.score === b.score ? (a.w.id < b.w.id ? -1 : 1) : a.score > b.score ? -1 : 1))
    .map((x) => x.w);
}

/**
 * The most instances one worker is handed (before its own capacity): 1.25 × its fair share,
 * rounded down unless that would not fit everyone — so never above ceil(1.25 × n / workers),
 * and 20 instances on 2 workers split no worse than 12/8.
 */
export function fairShareCap(instances: number, workers: number): number {
  if (workers === 0) return 0;
  return Math.max(Math.ceil(instances / workers), Math.floor((1.25 * instances) / workers));
}

/**
 * Bounded-load rendezvous hashing: each instance goes to its highest-ranked worker that still
 * has room under min(capacity, fair-share cap). Every replica computes the same plan from the
 * same inputs (instances sorted by id), adding a worker moves only the instances it now wins,
 * and no worker is ever handed more than its cap. Instances nobody has room for are left out.
 */
export function planPlacement(
  instanceIds: readonly string[],
  workers: readonly PlacementWorker[],
): Map<string, string> {
  const plan = new Map<string, string>();
  if (workers.length === 0) return plan;
  const sorted = [...new Set(instanceIds)].sort();
  const cap = fairShareCap(sorted.length, workers.length);
  const load = new Map<string, number>(workers.map((w) => [w.id, 0]));
  for (const instanceId of sorted) {
    for (const worker of preferenceOrder(instanceId, workers)) {
      const used = load.get(worker.id) ?? 0;
      if (used < Math.min(worker.capacity, cap)) {
        plan.set(instanceId, worker.id);
        load.set(worker.id, used + 1);
        break;
      }
    }
  }
  return plan;
}
