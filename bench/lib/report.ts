import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, hostname, totalmem } from 'node:os';
import { join } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { repoRoot } from './deps.ts';
import { loadAverage } from './proc.ts';

export type Row = Record<string, string | number>;

/** A markdown table of rows (columns in the order of the first row's keys). */
export function markdownTable(rows: Row[], columns: string[] = Object.keys(rows[0] ?? {})): string {
  const cell = (v: string | number | undefined) => (v === undefined ? '' : String(v));
  const lines = [
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_c, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${columns.map((c) => cell(r[c])).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function machineInfo(): Record<string, unknown> {
  const cpu = cpus();
  return {
    host: hostname(),
    cpus: cpu.length,
    cpuModel: cpu[0]?.model,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: loadAverage(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Writes bench/results/<name>-<timestamp>.json and returns its path. */
export function writeResults(name: string, data: Record<string, unknown>): string {
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `${name}-${stamp}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ benchmark: name, date: new Date().toISOString(), machine: machineInfo(), ...data }, null, 2)}\n`,
  );
  return file;
}

export const fmt = {
  int: (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—'),
  dec: (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '—'),
  ratio: (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '—'),
  mb: (bytes: number) => (Number.isFinite(bytes) ? (bytes / 2 ** 20).toFixed(0) : '—'),
};

/** `parseArgs` with `--help` printing `usage` and exiting. */
export function cli<T extends NonNullable<ParseArgsConfig['options']>>(usage: string, options: T) {
  const parsed = parseArgs({
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${usage.trim()}\n`);
    process.exit(0);
  }
  return parsed.values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
}

/** A positive number from a flag, or the default; exits with a message when it is not one. */
export function num(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative number (got ${value})\n`);
    process.exit(2);
  }
  return n;
}

export const log = (line: string) => process.stderr.write(`${line}\n`);
