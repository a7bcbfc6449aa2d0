import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat utime + stime). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces: fields are counted after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After ')' come field 3 (state) ...; utime is field 14 and stime field 15 of the full line.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / ticksPerSecond();
}

/** Resident memory now and at its peak, in bytes (/proc/<pid>/status VmRSS and VmHWM). */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** CPU seconds of every process whose command line matches (e.g. postgres backends, beam.smp). */
export function cpuSecondsOf(match: (cmdline: string) => boolean): number {
  let total = 0;
  for (const seconds of cpuByPid(match).values()) total += seconds;
  return total;
}

/** `cpuSecondsOf`, per process. */
function cpuByPid(match: (cmdline: string) => boolean): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const pid of listPids()) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (match(cmd)) byPid.set(pid, cpuSeconds(pid));
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

/**
 * CPU the matching processes used from now until `stop()`, process by process: one that exits
 * meanwhile (a pooled Postgres connection closed when idle) drops out instead of taking its whole
 * past CPU off the total; one that starts meanwhile counts from zero.
 */
export function cpuSince(match: (cmdline: string) => boolean): { stop(): number } {
  const before = cpuByPid(match);
  return {
    stop: () => {
      let used = 0;
      for (const [pid, seconds] of cpuByPid(match)) used += seconds - (before.get(pid) ?? 0);
      return used;
    },
  };
}

function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Busy and total jiffies of the whole machine (/proc/stat), to tell how loaded it was. */
function hostJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of all cores busy (0..1) between `hostMeter()` and `stop()`: every process, ours included. */
export function hostMeter(): { stop(): number } {
  const before = hostJiffies();
  return {
    stop() {
      const after = hostJiffies();
      return (after.busy - before.busy) / Math.max(1, after.total - before.total);
    },
  };
}

/** A stopwatch of a process's CPU: `stop()` returns CPU seconds used since it was made. */
export function cpuMeter(pid: number): { stop(): number } {
  const before = cpuSeconds(pid);
  return { stop: () => cpuSeconds(pid) - before };
}

export function loadAverage(): number[] {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}

/** Pids of every process whose command line matches (e.g. the RabbitMQ broker's beam.smp). */
export function pidsOf(match: (cmdline: string) => boolean): number[] {
  return listPids().filter((pid) => {
    try {
      return match(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      return false;
    }
  });
}

/** CPU seconds of this run's Postgres backends (their command line names the database) and of RabbitMQ. */
export function serviceCpu(database: string): { stop(): { postgres: number; rabbit: number } } {
  const pgMatch = (cmd: string) => cmd.startsWith('postgres: ') && cmd.includes(` ${database} `);
  const rabbitMatch = (cmd: string) => cmd.includes('beam.smp') && cmd.includes('rabbit');
  const pg = cpuSince(pgMatch);
  const mq = cpuSince(rabbitMatch);
  return { stop: () => ({ postgres: pg.stop(), rabbit: mq.stop() }) };
}
