import type { ControlMessage } from '@turbozap/shared/contracts/control';
import { channels } from '@turbozap/shared/contracts/kv';
import { instanceSettings, resolveSettings, settingsPatch } from '@turbozap/shared/contracts/settings';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { type Define, InstanceGoneError } from '../http/route.ts';

/**
 * An instance's settings. A PUT merges what it names into the stored settings, then tells the
 * owning session-worker to read them again (a nudge: the owner also re-reads them on its
 * reconcile timer, and a new owner reads them when it takes the instance over).
 */
export function instanceSettingsRoutes(define: Define): void {
  define({
    method: 'get',
    path: '/instance/:name/settings',
    summary: 'The settings in force (every setting, defaults included)',
    tag: 'instances',
    access: 'instance',
    response: instanceSettings,
    async handler({ instance }) {
      return resolveSettings(instance.settings);
    },
  });

  define({
    method: 'put',
    path: '/instance/:name/settings',
    summary: 'Change some settings (the others are kept); the owning worker applies them without reconnecting',
    tag: 'instances',
    access: 'instance',
    body: settingsPatch,
    response: instanceSettings,
    async handler({ body, instance, deps }) {
      const stored = await instancesRepo.mergeSettings(deps.db, instance.id, body);
      if (!stored) throw new InstanceGoneError();
      const nudge: ControlMessage = { type: 'settings', instanceId: instance.id };
      await deps.coordination.publish(channels.control, JSON.stringify(nudge)).catch((error: unknown) => {
        deps.logger.warn('settings nudge failed; the owner applies them on its next reconcile', { error });
      });
      return resolveSettings(stored);
    },
  });
}
