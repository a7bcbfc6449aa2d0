import type { DatabaseTarget } from '../db/database.ts';
import type { SessionKey } from './keyring.ts';
import type { Role } from './roles.ts';

export interface S3Settings {
  endpoint: string | undefined;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

/** The parsed, typed configuration of one process. Built once by `loadConfig`. */
export interface Config {
  role: Role;
  /** embedded: every service in-process under dataDir; distributed: the real services. */
  mode: 'embedded' | 'distributed';
  server: { host: string; port: number; tls: { certFile: string; keyFile: string } | undefined };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  /** How often every process samples the cluster-wide gauges (queue depths, expected instances). */
  metricsSampleIntervalMs: number;
  dataDir: string;
  database: DatabaseTarget;
  rabbitmq: { url: string; workerCount: number } | undefined;
  workerCount: number;
  redisUrl: string | undefined;
  /** Prepended to every Redis key and channel (several deployments can share one Redis). */
  redisPrefix: string;
  s3: S3Settings | undefined;
  media: { maxBytes: number; urlTtlMs: number; allowPrivateTargets: boolean };
  api: {
    adminKeys: string[];
    rateLimitRpm: number;
    /** Reads per minute per instance (their own budget, so polling never starves sends); 0: none. */
    readRateLimitRpm: number;
    corsOrigins: string[];
    bodyLimit: string;
    publicUrl: string | undefined;
    instanceRequestTimeoutMs: number;
    messageTtlMs: number;
    /** Every JSON answer held to its documented schema (a mismatch is a 500). */
    checkResponses: boolean;
    metricsRequireKey: boolean;
  };
  session: {
    keyring: SessionKey[];
    autoReconnect: boolean;
    webVersion: [number, number, number] | undefined;
    simulatorUrl: string | undefined;
    capacity: number;
    leaseTtlMs: number;
    sendRatePerMinute: number;
    sendTyping: boolean;
  };
  webhook: { timeoutMs: number; retryCount: number; allowPrivateTargets: boolean };
  /** Age past which published events and settled webhook deliveries are pruned; 0 = never. */
  retention: { eventsHours: number; webhookDeliveryDays: number };
}

/** The configuration with every secret replaced, for logs and `--check-production`. */
export function redactConfig(config: Config): unknown {
  const mask = (v: string | undefined) => (v ? '***' : undefined);
  const maskUrl = (v: string | undefined) => v?.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  return {
    ...config,
    database:
      config.database.kind === 'postgres' ? { ...config.database, url: maskUrl(config.database.url) } : config.database,
    rabbitmq: config.rabbitmq && { ...config.rabbitmq, url: maskUrl(config.rabbitmq.url) },
    redisUrl: maskUrl(config.redisUrl),
    s3: config.s3 && { ...config.s3, secretKey: mask(config.s3.secretKey), accessKey: mask(config.s3.accessKey) },
    api: { ...config.api, adminKeys: config.api.adminKeys.map(() => '***') },
    session: { ...config.session, keyring: config.session.keyring.map((k) => ({ id: k.id, key: '***' })) },
  };
}
