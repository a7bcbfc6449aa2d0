import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export { freePort } from '@turbozap/shared/testing/ports';

export const repoRoot = resolve(import.meta.dirname, '../../..');
export const turbozapBin = resolve(repoRoot, 'turbozap');

export interface Child {
  process: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs `./turbozap <args>` as a child in its own process group, capturing its output. */
export function spawnTurbozap(args: string[], env: Record<string, string>, cwd = repoRoot): Child {
  const child = spawn(turbozapBin, args, {
    cwd,
    // A pinned WhatsApp Web version: tests never look the current one up on the internet.
    env: { ...process.env, LOG_LEVEL: 'warn', WHATSAPP_WEB_VERSION: '2.3000.1023456789', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? -1)));
  return {
    process: child,
    output: () => out,
    exited,
    kill(signal = 'SIGTERM') {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    },
  };
}

// One polling helper for every suite (re-exported: the suites import it from here).
export { waitFor } from '@turbozap/shared/testing/wait';

export const healthy = (port: number) => () =>
  fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok);
