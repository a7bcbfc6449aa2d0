import type { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { authStateRepo, type SealedValue } from '@turbozap/shared/db/repositories/auth-state';
import type { Fence } from '@turbozap/shared/db/repositories/instance-ownership';
import { whileUnavailable } from '@turbozap/shared/util/while-unavailable';
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { Db } from '../db-types.ts';
import { Lru } from '../util/lru.ts';
import { takeRider } from './key-commit-rider.ts';

export interface PostgresAuthState {
  state: AuthenticationState;
  /** True when credentials were loaded (a paired device); false for a fresh QR/pairing flow. */
  hadCreds: boolean;
  saveCreds(): Promise<void>;
  /** Deletes the credentials and every key (logged out). */
  clear(): Promise<void>;
}

/** Decrypted values kept per instance; absent keys are cached too (we are the only writer). */
const CACHE_ENTRIES = 2_000;

/** Up to this many key upserts, a write may go through `upsertKeys`. */
const GROUPED_UPSERTS = 32;

const serialize = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, BufferJSON.replacer), 'utf8');
const deserialize = <T>(bytes: Buffer): T => JSON.parse(bytes.toString('utf8'), BufferJSON.reviver) as T;

/** The AAD binding each ciphertext to its row, so rows cannot be swapped between instances or keys. */
const credsContext = (instanceId: string) => `wa_auth_creds/${instanceId}`;
const keyContext = (instanceId: string, type: string, id: string) => `wa_auth_keys/${instanceId}/${type}/${id}`;

/**
 * Baileys' AuthenticationState backed by Postgres (wa_auth_creds / wa_auth_keys), encrypted
 * with AES-256-GCM under the session keyring, every write fenced by the owner's token. No
 * session file ever touches the local disk.
 */
export async function loadPostgresAuthState<Rider = never>(
  db: Db,
  cipher: KeyringCipher,
  fence: Fence,
  options: {
    /**
     * Writes key upserts only (the common case: a send ratchets a session), e.g. group-committed,
     * with the rider of the key transaction they commit, if any (rideOnKeyCommit: a send pass).
     */
    upsertKeys?: (upserts: Array<{ type: string; id: string } & SealedValue>, rider?: Rider) => Promise<unknown>;
    /**
     * Key reads and writes wait out an unreachable database until this aborts, rather than fail:
     * a message whose decryption failed on a database blip would be lost to a retry receipt.
     */
    until?: AbortSignal;
    /** Called when a key read or write starts waiting for the database; what it returns, once it answers. */
    whileWaiting?: () => () => void;
  } = {},
): Promise<PostgresAuthState> {
  const { instanceId } = fence;
  const { until, whileWaiting } = options;
  const patiently = async <T>(work: () => Promise<T>): Promise<T> => {
    if (!until) return work();
    let release: (() => void) | undefined;
    try {
      return await whileUnavailable(work, {
        signal: until,
        onWait: (_error, attempt) => {
          if (attempt === 1) release = whileWaiting?.();
        },
      });
    } finally {
      release?.();
    }
  };
  const stored = await authStateRepo.getCreds(db, instanceId);
  const creds: AuthenticationCreds = stored
    ? deserialize<AuthenticationCreds>(cipher.open(toSealed(stored), credsContext(instanceId)))
    : initAuthCreds();
  const cache = new Lru<string, unknown>(CACHE_ENTRIES);
  const cacheKey = (type: string, id: string) => `${type}\u0000${id}`;
  /**
   * Once the device is forgotten nothing may write its keys again: Baileys can still be
   * finishing a stanza of the closed socket, and a write landing after the delete would leave
   * session material behind for a logged-out number. Writes in flight are waited for, later
   * ones are dropped, then everything is deleted.
   */
  let cleared = false;
  const writing = new Set<Promise<unknown>>();
  const write = async (work: () => Promise<unknown>): Promise<void> => {
    if (cleared) return;
    const pending = work();
    writing.add(pending);
    try {
      await pending;
    } finally {
      writing.delete(pending);
    }
  };
  const clear = async () => {
    cleared = true;
    await Promise.allSettled([...writing]);
    await authStateRepo.clear(db, fence);
    cache.clear();
  };

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      const missing: string[] = [];
      for (const id of ids) {
        const key = cacheKey(type, id);
        if (!cache.has(key)) missing.push(id);
        else if (cache.get(key) != null) result[id] = cache.get(key) as SignalDataTypeMap[T];
      }
      const rows = await patiently(() => authStateRepo.getKeys(db, instanceId, type, missing));
      const found = new Set<string>();
      for (const row of rows) {
        let value = deserialize<unknown>(cipher.open(toSealed(row), keyContext(instanceId, type, row.id)));
        if (type === 'app-state-sync-key' && value)
          value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
        result[row.id] = value as SignalDataTypeMap[T];
        cache.set(cacheKey(type, row.id), value);
        found.add(row.id);
      }
      for (const id of missing) if (!found.has(id)) cache.set(cacheKey(type, id), null);
      return result;
    },

    async set(data: SignalDataSet) {
      // When the keys take another path, the rider is not handed on (a send pass then writes its `sent` itself).
      const rider = takeRider<Rider>(data);
      const upserts: Array<{ type: string; id: string } & SealedValue> = [];
      const deletes: Array<{ type: string; id: string }> = [];
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value == null) deletes.push({ type, id });
          else
            upserts.push({ type, id, ...fromSealed(cipher.seal(serialize(value), keyContext(instanceId, type, id))) });
        }
      }
      if (upserts.length === 0 && deletes.length === 0) return;
      const { upsertKeys } = options;
      if (cleared) return;
      if (upsertKeys && deletes.length === 0 && upserts.length <= GROUPED_UPSERTS)
        await write(() => patiently(() => upsertKeys(upserts, rider)));
      else await write(() => patiently(() => authStateRepo.write(db, fence, { upserts, deletes })));
      // Only after the commit: a rejected (stale) or dropped (cleared) write must not linger in the cache.
      if (cleared) return;
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) cache.set(cacheKey(type, id), value ?? null);
      }
    },

    clear,
  };

  return {
    state: { creds, keys },
    hadCreds: stored !== undefined,
    async saveCreds() {
      const sealed = cipher.seal(serialize(creds), credsContext(instanceId));
      await write(() => authStateRepo.write(db, fence, { creds: fromSealed(sealed) }));
    },
    clear,
  };
}

const toSealed = (v: SealedValue) => ({ keyId: v.keyId, ciphertext: Buffer.from(v.ciphertext) });
const fromSealed = (s: { keyId: string; ciphertext: Buffer }): SealedValue => ({
  keyId: s.keyId,
  ciphertext: s.ciphertext,
});
