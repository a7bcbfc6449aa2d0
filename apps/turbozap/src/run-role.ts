import { createApiServer } from '@turbozap/api/api-server';
import { createSenderWorker } from '@turbozap/sender-worker/sender-worker';
import { createSessionWorker } from '@turbozap/session-worker/session-worker';
import { type Config, configFor, runsApi, runsSender, runsSessions } from '@turbozap/shared/config';
import { migrateToLatest } from '@turbozap/shared/db/database';
import type { Logger } from '@turbozap/shared/logging/logger';
import type { Component } from '@turbozap/shared/runtime';
import { IdleCompactor } from '@turbozap/shared/util/idle-compactor';
import { createClusterGauges } from './cluster-gauges.ts';
import { createClusterTally } from './cluster-tally.ts';
import { buildRuntime } from './context.ts';
import { embeddedSecrets, lockDataDir } from './embedded.ts';
import { createOpsServer } from './ops-server.ts';
import { evaluateChecklist, productionChecklist } from './production-checklist.ts';

const stopBudgetMs = 25_000;

export async function runRole(parsed: Config, flags: { checkProduction?: boolean } = {}): Promise<void> {
  const { role } = parsed;
  let config = parsed;
  if (flags.checkProduction) {
    // Print and exit: checking a configuration must not join a cluster or migrate a database.
    const failed = productionChecklist(config, (line) => process.stdout.write(`${line}\n`));
    process.stdout.write(
      failed > 0 ? `${failed} item(s) need attention before production.\n` : 'Ready for production.\n',
    );
    process.exit(failed > 0 ? 1 : 0);
  }
  const unlock = config.mode === 'embedded' ? lockDataDir(config.dataDir) : () => {};
  if (config.mode === 'embedded') config = embeddedSecrets(config, (line) => process.stdout.write(`${line}\n`));
  const runtime = await buildRuntime(config);
  const { logger } = runtime;
  if (config.session.simulatorUrl) {
    logger.warn(
      'WHATSAPP_SIMULATOR_URL is set: connecting to a WhatsApp SIMULATOR and trusting its root key — never in production',
      {
        simulator: config.session.simulatorUrl,
      },
    );
  }
  if (config.mode === 'distributed') {
    for (const item of evaluateChecklist(config).filter((i) => i.status === 'fail')) {
      logger.warn('production checklist item not met', { item: item.item, fix: item.note });
    }
  }
  if (role === 'all') await migrateToLatest(runtime.db);

  const readiness = async () => ({
    ...(await runtime.readiness()),
    ...(config.session.simulatorUrl ? { simulator: true } : {}),
  });
  const components: Component[] = [
    createClusterGauges(runtime, config.metricsSampleIntervalMs),
    createClusterTally(runtime),
    idleCompaction(logger),
  ];
  // Each service gets only its own sections of the configuration (no secret it does not use).
  if (runsSender(role)) components.push(createSenderWorker({ ...runtime, config: configFor('sender', config) }));
  if (runsSessions(role)) components.push(createSessionWorker({ ...runtime, config: configFor('session', config) }));
  components.push(
    runsApi(role)
      ? createApiServer({ ...runtime, config: configFor('api', config) }, readiness)
      : createOpsServer(runtime, readiness),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    const deadline = setTimeout(() => {
      logger.error('stop took too long; exiting');
      process.exit(1);
    }, stopBudgetMs);
    for (const component of [...components].reverse()) {
      await component
        .stop()
        .catch((error: unknown) => logger.warn('component stop failed', { component: component.name, error }));
    }
    await runtime.close();
    unlock();
    clearTimeout(deadline);
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  for (const component of components) await component.start();
  logger.info('started', { role, mode: config.mode, port: config.server.port, process: runtime.processId });
  if (config.mode === 'embedded') {
    process.stdout.write(`TurboZap (${role}, embedded) listening on http://127.0.0.1:${config.server.port}\n`);
  }
}

/** Every role returns the heap a burst left behind once it is idle (IdleCompactor). */
function idleCompaction(logger: Logger): Component {
  const compactor = new IdleCompactor({
    onCompacted: (before, after) =>
      logger.debug('heap compacted while idle', {
        before_mb: Math.round(before / 2 ** 20),
        after_mb: Math.round(after / 2 ** 20),
      }),
  });
  return {
    name: 'idle-compactor',
    start: async () => compactor.start(),
    stop: async () => compactor.stop(),
  };
}
