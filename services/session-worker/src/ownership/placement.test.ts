import { createHash, randomUUID } from 'node:crypto';
import { fairShareCap, type PlacementWorker, planPlacement } from './placement.ts';

/** Stable uuid-shaped ids, so the balance assertions are about a fixed input, not luck. */
const ids = (n: number, seed: string) =>
  Array.from({ length: n }, (_, i) => {
    const h = createHash('sha256').update(`${seed}:${i}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  });
const worker = (id: string, capacity = 200): PlacementWorker => ({ id, capacity });
const counts = (plan: Map<string, string>) => {
  const c: Record<string, number> = {};
  for (const w of plan.values()) c[w] = (c[w] ?? 0) + 1;
  return c;
};

describe('placement (bounded-load rendezvous hashing)', () => {
  test('20 instances on 2 workers, whatever their ids: each gets 8–12', () => {
    for (let trial = 0; trial < 100; trial++) {
      const plan = planPlacement(
        Array.from({ length: 20 }, () => randomUUID()),
        [worker('worker-a'), worker('worker-b')],
      );
      for (const n of Object.values(counts(plan))) expect(n >= 8 && n <= 12).toBe(true);
    }
  });

  test('20 instances on 2 workers: each gets 8–12; a 3rd worker takes its share and only moves what it wins', () => {
    const instances = ids(20, 'balance');
    const two = planPlacement(instances, [worker('worker-a'), worker('worker-b')]);
    expect(two.size).toBe(20);
    for (const n of Object.values(counts(two))) expect(n).toBeGreaterThanOrEqual(8);
    for (const n of Object.values(counts(two))) expect(n).toBeLessThanOrEqual(12);

    const three = planPlacement(instances, [worker('worker-a'), worker('worker-b'), worker('worker-c')]);
    const c3 = counts(three);
    expect(c3['worker-c']).toBeGreaterThanOrEqual(5);
    for (const n of Object.values(c3)) expect(n).toBeLessThanOrEqual(fairShareCap(20, 3));
    // Minimal movement: an instance either stays or moves to the newcomer.
    for (const [id, w] of three) if (w !== two.get(id)) expect(w).toBe('worker-c');
  });

  test('the cap holds for any input: nobody exceeds ceil(1.25 × n / workers), so nobody is starved either', () => {
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + (trial % 60);
      const instances = Array.from({ length: n }, () => randomUUID());
      const workers = Array.from({ length: 1 + (trial % 5) }, (_, i) => worker(`w${trial}-${i}`));
      const plan = planPlacement(instances, workers);
      expect(plan.size).toBe(n);
      const cap = fairShareCap(n, workers.length);
      expect(cap).toBeLessThanOrEqual(Math.ceil((1.25 * n) / workers.length));
      for (const count of Object.values(counts(plan))) expect(count).toBeLessThanOrEqual(cap);
    }
  });

  test('per-worker capacity is respected, and what nobody has room for stays unplaced', () => {
    const instances = ids(10, 'capacity');
    const plan = planPlacement(instances, [worker('small', 2), worker('tiny', 1)]);
    expect(counts(plan)).toEqual({ small: 2, tiny: 1 });
    expect(plan.size).toBe(3);
  });

  test('every replica computes the same plan whatever order it sees the inputs in', () => {
    const instances = ids(30, 'order');
    const workers = [worker('a'), worker('b'), worker('c')];
    const p1 = planPlacement(instances, workers);
    const p2 = planPlacement([...instances].reverse(), [...workers].reverse());
    expect([...p2].sort()).toEqual([...p1].sort());
  });
});
