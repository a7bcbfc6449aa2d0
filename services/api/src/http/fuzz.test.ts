import fc from 'fast-check';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
let instanceKey: string;
beforeAll(async () => {
  api = await startApi();
  instanceKey = (await api.request('POST', '/instance/create', { body: { name: 'fuzz' } })).body.data.api_key;
}, 60_000);
afterAll(() => api.close());

const segment = fc.oneof(
  fc.constantFrom('fuzz', 'nope', '%00', '..', '%E0%A4%A', 'a'.repeat(300), '1203630000000@g.us', 'ñ', ''),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '{"to":"5511999990000","text":"x"}',
    '{"__proto__":{"x":1}}',
    '{"to":{"$gt":""}}',
    '"\\ud800"',
  ),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/merge-patch+json',
  '',
);

describe('fuzzing every route with random and malformed input', () => {
  test('never a 5xx, never a crash, every 4xx carries a stable error.code', async () => {
    const templates = api.routes.map((r) => ({
      method: r.method.toUpperCase(),
      path: r.path,
      stream: r.response === 'event-stream',
    }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        segment,
        segment,
        jsonish,
        contentType,
        fc.constantFrom<'admin' | 'instance' | 'none' | 'garbage'>('admin', 'instance', 'none', 'garbage'),
        fc.dictionary(
          fc.constantFrom('Idempotency-Key', 'Last-Event-ID', 'Accept', 'X-Forwarded-For'),
          fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
          { maxKeys: 2 },
        ),
        async (route, a, b, body, type, who, extraHeaders) => {
          const path =
            route.path.replace(':name', a).replace(/:(groupId|jid|id)/, b) +
            (Math.random() < 0.3 ? `?limit=${b}&phone=${a}` : '');
          const key =
            who === 'admin'
              ? api.adminKey
              : who === 'instance'
                ? instanceKey
                : who === 'garbage'
                  ? '\u00ff'.repeat(3)
                  : null;
          const headers: Record<string, string> = { ...extraHeaders };
          if (type) headers['Content-Type'] = type;
          if (key !== null) headers['X-API-Key'] = key;
          const res = await fetch(`${api.url}${path}`, {
            method: route.method,
            headers,
            ...(route.method === 'GET' ? {} : { body }),
            signal: AbortSignal.timeout(15_000),
          }).catch(
            (error: Error) =>
              ({ status: 0, text: async () => error.message, headers: new Headers() }) as unknown as Response,
          );
          if (route.stream && res.status === 200) {
            await res.body?.cancel();
            return;
          }
          const text = await res.text();
          expect([route.method, path, res.status]).toEqual([route.method, path, expect.any(Number)]);
          if (res.status >= 500 || res.status === 0)
            throw new Error(`${route.method} ${path} → ${res.status}: ${text}`);
          if (res.status >= 400 && res.status !== 404) {
            expect(JSON.parse(text).error.code).toMatch(/^[a-z_]+$/);
          }
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);
});
