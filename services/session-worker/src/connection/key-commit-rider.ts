import type { SignalDataSet, SignalKeyStore } from '@whiskeysockets/baileys';

/**
 * A key type of our own, carried through Baileys' key store like any other. Baileys buffers the
 * `keys.set` calls of a key transaction and commits them in one `set` at its end; an entry of
 * this type, set last inside the transaction, arrives in that very commit, so the store knows
 * which transaction the commit ends and can hand its rider the commit (loadPostgresAuthState's
 * `upsertKeys`). Telling that from the call's async context instead went wrong whenever a queue
 * ran one caller's work in another's context (Baileys' per-type write queues).
 */
const RIDER_TYPE = 'turbozap-rider';

/** Within a key transaction, after its last key write: the transaction's commit carries `rider`. */
export async function rideOnKeyCommit(keys: SignalKeyStore, rider: object): Promise<void> {
  await keys.set({ [RIDER_TYPE]: { rider } } as unknown as SignalDataSet);
}

/** The rider a key commit carries (rideOnKeyCommit), taken out of `data` so only real key types remain. */
export function takeRider<R>(data: SignalDataSet): R | undefined {
  const entries = data as Record<string, Record<string, unknown> | undefined>;
  const rider = entries[RIDER_TYPE]?.['rider'] as R | undefined;
  delete entries[RIDER_TYPE];
  return rider;
}
