import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

interface Received {
  event: string;
  data: Record<string, unknown>;
  instance: { name: string };
}

/** A webhook receiver that verifies every signature as docs/WEBHOOKS.md tells receivers to. */
function receiver(secrets: Map<string, string>, events: Received[], badSignatures: string[]): Server {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const parsed = JSON.parse(body) as Received;
      const header = String(req.headers['x-turbozap-signature'] ?? '');
      const t = /t=(\d+)/.exec(header)?.[1];
      const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1];
      const secret = secrets.get(parsed.instance.name) ?? '';
      const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      if (v1 !== expected) badSignatures.push(parsed.event);
      events.push(parsed);
      res.writeHead(200).end('ok');
    });
  });
}

d('send pipeline end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  const instances = 10;
  const perInstance = 100;
  const events: Received[] = [];
  const badSignatures: string[] = [];
  const secrets = new Map<string, string>();
  let hook: Server;
  let hookUrl = '';

  beforeAll(async () => {
    await cluster.start();
    hook = receiver(secrets, events, badSignatures);
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const address = hook.address();
    hookUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
    await Promise.all([cluster.startRole('api'), cluster.startRole('worker'), cluster.startRole('sender-worker')]);
  }, 120_000);
  afterAll(async () => {
    hook?.close();
    await cluster.stop();
  }, 120_000);

  test('1,000 texts across 10 instances: each nonce arrives once, in order per chat, with signed sent/ack webhooks', async () => {
    const names = Array.from({ length: instances }, (_, i) => `pipe${i}`);
    const contacts = names.map((_, i) => `55119880${String(i).padStart(5, '0')}`);
    for (const [i, name] of names.entries()) {
      await cluster.linkInstance(name, `55119770${String(i).padStart(5, '0')}`);
      const set = await cluster.api('POST', `/webhook/${name}/set`, {
        url: hookUrl,
        events: ['message.sent', 'message.ack'],
      });
      expect(set.status).toBe(200);
      secrets.set(name, set.body.data.secret);
      await cluster.sim('POST', '/sim/accounts', { phone: contacts[i] });
    }

    const accepted = new Map<string, string>(); // message id → nonce
    await Promise.all(
      names.map(async (name, i) => {
        for (let n = 0; n < perInstance; n++) {
          const nonce = `${name}-${n}-${Math.random().toString(36).slice(2)}`;
          const res = await cluster.api('POST', `/message/${name}/text`, { to: contacts[i], text: nonce });
          expect(res.status).toBe(202);
          accepted.set(res.body.data.id, nonce);
        }
      }),
    );
    expect(accepted.size).toBe(instances * perInstance);

    const inboxes = async () =>
      Promise.all(
        contacts.map(async (c) => (await cluster.sim('GET', `/sim/accounts/${c}/inbox`)) as { text?: string }[]),
      );
    await waitFor(
      'every nonce at the recipients',
      async () => (await inboxes()).flat().length >= accepted.size,
      240_000,
      1000,
    );
    const all = await inboxes();
    const texts = all.flat().map((m) => m.text ?? '');
    expect(new Set(texts).size).toBe(texts.length); // none twice
    expect(new Set(texts)).toEqual(new Set(accepted.values()));
    for (const [i, inbox] of all.entries()) {
      const order = inbox.map((m) => Number((m.text ?? '').split('-')[1]));
      expect(order).toEqual([...order].sort((a, b) => a - b)); // acceptance order per chat
      expect(inbox).toHaveLength(perInstance);
      expect(inbox.every((m) => (m.text ?? '').startsWith(`${names[i]}-`))).toBe(true);
    }

    let missing = { sent: [] as string[], ack: [] as string[] };
    await waitFor(
      'message.sent and message.ack webhooks for each message',
      async () => {
        const sent = new Set(events.filter((e) => e.event === 'message.sent').map((e) => e.data.id));
        const acked = new Set(events.filter((e) => e.event === 'message.ack').map((e) => e.data.id));
        missing = {
          sent: [...accepted.keys()].filter((id) => !sent.has(id)),
          ack: [...accepted.keys()].filter((id) => !acked.has(id)),
        };
        return missing.sent.length === 0 && missing.ack.length === 0;
      },
      120_000,
      1000,
    ).catch((error) => {
      throw new Error(
        `${error.message}: ${missing.sent.length} without message.sent (${missing.sent.slice(0, 3).join(', ')}), ` +
          `${missing.ack.length} without message.ack (${missing.ack.slice(0, 3).join(', ')})`,
      );
    });
    expect(badSignatures).toEqual([]);
  }, 600_000);
});
