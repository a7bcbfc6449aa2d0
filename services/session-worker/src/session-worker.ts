import type { Component, ServiceRuntime } from '@turbozap/shared/runtime';
import { guardLibsignalConsole } from './connection/libsignal-console-guard.ts';
import { buildSessionWorker, type SessionWorkerOptions, type WorkerParts } from './context.ts';
import type { OwnershipManager } from './ownership/ownership-manager.ts';

/** What a running session-worker exposes to tests and the composition root. */
export interface SessionWorker extends Component {
  /** This process's id: lease holder, heartbeat id, owner_worker. */
  readonly id: string;
  /** The instances this worker owns now (undefined before start). */
  readonly manager: OwnershipManager | undefined;
}

/**
 * The session-worker role: owns WhatsApp connections for the instances whose lease it holds
 * (ARCHITECTURE §4). Start-up builds its parts (context.ts), then starts the event relay, the
 * heartbeat and the ownership loop.
 */
export function createSessionWorker(
  runtime: ServiceRuntime<'session'>,
  options: SessionWorkerOptions = {},
): SessionWorker {
  let parts: WorkerParts | undefined;
  let started = false;

  return {
    name: 'session-worker',
    id: runtime.processId,
    get manager() {
      return parts?.manager;
    },

    async start() {
      const log = runtime.logger.child({ component: 'session-worker' });
      guardLibsignalConsole((line) => log.debug(`libsignal: ${line}`));
      parts = await buildSessionWorker(runtime, options, log);
      await parts.relay.start();
      await parts.heartbeat.start();
      await parts.manager.start();
      started = true;
      log.info('session-worker started', { worker: runtime.processId, capacity: runtime.config.session.capacity });
    },

    async stop() {
      started = false;
      // Leave the live set first, so survivors' placement no longer waits for us, then hand everything back.
      await parts?.heartbeat.stop();
      await parts?.manager.stop();
      await parts?.relay.stop();
      await parts?.publisher.close();
    },

    async readiness() {
      return { 'session-worker': started };
    },
  };
}
