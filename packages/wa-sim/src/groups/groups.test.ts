import { eventually, type SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { linkWithQr } from '../testing/link.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const T = '15550008001';
const B = '15550008002';
const C1 = '15550008003';
const C2 = '15550008004';
const C3 = '15550008005';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

describe('groups (sender keys)', () => {
  let t: TestSim;
  let me: SimClient;
  let bob: SimClient;
  let group: string;
  beforeAll(async () => {
    t = await startTestSim();
    for (const phone of [C1, C2, C3]) t.sim.createAccount({ phone, pushName: `C${phone.slice(-1)}` });
    me = t.track((await linkWithQr(t.sim, t.handle.wsUrl, T)).client);
    bob = t.track((await linkWithQr(t.sim, t.handle.wsUrl, B)).client);
  });
  afterAll(() => t.teardown());

  test('Baileys creates a group; members see it', async () => {
    const meta = await me.sock.groupCreate('Team', [jid(B), jid(C1), jid(C2)]);
    group = meta.id;
    expect(meta).toMatchObject({ subject: 'Team', owner: jid(T) });
    expect(meta.participants.map((p) => p.id).sort()).toEqual([jid(T), jid(B), jid(C1), jid(C2)].sort());
    const seen = await bob.sock.groupMetadata(group);
    expect(seen.participants).toHaveLength(4);
    expect((await api(t.handle.url, 'GET', `/sim/groups/${group}`)).body).toMatchObject({
      jid: group,
      subject: 'Team',
    });
  });

  test('Baileys posts: simulated phones decrypt the sender-key message, the other companion too', async () => {
    const sent = await me.sock.sendMessage(group, { text: 'hello team' });
    const id = sent!.key.id!;
    for (const phone of [C1, C2, B]) {
      const entry = await eventually(() => t.sim.inbox(phone).find((m) => m.id === id), 5000, `${phone} inbox`);
      expect(entry).toMatchObject({ from: jid(T), group, text: 'hello team' });
    }
    // Baileys may hold receipt events in its buffer (and fold them into our own message's upsert).
    await eventually(() => me.deliveredBy(id).includes(jid(C1)), 15_000, 'delivery receipt from a member');
    const got = await bob.waitForText('hello team');
    expect(got.key.remoteJid).toBe(group);
    expect(got.key.participant?.split(/[:@]/)[0]).toBe(T);
    // a second message reuses the distributed sender key (no new distribution needed)
    const again = await me.sock.sendMessage(group, { text: 'second' });
    await eventually(() => t.sim.inbox(C1).find((m) => m.id === again!.key.id), 5000, 'second group message');
  }, 60_000);

  test('a simulated member posts: both companions decrypt it', async () => {
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${C1}/send`, { to: group, text: 'from C1' });
    expect(res.status).toBe(200);
    for (const client of [me, bob]) {
      const msg = await client.waitForText('from C1');
      expect(msg.key).toMatchObject({ remoteJid: group, id: res.body.id });
    }
    expect(t.sim.inbox(C2).some((m) => m.id === res.body.id)).toBe(true);
  });

  test('participants can be added; outsiders cannot post', async () => {
    const result = await me.sock.groupParticipantsUpdate(group, [jid(C3)], 'add');
    expect(result).toEqual([expect.objectContaining({ status: '200', jid: jid(C3) })]);
    expect((await me.sock.groupMetadata(group)).participants).toHaveLength(5);
    const sent = await me.sock.sendMessage(group, { text: 'welcome C3' });
    await eventually(() => t.sim.inbox(C3).find((m) => m.id === sent!.key.id), 5000, 'new member gets messages');
    const other = t.sim.createGroup(C2, 'Private', [C1]);
    await expect(me.sock.groupMetadata(other.jid)).rejects.toThrow();
  });
});
