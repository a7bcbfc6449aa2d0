import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Broker, Delivery } from '@turbozap/shared/broker/port';
import { makeJob, parseJob, queues } from '@turbozap/shared/contracts/queues';
import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { createSafeAgent } from '@turbozap/shared/net';
import { describeWith } from '@turbozap/shared/testing/services';
import { InstanceNames } from '../instance-names.ts';
import { createHarness, eventually, type Harness } from '../testing/harness.ts';
import { LinkPreviewer } from './link-preview.ts';
import { MediaPreparer } from './media.ts';
import { OutboxPublisher } from './outbox.ts';
import { SendConsumer } from './send-consumer.ts';

const describePg = await describeWith('postgres');

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)]);
const CAP = 64 * 1024;

describePg('send consumer', () => {
  let h: Harness;
  let server: Server;
  let base: string;
  let endlessBytes = 0;
  let flaky = 0;
  const agent = createSafeAgent({ allowPrivate: true });
  const strictAgent = createSafeAgent({ allowPrivate: false });

  beforeAll(async () => {
    h = await createHarness();
    server = createServer((req, res) => {
      if (req.url === '/photo.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else if (req.url === '/page.html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html></html>');
      } else if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'image/png' });
        const timer = setInterval(() => {
          endlessBytes += 16 * 1024;
          res.write(Buffer.alloc(16 * 1024));
        }, 1);
        res.on('close', () => clearInterval(timer));
      } else if (req.url === '/flaky') {
        flaky++;
        res.writeHead(flaky === 1 ? 503 : 200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await h.broker.assertQueue(queues.send);
  }, 60_000);

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([agent.close(), strictAgent.close()]);
    await h.close();
  });

  function consumer(
    options: {
      allowPrivate?: boolean;
      maxAttempts?: number;
      now?: () => number;
      workerCount?: number;
      broker?: Broker;
    } = {},
  ): SendConsumer {
    const allowPrivate = options.allowPrivate ?? true;
    const { runtime } = h;
    return new SendConsumer({
      db: runtime.db,
      broker: options.broker ?? runtime.broker,
      logger: runtime.logger,
      metrics: runtime.metrics,
      instances: new InstanceNames(runtime.db),
      media: new MediaPreparer({
        blobs: runtime.blobs,
        agent: allowPrivate ? agent : strictAgent,
        maxBytes: CAP,
        allowPrivate,
        timeoutMs: 5_000,
      }),
      previews: new LinkPreviewer({
        agent: allowPrivate ? agent : strictAgent,
        allowPrivate,
        maxBytes: CAP,
        logger: runtime.logger,
      }),
      outbox: new OutboxPublisher(runtime.broker),
      workerCount: options.workerCount ?? 4,
      maxAttempts: options.maxAttempts ?? 3,
      backoff: { baseMs: 100, maxMs: 1_000 },
      random: () => 0.5,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  const delivery = (row: { id: string; instance_id: string }, extra: Partial<Delivery> = {}): Delivery => ({
    body: makeJob('message.send', { messageId: row.id, instanceId: row.instance_id }),
    routingKey: queues.send,
    messageId: row.id,
    headers: {},
    attempts: 0,
    redelivered: false,
    ...extra,
  });

  async function outboxJobs(instanceId: string): Promise<number> {
    try {
      return await h.broker.depth(queues.outbox(instanceId));
    } catch {
      return 0;
    }
  }

  async function failedEvents(messageId: string) {
    const rows = await h.runtime.db
      .selectFrom('events_outbox')
      .selectAll()
      .where('event', '=', 'message.failed')
      .execute();
    return rows.filter((r) => (r.envelope.data as { message_id?: string }).message_id === messageId);
  }

  test('RABBITMQ_WORKER_COUNT jobs are worked on at once, while the next ones wait here, fetched ahead', async () => {
    const instance = await h.newInstance();
    const rows = await Promise.all(Array.from({ length: 8 }, () => h.queueMessage({ instanceId: instance.id })));
    const broker = h.runtime.broker;
    let delivered = 0;
    let deliveredBeforeFirstEnded = 0;
    // The broker as the consumer sees it, counting the deliveries it hands over.
    const counting = {
      assertQueue: (...args: Parameters<Broker['assertQueue']>) => broker.assertQueue(...args),
      consume: (queue: string, handler: Parameters<Broker['consume']>[1], options: Parameters<Broker['consume']>[2]) =>
        broker.consume(
          queue,
          (d) => {
            delivered += 1;
            return handler(d);
          },
          options,
        ),
    } as unknown as Broker;
    const c = consumer({ workerCount: 2, broker: counting });
    const handle = c.handle.bind(c);
    let working = 0;
    let most = 0;
    c.handle = async (d) => {
      most = Math.max(most, ++working);
      // Hold the slots until more than two jobs are here (or give up): without the fetch-ahead,
      // no third job could arrive while both slots are busy, and this one would end at 2.
      await eventually(async () => delivered > 2, 3_000, 'a job fetched ahead').catch(() => {});
      if (deliveredBeforeFirstEnded === 0) deliveredBeforeFirstEnded = delivered;
      try {
        return await handle(d);
      } finally {
        working--;
      }
    };
    await c.start();
    try {
      for (const row of rows)
        await h.broker.send(queues.send, makeJob('message.send', { messageId: row.id, instanceId: instance.id }));
      await eventually(async () => (await outboxJobs(instance.id)) === rows.length, 10_000, 'all handed off');
    } finally {
      await c.stop();
    }
    expect(most).toBe(2);
    expect(deliveredBeforeFirstEnded).toBeGreaterThan(2);
  });

  test('a queued row becomes ready and its outbox job appears (through the broker)', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({ instanceId: instance.id });
    const c = consumer();
    await c.start();
    try {
      await h.broker.send(queues.send, makeJob('message.send', { messageId: row.id, instanceId: instance.id }));
      await eventually(async () => (await messagesRepo.get(h.runtime.db, row.id))?.status === 'ready', 5_000, 'ready');
      await eventually(async () => (await outboxJobs(instance.id)) === 1, 5_000, 'outbox job');
    } finally {
      await c.stop();
    }
    const jobs: unknown[] = [];
    const sub = await h.broker.consume(
      queues.outbox(instance.id),
      async (d) => {
        jobs.push(parseJob('message.outbox', d.body).payload);
        return { kind: 'ack' };
      },
      { prefetch: 1 },
    );
    await eventually(async () => jobs.length === 1);
    await sub.cancel();
    expect(jobs).toEqual([{ messageId: row.id, instanceId: instance.id, chat: row.remote_jid }]);
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    // Nothing to prepare for a text: straight to ready.
    expect(stored?.history.map((s) => s.status)).toEqual(['queued', 'ready']);
  });

  test('a duplicate send job is a no-op', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({ instanceId: instance.id });
    const c = consumer();
    expect(await c.handle(delivery(row))).toEqual({ kind: 'ack' });
    expect(await c.handle(delivery(row))).toEqual({ kind: 'ack' });
    expect(await outboxJobs(instance.id)).toBe(1);
    expect((await messagesRepo.get(h.runtime.db, row.id))?.history).toHaveLength(2);
  });

  test('a redelivered job re-sends the outbox job of a row left ready', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({ instanceId: instance.id });
    await messagesRepo.transition(h.runtime.db, row.id, 'preparing');
    await messagesRepo.transition(h.runtime.db, row.id, 'ready');
    const c = consumer();
    await c.handle(delivery(row));
    expect(await outboxJobs(instance.id)).toBe(0);
    await c.handle(delivery(row, { redelivered: true }));
    expect(await outboxJobs(instance.id)).toBe(1);
  });

  test('base64 media is stored in the blob store under media/<instance>/<message>', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { base64: `data:image/png;base64,${PNG.toString('base64')}`, caption: 'x' },
    });
    await consumer().handle(delivery(row));
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    expect(stored?.status).toBe('ready');
    expect(stored?.media_key).toBe(`media/${instance.id}/${row.id}`);
    const blob = await h.blobs.get(stored?.media_key ?? '');
    expect(blob?.contentType).toBe('image/png');
    const chunks: Buffer[] = [];
    for await (const chunk of blob?.body ?? []) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(PNG)).toBe(true);
  });

  test('once the media is stored the row keeps its key, type, size and caption, not the base64', async () => {
    const instance = await h.newInstance();
    const declared = await h.queueMessage({
      instanceId: instance.id,
      type: 'media',
      content: {
        base64: PNG.toString('base64'),
        media_type: 'image',
        mimetype: 'image/png',
        caption: 'hi',
        filename: 'a.png',
      },
    });
    const undeclared = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { base64: `data:image/png;base64,${PNG.toString('base64')}` },
    });
    await consumer().handle(delivery(declared));
    await consumer().handle(delivery(undeclared));
    const first = await messagesRepo.get(h.runtime.db, declared.id);
    expect(first?.status).toBe('ready');
    expect(first?.media_key).toBe(`media/${instance.id}/${declared.id}`);
    expect(first?.content).toEqual({
      media_type: 'image',
      mimetype: 'image/png',
      caption: 'hi',
      filename: 'a.png',
      media_size: PNG.length,
    });
    const second = await messagesRepo.get(h.runtime.db, undeclared.id);
    expect(second?.content).toEqual({ mimetype: 'image/png', media_size: PNG.length });
    expect((await h.blobs.get(second?.media_key ?? ''))?.size).toBe(PNG.length);
  });

  test('a message that fails keeps no base64 either', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'sticker',
      content: { base64: Buffer.from('%PDF-1.4 not a sticker').toString('base64'), caption: 'c' },
    });
    await consumer().handle(delivery(row));
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    expect(stored?.error).toBe('media_type_not_allowed');
    expect(stored?.content).toEqual({ caption: 'c' });
  });

  test('media from a URL is downloaded and stored', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'media',
      content: { media_url: `${base}/photo.png`, media_type: 'image' },
    });
    await consumer().handle(delivery(row));
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    expect(stored?.status).toBe('ready');
    expect((await h.blobs.get(stored?.media_key ?? ''))?.size).toBe(PNG.length);
  });

  test('a loopback media_url is refused when private targets are not allowed', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { media_url: `${base}/photo.png` },
    });
    expect(await consumer({ allowPrivate: false }).handle(delivery(row))).toEqual({ kind: 'ack' });
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toBe('invalid_target');
    const events = await failedEvents(row.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.envelope).toMatchObject({
      event: 'message.failed',
      instance: { id: instance.id, name: instance.name },
      data: { reason: 'invalid_target', status: 'failed' },
    });
    expect(
      await h.metric('turbozap_messages_failed_total', { reason: 'invalid_target', wa_instance: instance.name }),
    ).toBe(1);
    expect(await outboxJobs(instance.id)).toBe(0);
  });

  test('a body past MEDIA_MAX_BYTES fails media_too_large without being read whole', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { media_url: `${base}/endless` },
    });
    await consumer().handle(delivery(row));
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toBe('media_too_large');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = endlessBytes;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(endlessBytes).toBe(sent); // the server stopped: the download was aborted
    expect(await h.blobs.get(`media/${instance.id}/${row.id}`)).toBeNull();
  });

  test('base64 larger than the cap fails media_too_large before decoding', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'document',
      content: { base64: Buffer.alloc(CAP + 1).toString('base64') },
    });
    await consumer().handle(delivery(row));
    expect((await messagesRepo.get(h.runtime.db, row.id))?.error).toBe('media_too_large');
  });

  test('a non-image content type for an image fails media_type_not_allowed', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { media_url: `${base}/page.html` },
    });
    await consumer().handle(delivery(row));
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toBe('media_type_not_allowed');
    expect(await failedEvents(row.id)).toHaveLength(1);
  });

  test('a 404 media URL fails media_unreachable at once; a malformed recipient fails invalid_recipient', async () => {
    const instance = await h.newInstance();
    const missing = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { media_url: `${base}/missing.png` },
    });
    const badJid = await h.queueMessage({ instanceId: instance.id, remoteJid: 'not a jid' });
    await consumer().handle(delivery(missing));
    await consumer().handle(delivery(badJid));
    expect((await messagesRepo.get(h.runtime.db, missing.id))?.error).toBe('media_unreachable');
    expect((await messagesRepo.get(h.runtime.db, badJid.id))?.error).toBe('invalid_recipient');
  });

  test('a transient failure is retried with backoff and the retry resumes the row', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { media_url: `${base}/flaky` },
    });
    const c = consumer();
    const first = await c.handle(delivery(row));
    expect(first).toEqual({ kind: 'retry', delayMs: 75 });
    expect((await messagesRepo.get(h.runtime.db, row.id))?.status).toBe('preparing');
    expect(await c.handle(delivery(row, { attempts: 1 }))).toEqual({ kind: 'ack' });
    expect((await messagesRepo.get(h.runtime.db, row.id))?.status).toBe('ready');
  });

  test('transient failures end failed once the attempts run out', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({
      instanceId: instance.id,
      type: 'image',
      content: { media_url: 'http://127.0.0.1:1/nothing.png' },
    });
    const c = consumer({ maxAttempts: 2 });
    expect((await c.handle(delivery(row))).kind).toBe('retry');
    expect(await c.handle(delivery(row, { attempts: 1 }))).toEqual({ kind: 'ack' });
    const stored = await messagesRepo.get(h.runtime.db, row.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toBe('media_unreachable');
  });

  test('a row past expires_at ends expired with a message.failed event', async () => {
    const instance = await h.newInstance();
    const row = await h.queueMessage({ instanceId: instance.id, expiresAt: new Date(Date.now() - 1000) });
    await consumer().handle(delivery(row));
    expect((await messagesRepo.get(h.runtime.db, row.id))?.status).toBe('expired');
    expect((await failedEvents(row.id))[0]?.envelope.data).toMatchObject({ reason: 'expired', status: 'expired' });
  });

  test('a malformed job is dead-lettered', async () => {
    const result = await consumer().handle({
      ...delivery({ id: 'x', instance_id: 'y' }),
      body: Buffer.from('{"nope":1}'),
    });
    expect(result.kind).toBe('dead');
  });
});
