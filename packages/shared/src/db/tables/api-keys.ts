import type { Generated, Selectable } from 'kysely';

export interface ApiKeysTable {
  id: string;
  /** SHA-256 of the key, hex. The key itself is shown once and never stored. */
  hash: string;
  /** `admin` or an instance id. */
  scope: string;
  label: string | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
}
export type ApiKeyRow = Selectable<ApiKeysTable>;
