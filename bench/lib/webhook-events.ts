// The events of bench/webhooks.ts, the same for TurboZap and its floor: real envelopes of
// packages/shared/src/contracts/events.ts (a received text), ids derived from the run's tag.
import { type EventEnvelope, makeEvent } from '../../packages/shared/src/contracts/events.ts';

export function benchEvent(instance: { id: string; name: string }, tag: string, k: number): EventEnvelope {
  return makeEvent(
    'message.received',
    instance,
    {
      id: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
      wa_message_id: `BENCH${String(k).padStart(12, '0')}`,
      type: 'text',
      remote_jid: '5521999990000@s.whatsapp.net',
      remote_lid: null,
      is_group: false,
      participant_jid: null,
      participant_lid: null,
      push_name: 'Bench contact',
      timestamp: 1767225600 + k,
      content: { text: `webhook benchmark event ${k}` },
      media_key: null,
    },
    tag,
    k,
  );
}
