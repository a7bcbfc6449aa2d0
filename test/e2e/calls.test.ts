import { describeWith } from '@turbozap/shared/testing/services';
import { Cluster, type RoleProcess } from './support/cluster.ts';
import { type EventReceiver, startEventReceiver } from './support/event-receiver.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988500001';
const aliceJid = `${ALICE}@s.whatsapp.net`;

interface HookEvent {
  event: string;
  instance: { name: string };
  data: { call_id?: string; from_jid?: string | null; from_lid?: string | null; status?: string };
}

interface SimCall {
  id: string;
  to: string;
  status: 'ringing' | 'rejected';
  rejectedBy?: string;
}

// Every test links an instance of its own, so one failure stays one failure.
d('calls end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  let hook: EventReceiver<HookEvent>;
  let worker: RoleProcess;
  let instances = 0;

  /** A new instance with its webhook set before it emits anything, linked by QR to a new phone. */
  const linked = async () => {
    instances++;
    const name = `calls${instances}`;
    const me = `55119775000${String(instances).padStart(2, '0')}`;
    const { key } = await cluster.linkInstance(name, me, async () => {
      const set = await cluster.api('POST', `/webhook/${name}/set`, { url: hook.url, events: ['call.received'] });
      expect(set.status).toBe(200);
    });
    return { name, me, key };
  };

  /** Alice's phone calls `me`; resolves with the call's `call.received` event once the webhook has it. */
  const ring = async (name: string, me: string) => {
    const call = (await cluster.sim('POST', `/sim/accounts/${ALICE}/call`, { to: me })) as SimCall;
    const event = await waitFor(
      `call.received of ${call.id}`,
      async () => hook.events.find((e) => e.event === 'call.received' && e.data.call_id === call.id),
      30_000,
      200,
    );
    expect(event.instance.name).toBe(name);
    return { call, event };
  };

  const callOf = async (id: string) =>
    ((await cluster.sim('GET', `/sim/accounts/${ALICE}/calls`)) as SimCall[]).find((c) => c.id === id);

  const rejectedBy = (id: string, me: string) =>
    waitFor(
      `call ${id} rejected by ${me}`,
      async () => (await callOf(id))?.rejectedBy === `${me}@s.whatsapp.net`,
      30_000,
      200,
    );

  /** Resolves with the texts `me` sent Alice, once one equal to `text` is in her inbox. */
  const aliceGot = (me: string, text: string) =>
    waitFor(
      `"${text}" in Alice's inbox`,
      async () =>
        ((await cluster.sim('GET', `/sim/accounts/${ALICE}/inbox`)) as { from: string; text?: string }[]).some(
          (m) => m.from === `${me}@s.whatsapp.net` && m.text === text,
        ),
      60_000,
      250,
    );

  beforeAll(async () => {
    await cluster.start();
    hook = await startEventReceiver<HookEvent>();
    [, worker] = await Promise.all([
      cluster.startRole('api'),
      cluster.startRole('session-worker'),
      cluster.startRole('sender-worker'),
    ]);
    await cluster.sim('POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
  }, 180_000);
  afterAll(async () => {
    await cluster.stop();
    await hook?.close();
  }, 60_000);

  test('call.received names the call and the caller; POST /call/NAME/reject rejects it at the caller', async () => {
    const { name, me } = await linked();
    const { call, event } = await ring(name, me);
    expect(event.data).toMatchObject({ call_id: call.id, from_jid: aliceJid, status: 'offer' });
    // Nothing rejects it by itself: reject_calls is off by default.
    expect((await callOf(call.id))?.status).toBe('ringing');

    const res = await cluster.api('POST', `/call/${name}/reject`, { call_id: call.id, from: event.data.from_jid });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ rejected: true });
    await rejectedBy(call.id, me);
  }, 180_000);

  test('reject_calls rejects every call by itself and sends reject_call_message to the caller', async () => {
    const { name, me } = await linked();
    const text = `Cannot take calls (${name}), please write`;
    const put = await cluster.api('PUT', `/instance/${name}/settings`, {
      reject_calls: true,
      reject_call_message: text,
    });
    expect(put.status).toBe(200);
    // Applied by the owner without reconnecting: the next call after the nudge is rejected.
    const call = await waitFor(
      'a call rejected by the setting',
      async () => {
        const rung = (await ring(name, me)).call;
        const rejected = await waitFor(
          `call ${rung.id} rejected`,
          async () => (await callOf(rung.id))?.status === 'rejected',
          5_000,
          200,
        ).catch(() => false);
        return rejected && rung;
      },
      60_000,
      0,
    );
    await rejectedBy(call.id, me);
    await aliceGot(me, text);
    // Sent once per call, through the send pipeline: it is a message of the instance.
    const { body } = await cluster.api('GET', `/message/${name}?remote=${encodeURIComponent(aliceJid)}`);
    expect((body.data as { content: { text?: string } }[]).filter((m) => m.content.text === text)).toHaveLength(1);
  }, 240_000);

  test('bad input is a 400 that names the field, never a call to the worker', async () => {
    const { name } = await linked();
    const unknown = await cluster.api('POST', `/call/${name}/reject`, { call_id: 'X', from: ALICE, reason: 'busy' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error.details)).toContain('body.reason');
    const missing = await cluster.api('POST', `/call/${name}/reject`, { from: ALICE });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.error.details)).toContain('body.call_id');
  }, 120_000);

  // Last: it replaces the session-worker.
  test('settings changed while no worker owns the instance apply once a new owner takes it over', async () => {
    const { name, me } = await linked();
    worker.kill('SIGKILL');
    // Nobody hears this nudge: only the row can tell the next owner.
    const put = await cluster.api('PUT', `/instance/${name}/settings`, { reject_calls: true });
    expect(put.status).toBe(200);
    await cluster.startRole('session-worker');
    await cluster.waitStatus(name, 'connected', 60_000);
    const { call } = await ring(name, me);
    await rejectedBy(call.id, me);
  }, 240_000);
});
