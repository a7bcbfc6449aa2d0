import { loadConfig } from '@turbozap/shared/config';
import { apiLimits } from '../limits.ts';
import { type ApiHarness, startApi } from '../testing/harness.ts';

describe('limits', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi({
      env: {
        REDIS_RATE_LIMIT_RPM: '3',
        REDIS_READ_RATE_LIMIT_RPM: '5',
        BODY_LIMIT: '1kb',
        CORS_ORIGINS: 'https://app.example.com',
      },
    });
    key = (await api.request('POST', '/instance/create', { body: { name: 'limited' } })).body.data.api_key;
  }, 60_000);
  afterAll(() => api.close());

  test('the per-instance rate limit answers 429 with Retry-After and RateLimit headers', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<ApiHarness['request']>> | undefined;
    for (let i = 0; i < 6; i++) {
      last = await api.request('GET', '/instance/limited/status', { key });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last?.body.error.code).toBe('rate_limited');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.headers.get('ratelimit-limit')).toBe('5');
  });

  test('reads have their own budget: polling does not starve sends, and WhatsApp calls count as sends', async () => {
    // The reads of the test above used up the read budget; the send budget is untouched.
    expect((await api.request('GET', '/message/limited', { key })).status).toBe(429);
    const sends: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await api.request('POST', '/message/limited/text', { key, body: { to: '5511999990000', text: 'x' } });
      sends.push(res.status);
    }
    expect(sends).toEqual([202, 202, 202, 429]);
    const call = await api.request('GET', '/group/limited/list', { key });
    expect([call.status, call.headers.get('ratelimit-limit')]).toEqual([429, '3']);
  });

  test('a body over the limit is a 413 payload_too_large', async () => {
    const res = await api.request('POST', '/instance/create', {
      body: { name: 'big', settings: { blob: 'x'.repeat(5000) } },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('CORS answers only the allowed origin; security headers are set', async () => {
    const allowed = await fetch(`${api.url}/health`, { headers: { Origin: 'https://app.example.com' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await fetch(`${api.url}/health`, { headers: { Origin: 'https://evil.example.com' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('/health, /ready and /metrics answer without a key; metrics carry the plan names', async () => {
    expect((await api.request('GET', '/health', { key: null })).status).toBe(200);
    expect((await api.request('GET', '/ready', { key: null })).body.data.checks).toEqual({ database: true });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    for (const name of [
      'turbozap_http_requests_duration_seconds',
      'turbozap_instances_active',
      'turbozap_messages_sent_total',
      'turbozap_queue_messages_pending',
      'turbozap_process_resident_memory_bytes',
    ]) {
      expect(metrics).toContain(name);
    }
    expect(metrics).toMatch(
      /turbozap_http_requests_duration_seconds_count\{method="GET",route="\/instance\/:name\/status",status="200"\}/,
    );
  });
});

describe('REDIS_READ_RATE_LIMIT_RPM', () => {
  const readLimit = (env: Record<string, string>) => apiLimits(loadConfig('all', env)).readRateLimitRpm;

  test('defaults to 600; 0 turns it off; left unset it follows REDIS_RATE_LIMIT_RPM=0', () => {
    expect(readLimit({})).toBe(600);
    expect(readLimit({ REDIS_READ_RATE_LIMIT_RPM: '0' })).toBe(0);
    expect(readLimit({ REDIS_READ_RATE_LIMIT_RPM: '1200' })).toBe(1200);
    expect(readLimit({ REDIS_RATE_LIMIT_RPM: '0' })).toBe(0);
    expect(readLimit({ REDIS_RATE_LIMIT_RPM: '0', REDIS_READ_RATE_LIMIT_RPM: '100' })).toBe(100);
    expect(() => loadConfig('all', { REDIS_READ_RATE_LIMIT_RPM: 'lots' })).toThrow(/REDIS_READ_RATE_LIMIT_RPM/);
  });
});
