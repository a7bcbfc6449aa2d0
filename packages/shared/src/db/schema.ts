import type { ApiKeysTable } from './tables/api-keys.ts';
import type { WaAuthCredsTable, WaAuthKeysTable } from './tables/auth.ts';
import type { EventsOutboxTable } from './tables/events.ts';
import type { InstancesTable } from './tables/instances.ts';
import type { MessagesTable } from './tables/messages.ts';
import type { PollsTable } from './tables/polls.ts';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhooksTable } from './tables/webhooks.ts';

export interface DB {
  instances: InstancesTable;
  api_keys: ApiKeysTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  messages: MessagesTable;
  polls: PollsTable;
  events_outbox: EventsOutboxTable;
  wa_auth_creds: WaAuthCredsTable;
  wa_auth_keys: WaAuthKeysTable;
}

export type * from './tables/api-keys.ts';
export type * from './tables/auth.ts';
export type * from './tables/events.ts';
export type * from './tables/instances.ts';
export { desiredStates, instanceStatuses } from './tables/instances.ts';
export type * from './tables/messages.ts';
export { finalStatuses, messageStatuses } from './tables/messages.ts';
export type * from './tables/polls.ts';
export type * from './tables/webhooks.ts';
