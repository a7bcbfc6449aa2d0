export const roles = ['api', 'session-worker', 'sender-worker', 'worker', 'all'] as const;
export type Role = (typeof roles)[number];

/** What each distributed role cannot run without (named together in one error). */
export const requiredByRole: Record<Role, string[]> = {
  api: ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL', 'API_KEY'],
  'session-worker': ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'],
  'sender-worker': ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'],
  worker: ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'],
  all: [],
};

export const runsApi = (role: Role) => role === 'api' || role === 'all';
export const runsSessions = (role: Role) => role === 'session-worker' || role === 'worker' || role === 'all';
export const runsSender = (role: Role) => role === 'sender-worker' || role === 'worker' || role === 'all';
