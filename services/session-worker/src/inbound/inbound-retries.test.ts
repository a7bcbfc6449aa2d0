import { defaultSettings } from '@turbozap/shared/contracts/settings';
import { StaleFenceError } from '@turbozap/shared/db/repositories/instance-ownership';
import { type BaileysEventMap, proto, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import type { InstanceScope } from '../instance-scope.ts';
import { InboundHandler, type InboundPorts } from './inbound-handler.ts';
import { ReadPause } from './read-pause.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const fence = { instanceId: 'i1', worker: 'w1', token: 1 };

/**
 * An instance scope whose fenced writes fail as `fail` says (for the nth call, from 1) and
 * otherwise succeed; what the handler logs and counts is recorded.
 */
function harness(fail: (call: number) => Error | undefined) {
  const lifetime = new AbortController();
  const warnings: string[] = [];
  const dropped: unknown[] = [];
  let calls = 0;
  const attempt = () => {
    const error = fail(++calls);
    if (error) throw error;
  };
  const scope = {
    instance: { id: 'i1', name: 'retries' },
    fence,
    ended: lifetime.signal,
    log: { warn: (message: string) => warnings.push(message), info: () => {}, error: () => {} },
    writeOne: async (run: (f: typeof fence) => Promise<unknown>) => {
      attempt();
      return run(fence);
    },
    write: async () => attempt(),
  } as unknown as InstanceScope;
  let deliver: (events: Partial<BaileysEventMap>) => void = () => {};
  /** What the socket was told: `pause` and `resume` in order. */
  const reading: string[] = [];
  const ws = { socket: { pause: () => reading.push('pause'), resume: () => reading.push('resume') } };
  const sock = { ev: { process: (handler: typeof deliver) => (deliver = handler) }, ws } as unknown as WASocket;
  const handler = new InboundHandler(scope, {
    writes: { ack: (items) => items.map(() => Promise.resolve(undefined)) },
    metrics: {
      inboundDropped: { inc: (labels: unknown) => dropped.push(labels) },
    } as unknown as InboundPorts['metrics'],
    media: {} as InboundPorts['media'],
    onActivity: () => {},
    pause: new ReadPause(() => sock),
    settings: () => defaultSettings,
    callReply: async () => {},
  });
  handler.attach(sock);
  return {
    handler,
    sock,
    deliver: (e: Partial<BaileysEventMap>) => deliver(e),
    end: () => lifetime.abort(),
    warnings,
    dropped,
    reading,
    calls: () => calls,
  };
}

const readReceipt = (id: string): Partial<BaileysEventMap> => ({
  'messages.update': [
    {
      key: { id, remoteJid: '15550000001@s.whatsapp.net', fromMe: true },
      update: { status: proto.WebMessageInfo.Status.READ },
    },
  ],
});

const pollVote = (id: string) =>
  ({
    key: { id, remoteJid: '15550000001@s.whatsapp.net', fromMe: false },
    message: { pollUpdateMessage: { pollCreationMessageKey: { id: '' }, senderTimestampMs: 1 } },
  }) as WAMessage;

describe('receipts wait out an unreachable database while the instance is ours', () => {
  test('applied once the database answers, without an item failure', async () => {
    const h = harness((call) => (call <= 3 ? refused() : undefined));
    h.deliver(readReceipt('R1'));
    await h.handler.idle();
    expect(h.calls()).toBe(4);
    expect(h.warnings).toEqual(['database unavailable: holding receipts until it answers']);
    // The socket was not read while they waited: what WhatsApp sent meanwhile stayed with it.
    expect(h.reading).toEqual(['pause', 'resume']);
  });

  test('the wait ends, quietly, when the instance ends', async () => {
    const h = harness(() => refused());
    h.deliver(readReceipt('R2'));
    await new Promise((resolve) => setTimeout(resolve, 250));
    h.end();
    await h.handler.idle();
    const tried = h.calls();
    expect(tried).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.calls()).toBe(tried);
    expect(h.warnings).not.toContain('inbound item failed');
    expect(h.reading).toEqual(['pause', 'resume']);
  });

  test.each([
    ['its own error', new TypeError('a bug')],
    ['a stale fence', StaleFenceError.of(fence)],
  ])('%s is not retried', async (_, error) => {
    const h = harness(() => error);
    h.deliver(readReceipt('R3'));
    await h.handler.idle();
    expect(h.calls()).toBe(1);
    expect(h.warnings).toEqual(['inbound item failed']);
  });
});

describe('a poll vote is retried once over, as a received message', () => {
  test('its own error: tried once, dropped and counted', async () => {
    const h = harness(() => new TypeError('a bug'));
    await h.handler.receive(h.sock, pollVote('V1'));
    expect(h.calls()).toBe(1);
    expect(h.dropped).toEqual([{ wa_instance: 'retries', reason: 'unprocessable' }]);
  });

  test('an outage: waited out until the instance ends, then left with WhatsApp, not counted', async () => {
    const h = harness(() => refused());
    const received = h.handler.receive(h.sock, pollVote('V2'));
    await new Promise((resolve) => setTimeout(resolve, 250));
    h.end();
    const tried = h.calls();
    await expect(received).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(tried).toBeGreaterThanOrEqual(2);
    expect(h.calls()).toBe(tried); // no inner retry carries on past the end
    expect(h.dropped).toEqual([]);
  });
});
