import { createHash, randomBytes } from 'node:crypto';
import { describeWith } from '@turbozap/shared/testing/services';
import { testPng } from '@turbozap/wa-sim/testing/png';
import { Cluster } from './support/cluster.ts';
import { waitFor } from './support/processes.ts';

const d = await describeWith('postgres', 'redis', 'rabbitmq');

const ALICE = '5511988400001';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface InboxEntry {
  id: string;
  type: string;
  viewOnce?: boolean;
  media?: { sha256?: string; error?: string };
}

// Every test links an instance of its own, so one failure stays one failure.
d('view-once media end to end (api, workers and the simulator as processes)', () => {
  const cluster = new Cluster();
  let instances = 0;

  const linked = async () => {
    instances++;
    const name = `once${instances}`;
    const me = `55119774000${String(instances).padStart(2, '0')}`;
    const { key } = await cluster.linkInstance(name, me);
    return { name, me, key };
  };

  /** Sends through the API and resolves with the contact's inbox entry of that message. */
  const delivered = async (name: string, type: string, body: Record<string, unknown>): Promise<InboxEntry> => {
    const res = await cluster.api('POST', `/message/${name}/${type}`, { to: ALICE, ...body });
    expect(res.status).toBe(202);
    const waId = await waitFor(
      `message ${res.body.data.id} sent`,
      async () => {
        const { body: m } = await cluster.api('GET', `/message/${name}/${res.body.data.id}`);
        if (m.data.status === 'failed') throw new Error(`failed: ${m.data.error}`);
        return ['sent', 'delivered', 'read'].includes(m.data.status) && (m.data.wa_message_id as string);
      },
      60_000,
      250,
    );
    return waitFor(
      `message ${waId} in the contact's inbox`,
      async () =>
        ((await cluster.sim('GET', `/sim/accounts/${ALICE}/inbox`)) as InboxEntry[]).find((m) => m.id === waId),
      30_000,
      250,
    );
  };

  beforeAll(async () => {
    await cluster.start();
    await Promise.all([
      cluster.startRole('api'),
      cluster.startRole('session-worker'),
      cluster.startRole('sender-worker'),
    ]);
    await cluster.sim('POST', '/sim/accounts', { phone: ALICE, pushName: 'Alice' });
  }, 180_000);
  afterAll(async () => {
    await cluster.stop();
  }, 60_000);

  test('an image and an audio sent view once reach the contact in the view-once wrapper, and open', async () => {
    const { name } = await linked();
    const png = testPng(24, 24);
    const image = await delivered(name, 'media', {
      base64: png.toString('base64'),
      mimetype: 'image/png',
      view_once: true,
    });
    expect(image).toMatchObject({ type: 'image', viewOnce: true, media: { sha256: sha(png) } });

    const ogg = Buffer.concat([Buffer.from('OggS'), randomBytes(512)]);
    const audio = await delivered(name, 'audio', {
      base64: ogg.toString('base64'),
      mimetype: 'audio/ogg',
      ptt: true,
      view_once: true,
    });
    expect(audio).toMatchObject({ type: 'audio', viewOnce: true, media: { sha256: sha(ogg) } });

    // Without the flag, no wrapper: the flag is what makes it.
    const plain = await delivered(name, 'media', { base64: png.toString('base64'), mimetype: 'image/png' });
    expect(plain.type).toBe('image');
    expect(plain.viewOnce).toBeUndefined();
  }, 180_000);

  test('a view-once document, or a view_once that is not a boolean, is a 400 naming the field', async () => {
    const { name } = await linked();
    const doc = await cluster.api('POST', `/message/${name}/media`, {
      to: ALICE,
      media_type: 'document',
      base64: Buffer.from('%PDF-1.4').toString('base64'),
      view_once: true,
    });
    expect(doc.status).toBe(400);
    expect(doc.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(doc.body.error.details)).toContain('view_once');
    const text = await cluster.api('POST', `/message/${name}/text`, { to: ALICE, text: 'hi', view_once: true });
    expect(text.status).toBe(400);
    expect(JSON.stringify(text.body.error.details)).toContain('body.view_once');
    const typed = await cluster.api('POST', `/message/${name}/audio`, {
      to: ALICE,
      base64: 'T2dnUw==',
      view_once: 'yes',
    });
    expect(typed.status).toBe(400);
  }, 120_000);

  test('a view-once image the contact sends is stored and announced with view_once', async () => {
    const { name, me } = await linked();
    const png = testPng(16, 16);
    const { id } = (await cluster.sim('POST', `/sim/accounts/${ALICE}/send`, {
      to: me,
      media: { type: 'image', base64: png.toString('base64'), mimetype: 'image/png', view_once: true },
    })) as { id: string };
    const stored = await waitFor(
      `message ${id} stored`,
      async () => {
        const { body } = await cluster.api('GET', `/message/${name}?remote=${ALICE}`);
        return (body.data as { wa_message_id: string; type: string; content: Record<string, unknown> }[]).find(
          (m) => m.wa_message_id === id,
        );
      },
      30_000,
      250,
    );
    expect(stored.type).toBe('image');
    expect(stored.content.view_once).toBe(true);
  }, 120_000);
});
