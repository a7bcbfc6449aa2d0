export {
  MemoryCoordination,
  type MemoryCoordinationOptions,
  MemoryCoordinationStore,
  type MemoryCoordinationStoreOptions,
} from './memory-coordination.ts';
export type { Coordination, LiveWorker, RateLimitResult, Unsubscribe, WorkerBeat } from './port.ts';
export { RedisCoordination, type RedisCoordinationOptions } from './redis-coordination.ts';
