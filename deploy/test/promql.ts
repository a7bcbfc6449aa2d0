import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MetricSpec {
  type: 'counter' | 'gauge' | 'histogram';
  labels: string[];
  acrossReplicas: 'sum' | 'max';
}

export interface MetricCatalog {
  targetLabels: string[];
  synthetic: string[];
  metrics: Record<string, MetricSpec>;
}

const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const IDENTIFIER = /(?<![\w:.])[A-Za-z_:][\w:]*(?![\w:])/g;
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

const blankStrings = (expr: string): string => expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The catalogued metric a series name belongs to, or why it belongs to none. */
function resolve(name: string, catalog: MetricCatalog): { spec?: MetricSpec; bucket: boolean; error?: string } {
  const spec = catalog.metrics[name];
  if (spec?.type === 'histogram') return { bucket: false, error: `${name} is a histogram: use _bucket/_sum/_count` };
  if (spec || catalog.synthetic.includes(name)) return spec ? { spec, bucket: false } : { bucket: false };
  for (const suffix of HISTOGRAM_SUFFIXES) {
    const base = catalog.metrics[name.slice(0, -suffix.length)];
    if (name.endsWith(suffix) && base?.type === 'histogram') return { spec: base, bucket: suffix === '_bucket' };
  }
  return { bucket: false, error: `unknown metric ${name}` };
}

/**
 * What is wrong with a PromQL expression against the exported metrics: unknown metric names,
 * labels a metric does not have, and cluster-wide gauges read other than with `max`.
 * A lexical check (PromQL syntax itself is promtool's job, see checkWithPromtool).
 */
export function promqlProblems(expr: string, catalog: MetricCatalog): string[] {
  const problems: string[] = [];
  const text = blankStrings(expr);
  const allowed = new Set([...catalog.targetLabels, 'le']);
  for (const [, name = '', matchers = ''] of text.matchAll(/([A-Za-z_:][\w:]*)?\s*\{([^}]*)\}/g)) {
    const { spec, bucket } = resolve(name, catalog);
    const labels = new Set([...catalog.targetLabels, ...(spec?.labels ?? []), ...(bucket ? ['le'] : [])]);
    for (const [, label = ''] of matchers.matchAll(/([A-Za-z_]\w*)\s*(?:=~|!~|!=|=)/g)) {
      if (!name) problems.push(`selector without a metric name: {${matchers}}`);
      else if (!labels.has(label)) problems.push(`${name} has no label ${label}`);
    }
  }
  const bare = text.replace(/\{[^}]*\}/g, ' ').replace(/\[[^\]]*\]/g, ' ');
  const grouped = [...bare.matchAll(GROUPING)].flatMap(([, list = '']) => list.split(',').map((l) => l.trim()));
  const ungrouped = bare.replace(GROUPING, ' ');
  const names = [...ungrouped.matchAll(IDENTIFIER)]
    .filter((m) => !/^\s*\(/.test(ungrouped.slice(m.index + m[0].length)) && !KEYWORDS.has(m[0].toLowerCase()))
    .map((m) => m[0]);
  for (const name of names) {
    const { spec, error } = resolve(name, catalog);
    if (error) problems.push(error);
    for (const label of spec?.labels ?? []) allowed.add(label);
  }
  for (const label of grouped) if (label && !allowed.has(label)) problems.push(`grouping by unknown label ${label}`);
  for (const name of new Set(names)) {
    if (catalog.metrics[name]?.acrossReplicas !== 'max') continue;
    const uses = text.match(new RegExp(`(?<![\\w:])${escapeRegExp(name)}(?![\\w:])`, 'g'))?.length ?? 0;
    const underMax = new RegExp(
      `\\bmax\\s*(?:(?:by|without)\\s*\\([^)]*\\)\\s*)?\\(\\s*${escapeRegExp(name)}(?![\\w:])`,
      'g',
    );
    if ((text.match(underMax)?.length ?? 0) < uses) problems.push(`${name} is cluster-wide: read it with max(...)`);
  }
  return problems;
}

export const havePromtool = (): boolean => spawnSync('promtool', ['--version']).status === 0;

/** Runs `promtool check rules` on each expression as a recording rule; returns promtool's output on failure. */
export function checkWithPromtool(exprs: { name: string; expr: string }[]): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'turbozap-promql-'));
  try {
    const rules = exprs.map(({ name, expr }) => `      - record: ${name}\n        expr: ${JSON.stringify(expr)}`);
    const file = join(dir, 'exprs.rules.yml');
    writeFileSync(file, `groups:\n  - name: exprs\n    rules:\n${rules.join('\n')}\n`);
    const run = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
