import type { Runtime } from '@turbozap/shared/runtime';

// The session-worker does not depend on kysely directly; these are the shapes the shared
// repositories take, derived from the runtime's database handle.
export type Db = Runtime['db'];
export type Trx = Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0];
