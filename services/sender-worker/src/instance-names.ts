import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { Runtime } from '@turbozap/shared/runtime';

export interface InstanceRef {
  id: string;
  name: string;
}

/**
 * Instance names for events and metric labels (`wa_instance`). Names never change after
 * creation, so they are cached; a deleted instance is reported under its id.
 */
export class InstanceNames {
  private readonly db: Runtime['db'];
  private readonly cache = new Map<string, string>();

  constructor(db: Runtime['db']) {
    this.db = db;
  }

  async get(id: string): Promise<InstanceRef> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return { id, name: cached };
    const name = await instancesRepo.nameOf(this.db, id);
    if (name === undefined) return { id, name: id };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(id, name);
    return { id, name };
  }
}
