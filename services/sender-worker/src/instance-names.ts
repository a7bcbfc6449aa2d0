import type { InstanceRef } from '@turbozap/shared/contracts/instance-ref';
import { instancesRepo } from '@turbozap/shared/db/repositories/instances';
import type { Runtime } from '@turbozap/shared/runtime';

/**
 * Instance names for events and metric labels (`wa_instance`). Names never change after
 * creation, so they are cached; a deleted instance is reported under its id.
 */
export class InstanceNames {
  readonly #db: Runtime['db'];
  readonly #cache = new Map<string, string>();

  constructor(db: Runtime['db']) {
    this.#db = db;
  }

  async get(id: string): Promise<InstanceRef> {
    const cached = this.#cache.get(id);
    if (cached !== undefined) return { id, name: cached };
    const name = await instancesRepo.nameOf(this.#db, id);
    if (name === undefined) return { id, name: id };
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(id, name);
    return { id, name };
  }
}
