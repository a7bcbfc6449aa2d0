import { loadConfig } from '@turbozap/shared/config';
import { evaluateChecklist } from './production-checklist.ts';

const statusOf = (env: Record<string, string>) =>
  Object.fromEntries(evaluateChecklist(loadConfig('all', env)).map((i) => [i.item, i.status]));

describe('production checklist (OPERATIONAL_PLAN §6.1)', () => {
  test('embedded defaults fail the key, TLS and backup-encryption items', () => {
    const s = statusOf({});
    expect(s['API_KEY forte e única']).toBe('fail');
    expect(s['TLS/HTTPS configurado']).toBe('fail');
    expect(s['Rate limiting ativo']).toBe('pass');
  });

  test('a production configuration passes every checkable item', () => {
    const s = statusOf({
      DATABASE_URL: 'postgres://db/tz',
      RABBITMQ_URL: 'amqp://mq',
      REDIS_URL: 'redis://r',
      API_KEY: 'a'.repeat(64),
      SESSION_ENCRYPTION_KEY: 'ab'.repeat(32),
      PUBLIC_URL: 'https://api.example.com',
      CORS_ORIGINS: 'https://app.example.com',
    });
    expect(Object.values(s).filter((v) => v === 'fail')).toEqual([]);
  });

  test('weak keys, disabled rate limit and CORS * fail', () => {
    const s = statusOf({ API_KEY: 'your-api-key', REDIS_RATE_LIMIT_RPM: '0', CORS_ORIGINS: '*' });
    expect(s['API_KEY forte e única']).toBe('fail');
    expect(s['Rate limiting ativo']).toBe('fail');
    expect(s['CORS restrito a domínios permitidos']).toBe('fail');
  });
});
