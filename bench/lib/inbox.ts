// Watching a simulated contact's inbox for benchmark nonces: when each one was first decrypted,
// and whether any arrived twice (counted by nonce in the text, not by message id).
import type { SimProcess } from './sim.ts';

export interface InboxWatch {
  /** nonce → ms (this process's clock) when first seen in the inbox. */
  seen: Map<string, number>;
  /** nonce → ms when it was submitted (the `t=` of its text). */
  submitted: Map<string, number>;
  /** Latencies (first seen − submitted), ms. */
  latencies(): number[];
  duplicates: number;
  /** Polls until `expected` nonces with the tag were seen or time runs out; returns how many were. */
  waitFor(expected: number, timeoutMs: number): Promise<number>;
}

interface InboxEntry {
  text?: string;
}

/**
 * Texts look like `<tag> <nonce> t=<ms>`; only those with `tag` count. Polls every `everyMs`
 * (the latency resolution).
 */
export function watchInbox(sim: SimProcess, contact: string, tag: string, everyMs = 100): InboxWatch {
  const seen = new Map<string, number>();
  const submitted = new Map<string, number>();
  const watch: InboxWatch = {
    seen,
    submitted,
    latencies: () => [...seen].map(([nonce, at]) => at - (submitted.get(nonce) ?? at)),
    duplicates: 0,
    async waitFor(expected, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const entries = await sim.get<InboxEntry[]>(`/sim/accounts/${contact}/inbox`).catch(() => [] as InboxEntry[]);
        const now = Date.now();
        const counts = new Map<string, number>();
        for (const e of entries) {
          const m = /^(\S+) (\S+) t=(\d+)$/.exec(e.text ?? '');
          if (!m || m[1] !== tag) continue;
          const nonce = m[2] as string;
          submitted.set(nonce, Number(m[3]));
          counts.set(nonce, (counts.get(nonce) ?? 0) + 1);
          if (!seen.has(nonce)) seen.set(nonce, now);
        }
        watch.duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
        if (seen.size >= expected || Date.now() > deadline) return seen.size;
        await new Promise((r) => setTimeout(r, everyMs));
      }
    },
  };
  return watch;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
