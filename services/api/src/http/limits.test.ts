import { type ApiHarness, startApi } from '../testing/harness.ts';

describe('limits', () => {
  let api: ApiHarness;
  let key: string;
  beforeAll(async () => {
    api = await startApi({
      env: { REDIS_RATE_LIMIT_RPM: '3', BODY_LIMIT: '1kb', CORS_ORIGINS: 'https://app.example.com' },
    });
    key = (await api.request('POST', '/instance/create', { body: { name: 'limited' } })).body.data.api_key;
  }, 60_000);
  afterAll(() => api.close());

  test('the per-instance rate limit answers 429 with Retry-After and RateLimit headers', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<ApiHarness['request']>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await api.request('GET', '/instance/limited/status', { key });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.body.error.code).toBe('rate_limited');
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.headers.get('ratelimit-limit')).toBe('3');
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
