import type { ColumnType, Generated, Selectable } from 'kysely';

/** Events leave through this outbox so a broker outage loses none. */
export interface EventsOutboxTable {
  id: string;
  /** Strictly increasing (an identity column): the SSE stream's event id and replay cursor. Never written. */
  seq: ColumnType<number, never, never>;
  instance_id: string;
  event: string;
  envelope: ColumnType<Record<string, unknown>, string, string>;
  created_at: Generated<Date>;
  published_at: Date | null;
}
export type EventsOutboxRow = Selectable<EventsOutboxTable>;
