import { z } from 'zod';
import { bool, duration, int, list, optionalStr, url } from './primitives.ts';

/** Fragments of the environment, composed per role. Every variable is in .env.example. */
export const serverEnv = z.object({
  SERVER_PORT: int(0, 65535, 8080),
  SERVER_HOST: optionalStr,
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  TLS_CERT_FILE: optionalStr,
  TLS_KEY_FILE: optionalStr,
  METRICS_API_KEY_REQUIRED: bool(false),
  METRICS_SAMPLE_INTERVAL: duration(15_000),
});

export const servicesEnv = z.object({
  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_SIZE: int(1, 200, 10),
  RABBITMQ_URL: url(['amqp', 'amqps']).optional(),
  RABBITMQ_WORKER_COUNT: int(1, 1000, 4),
  REDIS_URL: url(['redis', 'rediss']).optional(),
  REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits, _ : . - only')
    .default('turbozap:'),
  DATA_DIR: z.string().trim().default('./data'),
});

export const mediaEnv = z.object({
  S3_ENDPOINT: url(['http', 'https']).optional(),
  S3_BUCKET: optionalStr,
  S3_ACCESS_KEY: optionalStr,
  S3_SECRET_KEY: optionalStr,
  S3_REGION: z.string().trim().default('us-east-1'),
  MEDIA_MAX_BYTES: int(1, 2 ** 31, 64 * 1024 * 1024),
  MEDIA_URL_TTL: duration(24 * 3_600_000),
  /** Media URLs and webhooks may target private/loopback addresses (off: SSRF guard). */
  ALLOW_PRIVATE_NETWORK_TARGETS: bool(false),
});

export const apiEnv = z.object({
  API_KEY: list,
  REDIS_RATE_LIMIT_RPM: int(0, 1_000_000, 60),
  /** Reads (GET routes that do not call WhatsApp) have their own budget, so polling never starves sends. */
  REDIS_READ_RATE_LIMIT_RPM: int(0, 1_000_000, 600),
  CORS_ORIGINS: list,
  BODY_LIMIT: z.string().trim().default('16mb'),
  PUBLIC_URL: url(['http', 'https']).optional(),
  INSTANCE_REQUEST_TIMEOUT: duration(10_000),
  MESSAGE_TTL: duration(24 * 3_600_000),
  /** Holds every JSON answer to its documented schema (a mismatch is a 500): tests and staging. */
  API_CHECK_RESPONSES: bool(false),
});

export const sessionEnv = z.object({
  SESSION_ENCRYPTION_KEY: optionalStr,
  SESSION_ENCRYPTION_KEYS: optionalStr,
  WHATSAPP_AUTO_RECONNECT: bool(true),
  WHATSAPP_WEB_VERSION: z
    .string()
    .trim()
    .regex(/^\d+\.\d+\.\d+$/, 'must look like 2.3000.1023456789')
    .optional(),
  WHATSAPP_SIMULATOR_URL: url(['http']).optional(),
  SESSION_WORKER_CAPACITY: int(1, 100_000, 200),
  LEASE_TTL: duration(15_000),
  SEND_RATE_PER_MINUTE: int(0, 100_000, 0),
  SEND_TYPING: bool(false),
});

export const webhookEnv = z.object({
  WEBHOOK_TIMEOUT: duration(10_000),
  WEBHOOK_RETRY_COUNT: int(0, 50, 5),
});

/** How long finished rows are kept before the sender-worker prunes them (0 keeps them forever). */
export const retentionEnv = z.object({
  EVENTS_RETENTION_HOURS: int(0, 87_600, 24),
  WEBHOOK_DELIVERY_RETENTION_DAYS: int(0, 3_650, 7),
});

export const fullEnv = serverEnv
  .extend(servicesEnv.shape)
  .extend(mediaEnv.shape)
  .extend(apiEnv.shape)
  .extend(sessionEnv.shape)
  .extend(webhookEnv.shape)
  .extend(retentionEnv.shape);
export type Env = z.infer<typeof fullEnv>;

/** Every variable TurboZap reads (the .env.example and README table are checked against it). */
export const knownVariables = Object.keys(fullEnv.shape).sort();
