import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster, type RoleProcess } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

// Two `./turbozap api` processes share only PostgreSQL, Redis and RabbitMQ: whichever one a
// load balancer picks must give the same answer.
const d = await describeWith('postgres', 'redis', 'rabbitmq');

d('two API replicas', () => {
  const cluster = new Cluster();
  let a: RoleProcess;
  let b: RoleProcess;

  beforeAll(async () => {
    await cluster.start();
    [a, b] = await Promise.all([cluster.startRole('api'), cluster.startRole('api')]);
    await cluster.startRole('session-worker');
  }, 180_000);
  afterAll(() => cluster.stop(), 120_000);

  async function call(
    api: RoleProcess,
    method: string,
    path: string,
    body?: unknown,
    key = cluster.adminKey,
    // biome-ignore lint/suspicious/noExplicitAny: tests read envelopes of many shapes
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
      method,
      headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.json() };
  }
  const both = (method: string, path: string, body?: unknown, key?: string) =>
    Promise.all([call(a, method, path, body, key), call(b, method, path, body, key)]);
  const statusOf = (r: { body: { data: Record<string, unknown> } }) => {
    const { status, desired_state, jid, owner } = r.body.data;
    return { status, desired_state, jid, owner };
  };

  test('the same status and QR from either replica, through linking, sending and deletion', async () => {
    const created = await call(a, 'POST', '/instance/create', { name: 'twin' });
    expect(created.status).toBe(201);
    const key: string = created.body.data.api_key;
    const [sa, sb] = await both('GET', '/instance/twin/status', undefined, key);
    expect(sa.status).toBe(200);
    expect(statusOf(sb)).toEqual(statusOf(sa));

    expect((await call(b, 'POST', '/instance/twin/connect', undefined, key)).status).toBe(200);
    // The QR lives in Redis: the replica that did not ask for the connection shows it as well.
    const qr = await waitFor(
      'the same QR from both replicas',
      async () => {
        const [qa, qb] = await both('GET', '/instance/twin/qrcode');
        const code = qa.body.data.qrcode as string | null;
        return code && qb.body.data.qrcode === code && qb.body.data.base64 === qa.body.data.base64 ? code : null;
      },
      30_000,
      200,
    );
    await cluster.sim('POST', '/sim/scan', { phone: '5511955500001', qr });
    await waitFor(
      'connected on both replicas',
      async () => (await both('GET', '/instance/twin/status')).every((r) => r.body.data.status === 'connected'),
      30_000,
      200,
    );
    const [ca, cb] = await both('GET', '/instance/twin/status');
    expect(statusOf(cb)).toEqual(statusOf(ca));
    expect(ca.body.data.owner).toBeTruthy();
    const [qa, qb] = await both('GET', '/instance/twin/qrcode');
    expect([qa.body.data.qrcode, qb.body.data.qrcode]).toEqual([null, null]);

    const sends = await both('POST', '/message/twin/text', { to: '5511955500002', text: 'hi' }, key);
    expect(sends.map((r) => r.status)).toEqual([202, 202]);

    // Deleted through one replica: the other refuses the instance at once, sends included
    // (its cached copy of the instance cannot outlive the row; see services/api/src/instance-cache.ts).
    expect((await call(a, 'DELETE', '/instance/twin')).status).toBe(200);
    const [ga, gb] = await both('GET', '/instance/twin/status');
    expect([ga.status, gb.status]).toEqual([404, 404]);
    const late = await call(b, 'POST', '/message/twin/text', { to: '5511955500002', text: 'too late' });
    expect([late.status, late.body.error.code]).toEqual([404, 'instance_not_found']);
    expect([401, 403]).toContain(
      (await call(b, 'POST', '/message/twin/text', { to: '5511955500002', text: 'x' }, key)).status,
    );
  }, 180_000);
});
