import { eventDescriptions, eventTypes } from '@turbozap/shared/contracts/events';
import { channels } from '@turbozap/shared/contracts/kv';
import * as webhooks from '@turbozap/shared/db/repositories/webhooks';
import { AppError } from '@turbozap/shared/errors/app-error';
import { validateOutboundUrl } from '@turbozap/shared/net';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { byId } from '../http/by-id.ts';
import type { Define } from '../http/route.ts';
import { deliverySchema, deliveryView, webhookSchema, webhookView, webhookWithSecretSchema } from '../views/webhook.ts';

const setBody = z.object({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(z.enum(eventTypes)).max(eventTypes.length).default([]),
  enabled: z.boolean().default(true),
  secret: z.string().min(16).max(256).optional(),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1024))
    .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
    .optional(),
  include_media_base64: z.boolean().default(false),
});

/** Tells sender-workers to drop their cached copy; the change is committed either way (see channels.webhooks). */
async function changed(deps: ApiDeps, instanceId: string): Promise<void> {
  await deps.coordination.publish(channels.webhooks, instanceId).catch((error: unknown) => {
    deps.logger.warn('webhook change not announced; it applies within a second', { error });
  });
}

const notConfigured = () => new AppError('webhook_not_found', 'no webhook is configured for this instance', 404);
const deliveryNotFound = () => new AppError('delivery_not_found', 'delivery not found', 404);

export function webhookRoutes(define: Define): void {
  define({
    method: 'get',
    path: '/webhook/events',
    summary: 'The event catalogue',
    tag: 'webhooks',
    access: 'public',
    response: z.array(z.object({ name: z.enum(eventTypes), description: z.string() })),
    async handler() {
      return eventTypes.map((name) => ({ name, description: eventDescriptions[name] }));
    },
  });

  define({
    method: 'post',
    path: '/webhook/:name/set',
    summary: 'Set the instance webhook (one per instance); returns the signing secret',
    tag: 'webhooks',
    access: 'instance',
    body: setBody,
    response: webhookWithSecretSchema,
    async handler({ body, instance, deps }) {
      const { config } = deps;
      const verdict = await validateOutboundUrl(body.url, { allowPrivate: config.webhook.allowPrivateTargets });
      if (!verdict.ok)
        throw new AppError('webhook_url_not_allowed', verdict.message, 400, { details: [{ reason: verdict.reason }] });
      const row = await webhooks.setWebhook(deps.db, instance.id, {
        url: body.url,
        events: body.events,
        enabled: body.enabled,
        secret: body.secret,
        headers: body.headers,
        includeMediaBase64: body.include_media_base64,
      });
      await changed(deps, instance.id);
      return { ...webhookView(row), secret: row.secret };
    },
  });

  define({
    method: 'get',
    path: '/webhook/:name',
    summary: 'The instance webhook',
    tag: 'webhooks',
    access: 'instance',
    response: webhookSchema,
    async handler({ instance, deps }) {
      const row = await webhooks.getWebhook(deps.db, instance.id);
      if (!row) throw notConfigured();
      return webhookView(row);
    },
  });

  define({
    method: 'delete',
    path: '/webhook/:name',
    summary: 'Remove the instance webhook',
    tag: 'webhooks',
    access: 'instance',
    response: z.object({ deleted: z.literal(true) }),
    async handler({ instance, deps }) {
      if (!(await webhooks.deleteWebhook(deps.db, instance.id))) throw notConfigured();
      await changed(deps, instance.id);
      return { deleted: true as const };
    },
  });

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    define({
      method: 'post',
      path: `/webhook/:name/${action}`,
      summary: `${action === 'enable' ? 'Enable' : 'Disable'} the instance webhook`,
      tag: 'webhooks',
      access: 'instance',
      response: webhookSchema,
      async handler({ instance, deps }) {
        const row = await webhooks.setEnabled(deps.db, instance.id, enabled);
        if (!row) throw notConfigured();
        await changed(deps, instance.id);
        return webhookView(row);
      },
    });
  }

  define({
    method: 'get',
    path: '/webhook/:name/deliveries',
    summary: 'The delivery log, newest first, with attempts',
    tag: 'webhooks',
    access: 'instance',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      status: z.enum(['pending', 'delivered', 'failed']).optional(),
      before: z.iso.datetime({ offset: true }).optional(),
    }),
    response: z.array(deliverySchema),
    async handler({ query, instance, deps }) {
      const deliveries = await webhooks.listDeliveries(deps.db, instance.id, {
        limit: query.limit,
        status: query.status,
        before: query.before ? new Date(query.before) : undefined,
      });
      return deliveries.map(deliveryView);
    },
  });

  define({
    method: 'post',
    path: '/webhook/:name/deliveries/:id/replay',
    summary: 'Deliver again (same event id, a new attempt)',
    tag: 'webhooks',
    access: 'instance',
    response: deliverySchema,
    async handler({ params, instance, deps }) {
      const found = await byId(params.id, (id) => webhooks.getDelivery(deps.db, id, instance.id), deliveryNotFound);
      await webhooks.replayDelivery(deps.db, found.id, instance.id);
      const replayed = await webhooks.getDelivery(deps.db, found.id, instance.id);
      if (!replayed) throw deliveryNotFound();
      return deliveryView(replayed);
    },
  });
}
