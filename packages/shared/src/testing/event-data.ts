import type { EventDataIn } from '../contracts/events.ts';

// Valid `data` for tests that need an event of a type, not a particular one: makeEvent only
// takes data its type's schema allows.

const chat = '5511988100001@s.whatsapp.net';

export const receivedData = (content: Record<string, unknown> = { text: 'hi' }): EventDataIn<'message.received'> => ({
  id: '0b6f5e0c-6a43-4e43-9a3b-6f2a4c1d9e10',
  wa_message_id: '3A5D0C1F2E3B4A59',
  type: 'text',
  remote_jid: chat,
  remote_lid: null,
  is_group: false,
  participant_jid: null,
  participant_lid: null,
  push_name: 'Alice',
  timestamp: 1767225600,
  content,
  media_key: null,
});

export const sentData = (id = '7c1d4e2a-3b5f-4a6c-8d9e-0f1a2b3c4d5e'): EventDataIn<'message.sent'> => ({
  id,
  wa_message_id: '3EB0C1F2A3B4C5D6E7F8A9',
  remote_jid: chat,
  remote_lid: null,
  type: 'text',
  status: 'sent',
});

export const connectedData: EventDataIn<'connection.update'> = { status: 'connected', previous_status: 'connecting' };

/** As a receipt emits it: the statement that applies it fills `id` and `remote_jid` from the row. */
export const ackData = (wa_message_id: string, status: 'delivered' | 'read'): EventDataIn<'message.ack'> => ({
  wa_message_id,
  status,
  remote_jid: null,
  remote_lid: null,
});

export const failedData = (id: string, reason = 'invalid_content'): EventDataIn<'message.failed'> => ({
  id,
  message_id: id,
  wa_message_id: null,
  remote_jid: chat,
  type: 'text',
  status: 'failed',
  reason,
});
