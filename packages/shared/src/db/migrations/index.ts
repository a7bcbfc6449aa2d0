import type { Migration } from 'kysely/migration';
import * as initial from './20261129-0001-initial.ts';

/** Every migration, by timestamped name. Add new ones here; never edit an applied one. */
export const migrations: Record<string, Migration> = {
  '20261129-0001-initial': initial,
};
