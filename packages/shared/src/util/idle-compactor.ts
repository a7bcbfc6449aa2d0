import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface IdleCompactorOptions {
  /** How often the process is looked at. */
  intervalMs?: number;
  /** Below this share of one core over an interval, the process counts as idle. */
  idleCpuShare?: number;
  /** Resident memory beyond what the last compaction left that makes one worthwhile. */
  slackBytes?: number;
  /** Least time between two compactions (a large process's collection takes a moment). */
  minGapMs?: number;
  /** For tests: the process's CPU time, resident memory and the collector. */
  cpuMicros?: () => number;
  rss?: () => number;
  gc?: () => void;
  onCompacted?: (before: number, after: number) => void;
}

/**
 * Gives the memory a burst left behind back to the system once the process is idle. V8 grows the
 * heap to the allocation rate of a burst of sends and, with no pressure after it, keeps the pages:
 * a session-worker at rest stays well above its warm size after a burst although its live data
 * has not grown (figures in docs/PERFORMANCE.md). One memory-reducing collection while idle — at
 * most once per burst, and only when the process holds `slackBytes` more than the last one left —
 * returns it to its warm size; under load nothing changes.
 */
export class IdleCompactor {
  readonly #o: Required<Omit<IdleCompactorOptions, 'onCompacted'>> & Pick<IdleCompactorOptions, 'onCompacted'>;
  #timer: NodeJS.Timeout | undefined;
  #lastCpu = 0;
  #lastAt = 0;
  #floor: number;
  #lastCompaction = Number.NEGATIVE_INFINITY;

  constructor(options: IdleCompactorOptions = {}) {
    this.#o = {
      intervalMs: 5_000,
      idleCpuShare: 0.1,
      slackBytes: 48 * 1024 * 1024,
      minGapMs: 30_000,
      cpuMicros: () => {
        const { user, system } = process.cpuUsage();
        return user + system;
      },
      rss: () => process.memoryUsage.rss(),
      ...options,
      gc: options.gc ?? exposedGc(),
    };
    this.#floor = this.#o.rss();
  }

  start(): void {
    this.#lastCpu = this.#o.cpuMicros();
    this.#lastAt = Date.now();
    this.#timer = setInterval(() => this.check(), this.#o.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One look (the timer's; tests call it). True when it compacted. */
  check(now = Date.now()): boolean {
    const cpu = this.#o.cpuMicros();
    const share = (cpu - this.#lastCpu) / 1000 / Math.max(1, now - this.#lastAt);
    this.#lastCpu = cpu;
    this.#lastAt = now;
    const before = this.#o.rss();
    if (share > this.#o.idleCpuShare || before < this.#floor + this.#o.slackBytes) return false;
    if (now - this.#lastCompaction < this.#o.minGapMs) return false;
    this.#lastCompaction = now;
    this.#o.gc();
    this.#floor = this.#o.rss();
    // The collection itself is not activity: it must not count against the next interval.
    this.#lastCpu = this.#o.cpuMicros();
    this.#o.onCompacted?.(before, this.#floor);
    return true;
  }
}

type Gc = (options?: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * V8's collector, without starting Node with --expose-gc, in its memory-reducing form: a plain
 * full collection frees the objects but keeps the freed pages (the process stays as large), the
 * "last resort" one also gives them back (docs/PERFORMANCE.md).
 */
function exposedGc(): () => void {
  let gc = (globalThis as { gc?: Gc }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  const collect = gc;
  return () => collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
