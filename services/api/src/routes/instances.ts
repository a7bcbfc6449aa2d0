import { instanceMediaPrefix } from '@turbozap/shared/blobs/keys';
import type { ControlMessage } from '@turbozap/shared/contracts/control';
import { channels, kvKeys, leaseKeys } from '@turbozap/shared/contracts/kv';
import { settingsPatch } from '@turbozap/shared/contracts/settings';
import { beatingWorkers } from '@turbozap/shared/coordination/liveness';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import { type DesiredState, type InstanceRow, instanceStatuses } from '@turbozap/shared/db/schema';
import { AppError } from '@turbozap/shared/errors/app-error';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { type Define, isInstanceName } from '../http/route.ts';
import {
  instanceSchema,
  instanceView,
  liveConnection,
  liveInstanceView,
  reservedInstanceNames,
} from '../views/instance.ts';
import { timestamp } from '../views/timestamp.ts';

const createBody = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/, '1-64 characters of a-z 0-9 _ -')
    .refine((n) => !reservedInstanceNames.has(n), 'is a reserved word of the routes'),
  /** Any subset of the settings (GET /instance/:name/settings); the rest take their defaults. */
  settings: settingsPatch.optional(),
});

const connectQuery = z.object({
  phone: z
    .string()
    .regex(/^\+?\d{8,15}$/, 'international phone number, digits only')
    .transform((p) => p.replace(/^\+/, ''))
    .optional(),
});

/** What connect and restart answer: the state asked for, and the status at the moment of asking. */
const reconnecting = z.object({
  name: z.string(),
  status: z.enum(instanceStatuses),
  desired_state: z.literal('connected'),
});

async function nudge(deps: ApiDeps, message: ControlMessage): Promise<void> {
  await deps.coordination.publish(channels.control, JSON.stringify(message));
}

async function setDesired(deps: ApiDeps, instance: InstanceRow, desired: DesiredState): Promise<void> {
  await instancesRepo.setDesiredState(deps.db, instance.id, desired);
  await nudge(deps, { type: 'reconcile', instanceId: instance.id });
}

