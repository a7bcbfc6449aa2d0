import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBroker } from '@turbozap/shared/broker/memory-broker';
import { MemoryCoordination } from '@turbozap/shared/coordination/memory-coordination';
import type { Component } from '@turbozap/shared/runtime';
import { describeWith } from '@turbozap/shared/testing/services';
import { testPng } from '@turbozap/wa-sim/testing/png';
import { type ApiHarness, startApi } from '../../services/api/src/testing/harness.ts';
import { createSenderWorker } from '../../services/sender-worker/src/sender-worker.ts';
import { type Harness, startHarness, waitFor } from '../../services/session-worker/src/testing/harness.ts';

const d = await describeWith('postgres');

const ME = '5511977300001';
const ALICE = '5511988300001';
/** What a refused URL may say: a stable code, nothing the target (or its absence) answered. */
const upstreamText = /\bE[A-Z]{4,}\b|socket|fetch failed|answered|status \d{3}/;

/**
 * The acceptance test of issue #14 item 7: API, session-worker, sender-worker and the simulator
 * in one process, ALLOW_PRIVATE_NETWORK_TARGETS unset, and every URL-taking field of every route
 * pointed by an instance key at a loopback trap that counts its hits.
 */
d('URL fields never reach a private address', () => {
  const hits: string[] = [];
  let trap: Server;
  let trapUrl = '';
  let closedUrl = '';
  let h: Harness;
  let api: ApiHarness;
  let sender: Component;
  let key = '';

  const listen = async (server: Server) => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const call = (method: string, path: string, body: unknown) => api.request(method, path, { key, body });
  const settled = (id: string) =>
    waitFor(
      async () => {
        const { body } = await call('GET', `/message/ssrf/${id}`, undefined);
        return ['sent', 'delivered', 'read', 'failed'].includes(body.data.status) ? body.data : undefined;
      },
      30_000,
      `message ${id} settled`,
    );

  type Outcome =
    | { type: string; sync: true; status: number; message: string }
    | { type: string; sync: false; status: string; error: string | null };
  /** A message's fate: refused at once, or accepted and then settled. */
  const send = async ([type, body]: [string, Record<string, unknown>]): Promise<Outcome> => {
    const res = await call('POST', `/message/ssrf/${type}`, body);
    if (res.status !== 202) return { type, sync: true, status: res.status, message: String(res.body.error?.message) };
    const message = await settled(res.body.data.id);
    return { type, sync: false, status: message.status, error: message.error };
  };
  const expectRefused = (answer: { status: number; message: string }) => {
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.message).not.toMatch(upstreamText);
  };

  beforeAll(async () => {
    trap = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'image/png' }).end(testPng(8, 8));
    });
    trapUrl = await listen(trap);
    // A port nothing listens on: its answers must not differ from the trap's.
    const closed = createServer();
    closedUrl = await listen(closed);
    await new Promise((r) => closed.close(r));

    h = await startHarness();
    h.sim.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    await h.startWorker('ssrf-session-worker');
    api = await startApi({
      runtime: {
        db: h.database.db,
        broker: new MemoryBroker({ server: h.brokerServer }),
        coordination: new MemoryCoordination({ store: h.coordinationStore }),
      },
    });
    sender = createSenderWorker(await h.runtime('ssrf-sender-worker'));
    await sender.start();
    const created = await api.request('POST', '/instance/create', { body: { name: 'ssrf' } });
    expect(created.status).toBe(201);
    key = created.body.data.api_key;
    const instanceId = created.body.data.instance.id;
    expect((await call('POST', '/instance/ssrf/connect', undefined)).status).toBeLessThan(300);
    await h.linkByQr(instanceId, ME);
    await h.waitStatus(instanceId, 'connected');
  }, 90_000);
  beforeEach(() => {
    hits.length = 0;
  });
  afterAll(async () => {
    await sender?.stop();
    await api?.close();
    await h?.teardown();
    trap?.closeAllConnections();
    await new Promise((r) => trap?.close(r));
  }, 30_000);

  test('synchronous routes answer 4xx with a stable code, the same for the trap and a closed port', async () => {
    const answers = [];
    for (const base of [trapUrl, closedUrl, trapUrl.replace('127.0.0.1', 'localhost')]) {
      const profile = await call('PUT', '/profile/ssrf', { picture_url: `${base}/avatar.png` });
      const webhook = await call('POST', '/webhook/ssrf/set', { url: `${base}/hook` });
      answers.push({ profile: [profile.status, profile.body.error], webhook: [webhook.status, webhook.body.error] });
    }
    expect(hits).toEqual([]);
    for (const answer of answers)
      for (const [status, error] of [answer.profile, answer.webhook])
        expectRefused({ status, message: error?.message });
    expect(answers[0]?.profile[1].code).toBe('invalid_target');
    expect(answers[1]).toEqual(answers[0]);
  }, 60_000);

  test('a message with a media URL is refused, or accepted and ends failed, with the same reason', async () => {
    const media = { to: ALICE, media_url: `${trapUrl}/m.png` };
    const sends: [string, Record<string, unknown>][] = [
      ['media', { ...media, media_type: 'image' }],
      ['media', { ...media, media_url: `${closedUrl}/m.png`, media_type: 'document' }],
      ['audio', media],
      ['sticker', media],
      ['story', { media_url: media.media_url, type: 'image' }],
    ];
    for (const outcome of await Promise.all(sends.map(send))) {
      if (outcome.sync) expectRefused(outcome);
      else expect(outcome).toEqual({ type: outcome.type, sync: false, status: 'failed', error: 'invalid_target' });
    }
    expect(hits).toEqual([]);
  }, 90_000);

  test('a carousel card media URL and a link in a text are never fetched', async () => {
    const sends: [string, Record<string, unknown>][] = [
      ['carousel', { to: ALICE, text: 'pick one', cards: [{ title: 'a', body: 'a', media_url: `${trapUrl}/c.png` }] }],
      ['text', { to: ALICE, text: `look ${trapUrl}/preview` }],
    ];
    for (const outcome of await Promise.all(sends.map(send))) {
      if (outcome.sync) expectRefused(outcome);
      else expect(outcome.status).not.toBe('failed');
    }
    expect(hits).toEqual([]);
  }, 90_000);
});
