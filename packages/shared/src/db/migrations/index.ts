import type { Migration } from 'kysely/migration';
import * as initial from './20261129-0001-initial.ts';
import * as messagesPendingChat from './20261129-0002-messages-pending-chat.ts';
import * as messagesUnpublishedQueued from './20261129-0003-messages-unpublished-queued.ts';
import * as webhookAttemptsDelivery from './20261129-0004-webhook-attempts-delivery.ts';
import * as polls from './20261129-0005-polls.ts';
import * as eventsCursor from './20261207-0006-events-cursor.ts';
import * as messagesDropStoredBase64 from './20261207-0007-messages-drop-stored-base64.ts';
import * as webhooksIncludeMedia from './20261207-0008-webhooks-include-media.ts';
import * as eventsStatusHistory from './20261207-0009-events-status-history.ts';
import * as messagesParticipant from './20261207-0010-messages-participant.ts';

/** Every migration, by timestamped name. Add new ones here; never edit an applied one. */
export const migrations: Record<string, Migration> = {
  '20261129-0001-initial': initial,
  '20261129-0002-messages-pending-chat': messagesPendingChat,
  '20261129-0003-messages-unpublished-queued': messagesUnpublishedQueued,
  '20261129-0004-webhook-attempts-delivery': webhookAttemptsDelivery,
  '20261129-0005-polls': polls,
  '20261207-0006-events-cursor': eventsCursor,
  '20261207-0007-messages-drop-stored-base64': messagesDropStoredBase64,
  '20261207-0008-webhooks-include-media': webhooksIncludeMedia,
  '20261207-0009-events-status-history': eventsStatusHistory,
  '20261207-0010-messages-participant': messagesParticipant,
};
