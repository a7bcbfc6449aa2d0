import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  logFile: string;
  /** The last lines it wrote (stdout and stderr together). */
  tail(lines?: number): string;
  exited(): boolean;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const children = new Set<Child>();
const cleanups: (() => Promise<void>)[] = [];
let logDir: string | undefined;

/** A directory for the children's logs (removed after a successful run, printed on failure). */
export function runDir(): string {
  logDir ??= mkdtempSync(join(tmpdir(), 'tz-bench-'));
  return logDir;
}

/** Starts a child process whose output goes to a log file; it is stopped at exit whatever happens. */
export function startChild(
  name: string,
  command: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; ipc?: boolean } = {},
): Child {
  const logFile = join(runDir(), `${name}.log`);
  const log = createWriteStream(logFile);
  const proc = spawn(command, args, {
    cwd: options.cwd ?? runDir(),
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.pipe(log, { end: false });
  proc.stderr?.pipe(log, { end: false });
  let done = false;
  const exit = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      done = true;
      resolve();
    });
  });
  if (!proc.pid) throw new Error(`could not start ${name}: ${command}`);
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    logFile,
    tail(lines = 20) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    exited: () => done,
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      children.delete(child);
      if (!done) {
        proc.kill(signal);
        const killed = await Promise.race([exit.then(() => true), sleep(graceMs).then(() => false)]);
        if (!killed) {
          proc.kill('SIGKILL');
          await exit;
        }
      }
      log.end();
    },
  };
  children.add(child);
  return child;
}

/** Polls `url` until it answers `ok` (or the child dies, or time runs out). */
export async function waitForHttp(
  child: Child,
  url: string,
  timeoutMs = 60_000,
  ok: (status: number) => boolean = (s) => s >= 200 && s < 300,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exited()) throw new Error(`${child.name} exited before it was ready:\n${child.tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
      if (ok(res.status)) return;
    } catch (error) {
      last = String(error);
    }
    await sleep(200);
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms (last: ${last}):\n${child.tail()}`);
}

/** Waits until the child prints a line matching `pattern`; returns the match. */
export async function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = pattern.exec(child.tail(200));
    if (m) return m;
    if (child.exited()) throw new Error(`${child.name} exited:\n${child.tail()}`);
    await sleep(100);
  }
  throw new Error(`${child.name} did not print ${pattern} in ${timeoutMs} ms:\n${child.tail()}`);
}

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Registers something to undo at exit (drop a database, delete a vhost), run last-in first-out. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

let cleaning: Promise<void> | undefined;
/** Stops every child still running, then runs the registered cleanups. Safe to call twice. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => c.stop('SIGTERM', 5_000).catch(() => undefined)));
    for (const fn of cleanups.reverse()) {
      await fn().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
    }
  })();
  return cleaning;
}

/** Runs `main`, always cleaning up (also on Ctrl-C / SIGTERM); exits non-zero on failure. */
export function runBenchmark(main: () => Promise<void>): void {
  const interrupted = (signal: string) => {
    process.stderr.write(`\n${signal}: cleaning up...\n`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));
  const crashed = (error: unknown) => {
    process.stderr.write(
      `\nbenchmark crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    void cleanup().finally(() => process.exit(1));
  };
  process.once('uncaughtException', crashed);
  process.once('unhandledRejection', crashed);
  main()
    .then(() => cleanup())
    .then(() => {
      // The children's logs (and profiles) are kept only when something failed, or when asked.
      const failed = typeof process.exitCode === 'number' && process.exitCode !== 0;
      if (logDir && !failed && !process.env['BENCH_KEEP_LOGS']) {
        rmSync(logDir, { recursive: true, force: true });
      }
    })
    .then(() => process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0))
    .catch(async (error: unknown) => {
      process.stderr.write(
        `\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      if (logDir) process.stderr.write(`child logs: ${logDir}\n`);
      await cleanup();
      process.exit(1);
    });
}

/** Request/response over a child's IPC channel (`{ id, cmd, ... }` → `{ id, ok, ... }`). */
export class IpcPeer {
  readonly child: Child;
  #next = 1;
  #waiting = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;

  constructor(child: Child) {
    this.child = child;
    let markReady: () => void = () => {};
    this.ready = new Promise((resolve) => {
      markReady = resolve;
    });
    child.proc.on('message', (raw) => {
      const msg = raw as { id?: number; ok?: boolean; error?: string; ready?: boolean };
      if (msg.ready) return markReady();
      const waiter = msg.id === undefined ? undefined : this.#waiting.get(msg.id);
      if (!waiter || msg.id === undefined) return;
      this.#waiting.delete(msg.id);
      if (msg.ok) waiter.resolve(msg as Record<string, unknown>);
      else waiter.reject(new Error(`${child.name}: ${msg.error}`));
    });
    child.proc.once('exit', (code, signal) => {
      for (const w of this.#waiting.values())
        w.reject(new Error(`${child.name} exited (${code ?? signal}):\n${child.tail()}`));
      this.#waiting.clear();
    });
  }

  call<T = Record<string, unknown>>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      if (this.child.exited()) return reject(new Error(`${this.child.name} has exited:\n${this.child.tail()}`));
      this.#waiting.set(id, { resolve: resolve as (v: Record<string, unknown>) => void, reject });
      this.child.proc.send({ id, cmd, ...args });
    });
  }
}
