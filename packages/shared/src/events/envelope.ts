const order = ['id', 'event', 'version', 'instance', 'timestamp', 'data'];

/**
 * The JSON body of an event envelope with its fields in the documented order (jsonb stores
 * keys in its own order). Unknown fields follow, so nothing is dropped.
 */
export function envelopeBody(envelope: Record<string, unknown>): Buffer {
  const ordered: Record<string, unknown> = {};
  for (const key of order) if (key in envelope) ordered[key] = envelope[key];
  for (const [key, value] of Object.entries(envelope)) if (!(key in ordered)) ordered[key] = value;
  return Buffer.from(JSON.stringify(ordered));
}
