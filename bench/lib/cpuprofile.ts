// Summarises V8 .cpuprofile files (node --cpu-prof) into self time by function and by package,
// to say where a benchmarked process spends its CPU.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable } from './report.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byFunction: { name: string; where: string; selfMs: number; share: number }[];
  byPackage: { package: string; selfMs: number; share: number }[];
}

/** `node_modules/.pnpm/x@1/node_modules/x/...` → `x`; workspace source → its package folder; node internals → `(node)`. */
export function packageOf(url: string): string {
  if (!url) return '(native / GC / idle)';
  if (url.startsWith('node:')) return '(node core)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const ws = /\/(packages|services|bench)\/([^/]+)\/(src\/)?(.*)$/.exec(url);
  if (ws) return `${ws[1]}/${ws[2]}/${(ws[4] ?? '').split('/')[0]}`;
  return url;
}

/** Now on the clock V8 stamps profiles with (CLOCK_MONOTONIC, µs): the same in every process. */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * `windows`: only samples taken inside these [start, end] µs intervals of `monotonicMicros()`
 * (e.g. the measured runs, leaving out start-up and warm-up); all samples when absent.
 */
export function summariseProfile(file: string, top = 15, windows?: [number, number][]): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from the samples and their time deltas (more exact than hitCount × interval).
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (windows && !windows.some(([from, to]) => at >= from && at <= to)) continue;
    const id = samples[i] as number;
    const next = deltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, next));
  }
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const pkg = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    total += us;
    const name = functionName || '(anonymous)';
    const where = url
      ? `${url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')}:${lineNumber + 1}`
      : '';
    const key = `${name}@${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const p = functionName === '(garbage collector)' ? '(garbage collector)' : packageOf(url.replace(/^file:\/\//, ''));
    pkg.set(p, (pkg.get(p) ?? 0) + us);
  }
  const share = (us: number) => Math.round((us / Math.max(1, total)) * 1000) / 10;
  return {
    file,
    totalMs: Math.round(total / 1000),
    byFunction: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, selfMs: Math.round(f.us / 1000), share: share(f.us) })),
    byPackage: [...pkg.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([p, us]) => ({ package: p, selfMs: Math.round(us / 1000), share: share(us) })),
  };
}

/** The .cpuprofile files written in `dir`. */
export function profilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** The two tables every bench prints for a profile: self time by package, then by function. */
export function profileTables(p: ProfileSummary): string[] {
  return [
    markdownTable(p.byPackage.map((x) => ({ 'package / area': x.package, 'self ms': x.selfMs, share: `${x.share}%` }))),
    '',
    markdownTable(
      p.byFunction.map((x) => ({ function: x.name, where: x.where, 'self ms': x.selfMs, share: `${x.share}%` })),
    ),
    '',
  ];
}
