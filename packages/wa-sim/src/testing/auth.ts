// In-memory Baileys auth state for tests (no files, no database).
import { type AuthenticationState, initAuthCreds, type SignalDataTypeMap } from '@whiskeysockets/baileys';

export function memoryAuthState(): AuthenticationState {
  const creds = initAuthCreds();
  const store = new Map<string, unknown>();
  return {
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
}
