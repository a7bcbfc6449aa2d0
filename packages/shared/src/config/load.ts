import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { Config } from './config.ts';
import { parseKeyring } from './keyring.ts';
import { type Role, requiredByRole, runsSessions } from './roles.ts';
import { type Env, fullEnv } from './schema.ts';

/** Every configuration problem at once: the process prints it and starts nothing. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Empty means unset: compose files and CI templates pass `DATABASE_URL=` for "not configured",
 * so an empty (or blank) value must neither fail validation nor hide a default or the .env value.
 */
function withoutEmpty(vars: Record<string, string | undefined>): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (v !== undefined && v.trim() !== '') set[k] = v;
  return set;
}

/** `.env` (if present) under the real environment: a variable set (non-empty) in the environment wins. */
export function readEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  envFile = resolve('.env'),
): Record<string, string> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseDotenv(readFileSync(envFile));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError([`cannot read ${envFile}: ${String(error)}`]);
  }
  return { ...withoutEmpty(fromFile), ...withoutEmpty(env) };
}

const distributedServices = ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL'] as const;

export function loadConfig(role: Role, given: Record<string, string | undefined>): Config {
  const raw = withoutEmpty(given);
  const parsed = fullEnv.safeParse(raw);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`);
  const env = (parsed.success ? parsed.data : {}) as Env;
  const present = (name: string) => raw[name] !== undefined;

  const setServices = distributedServices.filter(present);
  let mode: Config['mode'] = 'distributed';
  if (role === 'all' && setServices.length === 0) mode = 'embedded';
  else if (role === 'all' && setServices.length < distributedServices.length) {
    problems.push(
      `partial distributed configuration: ${setServices.join(', ')} set but ${distributedServices.filter((n) => !present(n)).join(', ')} not — set all three, or none for embedded mode`,
    );
  } else {
    const missing = requiredByRole[role].filter((name) => !present(name));
    if (missing.length > 0) problems.push(`${role} needs ${missing.join(', ')} (missing)`);
  }

  const keyring = parseKeyring(raw.SESSION_ENCRYPTION_KEYS, raw.SESSION_ENCRYPTION_KEY);
  if (typeof keyring === 'string') problems.push(`SESSION_ENCRYPTION_KEY(S): ${keyring}`);
  else if (keyring.length === 0 && mode === 'distributed' && runsSessions(role)) {
    problems.push('SESSION_ENCRYPTION_KEY is required: session credentials are encrypted at rest');
  }
  if (env.TLS_CERT_FILE && !env.TLS_KEY_FILE) problems.push('TLS_CERT_FILE is set but TLS_KEY_FILE is not');
  if (env.TLS_KEY_FILE && !env.TLS_CERT_FILE) problems.push('TLS_KEY_FILE is set but TLS_CERT_FILE is not');
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = resolve(env.DATA_DIR);
  const s3 =
    env.S3_BUCKET && env.S3_ACCESS_KEY && env.S3_SECRET_KEY
      ? {
          endpoint: env.S3_ENDPOINT,
          bucket: env.S3_BUCKET,
          accessKey: env.S3_ACCESS_KEY,
          secretKey: env.S3_SECRET_KEY,
          region: env.S3_REGION,
        }
      : undefined;
  return {
    role,
    mode,
    server: {
      host: env.SERVER_HOST ?? '0.0.0.0',
      port: env.SERVER_PORT,
      tls:
        env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE } : undefined,
    },
    logLevel: env.LOG_LEVEL,
    metricsSampleIntervalMs: env.METRICS_SAMPLE_INTERVAL,
    dataDir,
    database:
      mode === 'embedded' || !env.DATABASE_URL
        ? { kind: 'pglite', dataDir: resolve(dataDir, 'db') }
        : { kind: 'postgres', url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE },
    rabbitmq:
      mode === 'distributed' && env.RABBITMQ_URL
        ? { url: env.RABBITMQ_URL, workerCount: env.RABBITMQ_WORKER_COUNT }
        : undefined,
    workerCount: env.RABBITMQ_WORKER_COUNT,
    redisUrl: mode === 'distributed' ? env.REDIS_URL : undefined,
    redisPrefix: env.REDIS_PREFIX,
    s3: mode === 'distributed' ? s3 : undefined,
    media: {
      maxBytes: env.MEDIA_MAX_BYTES,
      urlTtlMs: env.MEDIA_URL_TTL,
      allowPrivateTargets: env.ALLOW_PRIVATE_NETWORK_TARGETS,
    },
    api: {
      adminKeys: env.API_KEY,
      rateLimitRpm: env.REDIS_RATE_LIMIT_RPM,
      // Left unset, it follows REDIS_RATE_LIMIT_RPM=0: a deployment that turned limiting off keeps it off.
      readRateLimitRpm:
        present('REDIS_READ_RATE_LIMIT_RPM') || env.REDIS_RATE_LIMIT_RPM !== 0 ? env.REDIS_READ_RATE_LIMIT_RPM : 0,
      corsOrigins: env.CORS_ORIGINS,
      bodyLimit: env.BODY_LIMIT,
      publicUrl: env.PUBLIC_URL,
      instanceRequestTimeoutMs: env.INSTANCE_REQUEST_TIMEOUT,
      messageTtlMs: env.MESSAGE_TTL,
      checkResponses: env.API_CHECK_RESPONSES,
      metricsRequireKey: env.METRICS_API_KEY_REQUIRED,
    },
    session: {
      keyring: keyring as Exclude<typeof keyring, string>,
      autoReconnect: env.WHATSAPP_AUTO_RECONNECT,
      webVersion: env.WHATSAPP_WEB_VERSION?.split('.').map(Number) as [number, number, number] | undefined,
      simulatorUrl: env.WHATSAPP_SIMULATOR_URL,
      capacity: env.SESSION_WORKER_CAPACITY,
      leaseTtlMs: env.LEASE_TTL,
      sendRatePerMinute: env.SEND_RATE_PER_MINUTE,
      sendTyping: env.SEND_TYPING,
    },
    webhook: {
      timeoutMs: env.WEBHOOK_TIMEOUT,
      retryCount: env.WEBHOOK_RETRY_COUNT,
      allowPrivateTargets: env.ALLOW_PRIVATE_NETWORK_TARGETS,
    },
    retention: {
      eventsHours: env.EVENTS_RETENTION_HOURS,
      webhookDeliveryDays: env.WEBHOOK_DELIVERY_RETENTION_DAYS,
    },
  };
}
