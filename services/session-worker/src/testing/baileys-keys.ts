import { silentLogger } from '@turbozap/shared/logging/logger';
import { addTransactionCapability, type SignalKeyStore } from '@whiskeysockets/baileys';
import { baileysLogger } from '../connection/baileys-logger.ts';

/** `store` wrapped as Baileys wraps a socket's key store: with its key transactions. */
export function asSocketKeys(store: SignalKeyStore) {
  return addTransactionCapability(store, baileysLogger(silentLogger()), {
    maxCommitRetries: 1,
    delayBetweenTriesMs: 0,
  });
}
