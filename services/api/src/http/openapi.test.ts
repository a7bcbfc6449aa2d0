import { eventTypes } from '@turbozap/shared/contracts/events';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

describe('OpenAPI', () => {
  test('the document is OpenAPI 3.1 and lists every route with its schemas', async () => {
    const res = await api.request('GET', '/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ms]) =>
        Object.keys(ms).map((m) => `${m} ${p}`),
      ),
    );
    for (const route of api.routes) {
      expect(documented).toContain(`${route.method} /api${route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
    const text = res.body.paths['/api/message/{name}/text'].post.requestBody.content['application/json'].schema;
    expect(text.required).toEqual(expect.arrayContaining(['to', 'text']));
  });

  test('every JSON success documents its data: webhook secrets only where they are set, times as date-time', async () => {
    const { body } = await api.request('GET', '/openapi.json', { key: null });
    const data = (path: string, method: string, status = '200') =>
      body.paths[path][method].responses[status].content['application/json'].schema.properties.data;
    for (const route of api.routes) {
      if (typeof route.response === 'string') continue;
      const path = `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;
      expect([path, data(path, route.method, String(route.successStatus ?? 200))]).toEqual([path, expect.any(Object)]);
    }
    const instance = data('/api/instance/{name}', 'get');
    expect(instance.additionalProperties).toBe(false);
    expect(instance.properties.created_at).toEqual({ type: 'string', format: 'date-time' });
    expect(data('/api/webhook/{name}/set', 'post').required).toContain('secret');
    expect(Object.keys(data('/api/webhook/{name}', 'get').properties)).not.toContain('secret');
    expect(data('/api/group/{name}/{groupId}', 'get').required).toEqual(expect.arrayContaining(['id', 'participants']));
    const media = body.paths['/api/message/{name}/{id}/media'].get.responses['200'].content;
    expect(Object.keys(media)).toEqual(['*/*']);
  });

  test('every operation has a stable operationId, unique in the document', async () => {
    const { body } = await api.request('GET', '/openapi.json', { key: null });
    const ids = Object.values(body.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((ms) =>
      Object.values(ms).map((op) => op.operationId),
    );
    expect(ids).toHaveLength(api.routes.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(body.paths['/api/message/{name}/{id}'].get.operationId).toBe('getMessageById');
    expect(body.paths['/api/message/{name}'].get.operationId).toBe('getMessage');
    expect(body.paths['/api/message/{name}/text'].post.operationId).toBe('postMessageText');
    expect(body.paths['/api/instance/{name}'].delete.operationId).toBe('deleteInstance');
  });

  test('no route is served that is not in the route table (a route cannot exist without a schema)', async () => {
    const { createApp } = await import('../app.ts');
    const { createDeps } = await import('../deps.ts');
    const { EventHub } = await import('../events-stream/hub.ts');
    const { app, routes } = createApp({
      deps: createDeps(api.runtime, { readRateLimitRpm: 0, failedAuthPerMinute: 1, failedLookupsPerMinute: 1 }),
      hub: new EventHub(api.runtime),
      readiness: async () => ({}),
    });
    const known = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const walk = (stack: Layer[]): string[] =>
      stack.flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods).map((m) => `${m} ${layer.route?.path}`)
          : layer.handle?.stack
            ? walk(layer.handle.stack)
            : [],
      );
    const served = walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
    const operational = new Set(['get /', 'get /openapi.json', 'get /docs', 'get /manager,/manager/']);
    const unexplained = served.filter((r) => !known.has(r) && !operational.has(r) && !r.includes('media'));
    expect(unexplained).toEqual([]);
    expect(served.length).toBeGreaterThan(routes.length);
  });

  test("every event type is a webhook whose data is its contract's schema", async () => {
    const { body } = await api.request('GET', '/openapi.json', { key: null });
    expect(Object.keys(body.webhooks)).toEqual([...eventTypes]);
    const schema = body.webhooks['message.failed'].post.requestBody.content['application/json'].schema;
    const data = body.components.schemas[schema.properties.data.$ref.split('/').pop()];
    expect(data.required).toEqual(expect.arrayContaining(['id', 'message_id', 'reason']));
  });

  test('/docs renders a page that loads the document', async () => {
    const res = await fetch(`${api.url}/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('/openapi.json');
  });
});