export function instanceRoutes(define: Define): void {
  define({
    method: 'post',
    path: '/instance/create',
    summary: 'Create an instance; returns its instance key once',
    tag: 'instances',
    access: 'admin',
    body: createBody,
    successStatus: 201,
    response: z.object({ instance: instanceSchema, api_key: z.string() }),
    async handler({ body, deps }) {
      const created = await instancesRepo.createWithKey(deps.db, body.name, body.settings ?? {});
      if (!created) throw new AppError('instance_exists', `an instance named ${body.name} already exists`, 409);
      return { instance: instanceView(created.row), api_key: created.key };
    },
  });

  define({
    method: 'get',
    path: '/instance/list',
    summary: 'List instances',
    tag: 'instances',
    access: 'admin',
    response: z.array(instanceSchema),
    async handler({ deps }) {
      const { db, coordination } = deps;
      const [rows, workers] = await Promise.all([instancesRepo.list(db), coordination.liveWorkers()]);
      const beating = beatingWorkers(workers);
      return rows.map((row) => liveInstanceView(row, beating));
    },
  });

  define({
    method: 'get',
    path: '/instance/:name',
    summary: 'Get an instance',
    tag: 'instances',
    access: 'instance',
    response: instanceSchema,
    async handler({ instance, deps }) {
      return liveInstanceView(instance, beatingWorkers(await deps.coordination.liveWorkers()));
    },
  });

  define({
    method: 'get',
    path: '/instance/:name/status',
    summary: 'Connection status (data.status), owner and since when',
    tag: 'instances',
    access: 'instance',
    response: instanceSchema
      .pick({ name: true, status: true, desired_state: true, jid: true, owner: true, last_activity_at: true })
      .extend({ since: timestamp }),
    async handler({ instance, deps }) {
      const { coordination } = deps;
      const [holder, workers] = await Promise.all([
        coordination.leaseHolder(leaseKeys.instance(instance.id)),
        coordination.liveWorkers(),
      ]);
      const { status, owner } = liveConnection(instance.status, holder, beatingWorkers(workers));
      return {
        name: instance.name,
        status,
        desired_state: instance.desired_state,
        jid: instance.jid,
        owner,
        since: instance.updated_at,
        last_activity_at: instance.last_activity_at,
      };
    },
  });

  define({
    method: 'post',
    path: '/instance/:name/connect',
    summary: 'Connect: start linking (QR, or a pairing code with ?phone=) or reconnect',
    tag: 'instances',
    access: 'instance',
    query: connectQuery,
    response: reconnecting,
    async handler({ instance, query, deps }) {
      if (query.phone) {
        await deps.coordination.setValue(kvKeys.pairingRequest(instance.id), query.phone, 5 * 60_000);
      }
      await setDesired(deps, instance, 'connected');
      return { name: instance.name, status: instance.status, desired_state: 'connected' as const };
    },
  });

  define({
    method: 'get',
    path: '/instance/:name/qrcode',
    summary: 'Current QR code (raw and PNG) or pairing code; qrcode is null once connected',
    tag: 'instances',
    access: 'instance',
    response: z.object({
      status: z.enum(instanceStatuses),
      /** The QR's text; `code` repeats it (Evolution's name). */
      qrcode: z.string().nullable(),
      code: z.string().nullable(),
      /** The QR drawn as a PNG data URL. */
      base64: z.string().nullable(),
      pairing_code: z.string().nullable(),
    }),
    async handler({ instance, deps }) {
      const { coordination } = deps;
      const connected = instance.status === 'connected';
      const qr = connected ? null : await coordination.getValue(kvKeys.qr(instance.id));
      const pairing = connected ? null : await coordination.getValue(kvKeys.pairingCode(instance.id));
      return {
        status: instance.status,
        qrcode: qr,
        code: qr,
        base64: qr ? await QRCode.toDataURL(qr) : null,
        pairing_code: pairing,
      };
    },
  });

  define({
    method: 'put',
    path: '/instance/:name/restart',
    summary: 'Close and reconnect the WhatsApp connection',
    tag: 'instances',
    access: 'instance',
    response: reconnecting,
    async handler({ instance, deps }) {
      await instancesRepo.setDesiredState(deps.db, instance.id, 'connected');
      await nudge(deps, { type: 'restart', instanceId: instance.id });
      return { name: instance.name, status: instance.status, desired_state: 'connected' as const };
    },
  });

  define({
    method: 'post',
    path: '/instance/:name/logout',
    summary: 'Unlink the device and clear its credentials',
    tag: 'instances',
    access: 'instance',
    response: z.object({ name: z.string(), desired_state: z.literal('logged_out') }),
    async handler({ instance, deps }) {
      await setDesired(deps, instance, 'logged_out');
      deps.cachedInstances.forget(instance);
      return { name: instance.name, desired_state: 'logged_out' as const };
    },
  });

  define({
    method: 'delete',
    path: '/instance/:name',
    summary: 'Log out and delete the instance with its data',
    tag: 'instances',
    access: 'admin',
    response: z.object({ name: z.string(), deleted: z.literal(true) }),
    async handler({ req, deps }) {
      const name = String(req.params.name ?? '');
      const instance = isInstanceName(name) ? await instancesRepo.byName(deps.db, name) : undefined;
      if (!instance) throw new AppError('instance_not_found', 'instance not found', 404);
      const { db, blobs, coordination, logger } = deps;
      await setDesired(deps, instance, 'logged_out');
      // Media first: when it fails nothing is deleted yet and the client retries the whole delete.
      const media = instanceMediaPrefix(instance.id);
      await blobs.deletePrefix(media);
      await instancesRepo.deleteWithData(db, instance.id);
      deps.cachedInstances.forget(instance);
      for (const key of [kvKeys.qr(instance.id), kvKeys.pairingCode(instance.id), kvKeys.pairingRequest(instance.id)]) {
        await coordination.deleteValue(key);
      }
      // Again for media a worker stored between the two (inbound media is stored before its row).
      await blobs.deletePrefix(media).catch((error: unknown) => {
        logger.warn('deleting the media of a deleted instance failed', { instanceId: instance.id, error });
      });
      return { name: instance.name, deleted: true as const };
    },
  });
}
