// The events of bench/webhooks.ts, the same for TurboZap and its floor: real envelopes of
// packages/shared/src/contracts/events.ts (a received text), ids derived from the run's tag.
import { type EventEnvelope, makeEvent } from '../../packages/shared/src/contracts/events.ts';

export function benchEvent(instance: { id: string; name: string }, tag: string, k: number): EventEnvelope {
  return makeEvent(
    'message.received',
    instance,
    {
      message_id: `BENCH${String(k).padStart(12, '0')}`,
      from: '5521999990000@s.whatsapp.net',
      push_name: 'Bench contact',
      type: 'text',
      text: `webhook benchmark event ${k}`,
      from_me: false,
    },
    tag,
    k,
  );
}
