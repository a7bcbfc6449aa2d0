// In-memory Baileys auth state for tests (no files, no database).
import { type AuthenticationState, BufferJSON, initAuthCreds, type SignalDataTypeMap } from '@whiskeysockets/baileys';

const stores = new WeakMap<AuthenticationState, Map<string, unknown>>();

/** Serialised and read back the way a file or database store does it. */
const reloaded = <T>(value: T): T => JSON.parse(JSON.stringify(value, BufferJSON.replacer), BufferJSON.reviver);

export function memoryAuthState(): AuthenticationState {
  return withStore(initAuthCreds(), new Map());
}

/**
 * What a process that saved `auth` now would load after a restart: a copy that does not see what
 * the original does from here on (e.g. a client killed before the keys of a message were saved).
 */
export function savedAuthState(auth: AuthenticationState): AuthenticationState {
  const store = stores.get(auth);
  if (!store) throw new Error('not an auth state from memoryAuthState()');
  return withStore(reloaded(auth.creds), new Map(reloaded([...store])));
}

function withStore(creds: AuthenticationState['creds'], store: Map<string, unknown>): AuthenticationState {
  const auth: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const id of ids) {
          const value = store.get(`${type}/${id}`);
          if (value !== undefined) out[id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set: async (data) => {
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) store.delete(`${type}/${id}`);
            else store.set(`${type}/${id}`, value);
          }
        }
      },
    },
  };
  stores.set(auth, store);
  return auth;
}
