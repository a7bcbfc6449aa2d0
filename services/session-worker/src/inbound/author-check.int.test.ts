import { messagesRepo } from '@turbozap/shared/db/repositories/messages';
import { describeWith } from '@turbozap/shared/testing/services';
import { eventually, type Harness, startHarness, waitFor } from '../testing/harness.ts';
import { mayChange } from './author-check.ts';

const describePg = await describeWith('postgres');

const ME = '15550000701';
const ALICE = '15550000702';
const BOB = '15550000703';

test('mayChange: own messages in the own chat; never ours or another chat’s; a group admin may revoke', () => {
  const chat = new Set([`${BOB}@s.whatsapp.net`]);
  const inbound = (remote: string) => ({ remote_jid: remote, direction: 'inbound' as const });
  expect(mayChange('revoke', inbound(`${BOB}@s.whatsapp.net`), chat, false)).toBe(true);
  expect(mayChange('revoke', inbound(`${ALICE}@s.whatsapp.net`), chat, false)).toBe(false);
  expect(mayChange('edit', { remote_jid: `${BOB}@s.whatsapp.net`, direction: 'outbound' }, chat, false)).toBe(false);
  const group = new Set(['123@g.us']);
  expect(mayChange('revoke', { remote_jid: '123@g.us', direction: 'outbound' }, group, true)).toBe(true);
  expect(mayChange('edit', { remote_jid: '123@g.us', direction: 'outbound' }, group, true)).toBe(false);
  expect(mayChange('edit', undefined, chat, false)).toBe(true);
});

describePg('inbound revokes and edits are checked against the author', () => {
  let h: Harness;
  let id: string;

  beforeAll(async () => {
    h = await startHarness();
    h.sim.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    h.sim.sim.createAccount({ phone: BOB, pushName: 'Bob' });
    await h.startWorker('worker-authors');
    id = await h.createInstance('authors');
    await h.linkByQr(id, ME);
    await h.waitStatus(id, 'connected');
  }, 60_000);
  afterAll(() => h?.teardown(), 30_000);

  const received = (text: string) =>
    waitFor(
      async () =>
        (await messagesRepo.list(h.database.db, { instanceId: id, limit: 50 })).find(
          (m) => (m.content as { text?: string }).text === text,
        ),
      10_000,
      `"${text}" stored`,
    );
  const revokedEvents = (target: string) =>
    h.events.filter((e) => e.event === 'message.revoked' && e.data['wa_message_id'] === target);

  test("a contact cannot revoke another contact's message or ours, nor edit ours; its own it can", async () => {
    const { id: alices } = await h.sim.sim.sendText(ALICE, ME, 'from alice');
    await received('from alice');
    const ours = await h.sendText(id, BOB, 'from us');
    const oursWaId = await waitFor(
      async () => (await messagesRepo.get(h.database.db, ours.id))?.wa_message_id ?? undefined,
      10_000,
      'our message on the wire',
    );
    await eventually(() => h.sim.sim.inbox(BOB).some((m) => m.text === 'from us'), 10_000, 'at Bob');

    await h.sim.sim.sendProtocol(BOB, ME, { revoke: alices });
    await h.sim.sim.sendProtocol(BOB, ME, { revoke: oursWaId });
    await h.sim.sim.sendProtocol(BOB, ME, { edit: { id: oursWaId, text: 'bob rewrote it' } });
    // Bob's next message is handled after the three above.
    await h.sim.sim.sendText(BOB, ME, 'bob after');
    await received('bob after');
    expect(revokedEvents(alices)).toEqual([]);
    expect(revokedEvents(oursWaId)).toEqual([]);
    const rows = await messagesRepo.list(h.database.db, { instanceId: id, limit: 50 });
    expect(rows.filter((m) => m.type === 'edit')).toEqual([]);

    // Positive control: Alice revokes and edits her own.
    const { id: again } = await h.sim.sim.sendText(ALICE, ME, 'alice again');
    await received('alice again');
    await h.sim.sim.sendProtocol(ALICE, ME, { edit: { id: again, text: 'alice edited' } });
    await h.sim.sim.sendProtocol(ALICE, ME, { revoke: alices });
    await eventually(() => revokedEvents(alices).length === 1, 10_000, "Alice's revoke");
    await waitFor(
      async () =>
        (await messagesRepo.list(h.database.db, { instanceId: id, limit: 50 })).some(
          (m) => m.type === 'edit' && (m.content as { target_wa_message_id?: string }).target_wa_message_id === again,
        ),
      10_000,
      "Alice's edit",
    );
  }, 60_000);
});
