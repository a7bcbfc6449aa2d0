export interface SimStats {
  /** WebSocket connections currently open. */
  connections: number;
  /** Logins that replaced a live connection of the same device (the old one got `conflict`). */
  conflicts: number;
  /** Message copies not delivered because the recipient device already had that message id. */
  duplicatesSuppressed: number;
  /** Messages accepted and routed (once per message stanza, whatever the fan-out). */
  messagesRelayed: number;
  /** WebSocket connections accepted since start. */
  connectionsTotal: number;
  /** Successful logins of companion devices. */
  logins: number;
  /** Companion devices linked (QR or pairing code). */
  pairings: number;
  /** Stanzas written to companions' connections and not acknowledged yet, all devices together. */
  pending: number;
}

export const emptyStats = (): SimStats => ({
  connections: 0,
  conflicts: 0,
  duplicatesSuppressed: 0,
  messagesRelayed: 0,
  connectionsTotal: 0,
  logins: 0,
  pairings: 0,
  pending: 0,
});
