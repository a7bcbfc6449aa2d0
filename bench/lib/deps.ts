// bench/ is not a workspace package (it has no node_modules of its own): its third-party
// modules are loaded from the workspace package that already depends on them, with the types
// that package installed. Nothing here adds a dependency.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as PgTypes from '../../packages/shared/node_modules/@types/pg/index.d.ts';
import type * as AmqpTypes from '../../packages/shared/node_modules/amqplib/index.d.ts';
import type * as RedisTypes from '../../packages/shared/node_modules/ioredis/built/index.d.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const fromShared = createRequire(join(repoRoot, 'packages/shared/package.json'));
const fromApi = createRequire(join(repoRoot, 'services/api/package.json'));

export type Pg = typeof PgTypes;
export type Amqp = typeof AmqpTypes;
export type { AmqpTypes, PgTypes, RedisTypes };

export const loadPg = (): Pg => fromShared('pg') as Pg;
export const loadAmqp = (): Amqp => fromShared('amqplib') as Amqp;
export const loadRedis = (): typeof RedisTypes.Redis => (fromShared('ioredis') as typeof RedisTypes).Redis;

/** The parts of Express 5 the floors use (its types live under services/api). */
export interface MiniRequest {
  body: unknown;
  get(name: string): string | undefined;
}
export interface MiniResponse {
  status(code: number): MiniResponse;
  json(body: unknown): void;
  end(): void;
}
export type MiniHandler = (req: MiniRequest, res: MiniResponse, next: (error?: unknown) => void) => unknown;
export interface MiniApp {
  disable(setting: string): void;
  use(handler: unknown): void;
  post(path: string, handler: MiniHandler): void;
  listen(port: number, host: string, callback: () => void): import('node:http').Server;
}
export interface MiniExpress {
  (): MiniApp;
  json(options: { limit: string }): unknown;
}
export const loadExpress = (): MiniExpress => fromApi('express') as MiniExpress;

// ---- autocannon 9 (no bundled types): what the benchmarks read ----
export interface AutocannonOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  pipelining?: number;
  duration?: number;
  overallRate?: number;
  maxOverallRequests?: number;
  timeout?: number;
  expectBody?: string;
  /** Per-request changes (autocannon's request sequence): here, a new key and address each time. */
  requests?: Array<{ setupRequest?: (request: { headers: Record<string, string> }) => unknown }>;
}
export interface Histogram {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  total: number;
  p50: number;
  p90: number;
  p97_5: number;
  p99: number;
  p99_9: number;
}
export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram & { totalCount: number };
  requests: Histogram & { sent: number };
}
type Autocannon = (options: AutocannonOptions) => Promise<AutocannonResult>;
export const loadAutocannon = (): Autocannon => fromApi('autocannon') as Autocannon;

/** s3rver (an S3-protocol server, a devDependency of packages/shared): the workers need an S3 endpoint. */
export interface S3rverInstance {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets?: { name: string }[];
}) => S3rverInstance;
export const loadS3rver = (): S3rverClass => fromShared('s3rver') as S3rverClass;
