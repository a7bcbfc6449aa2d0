import type { EventEnvelope } from './events.ts';

/** Which instance something is about: its id, and its name for people and metric labels. */
export type InstanceRef = EventEnvelope['instance'];
