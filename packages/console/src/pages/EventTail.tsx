import type { TurboZapEvent } from '@turbozap/client';
import { type Texts, useTexts } from '../i18n.ts';

/** An event as the tail keeps it: what it was and when it arrived, with its stream id when it had one. */
export interface TailEntry {
  key: string;
  event: TurboZapEvent;
}

/** How many of the latest events the tail keeps: older ones are in the webhook log and the API. */
export const tailLength = 100;

/** One line for an event: the facts an operator scans for, never a message's text. */
function describe(event: TurboZapEvent, t: Texts): string {
  const number = (jid: string | null | undefined) => jid?.split(/[:@]/)[0] ?? '';
  switch (event.event) {
    case 'connection.update':
      return `${t.statuses[event.data.previous_status] ?? ''} → ${t.statuses[event.data.status] ?? ''}`;
    case 'message.received':
      return `${t.from} ${number(event.data.remote_jid)}: ${event.data.type}`;
    case 'message.sent':
    case 'message.ack':
    case 'message.failed':
      return `${number(event.data.remote_jid)}: ${t.messageStatuses[event.data.status] ?? event.data.status}`;
    default:
      return '';
  }
}

/** The instance's events as they arrive on its stream, newest first. */
export function EventTail({ entries }: { entries: TailEntry[] }) {
  const t = useTexts();
  return (
    <>
      <h3>{t.liveEvents}</h3>
      {entries.length === 0 && <p>{t.noEvents}</p>}
      <ol className="tail" data-testid="event-tail">
        {entries.map(({ key, event }) => (
          <li key={key}>
            <time dateTime={event.timestamp}>{new Date(event.timestamp).toLocaleTimeString()}</time>{' '}
            <code>{event.event}</code> {describe(event, t)}
          </li>
        ))}
      </ol>
    </>
  );
}
