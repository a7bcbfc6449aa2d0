import { createHash } from 'node:crypto';
import {
  decryptPollVote,
  getAggregateVotesInPollMessage,
  isLidUser,
  jidNormalizedUser,
  type WAMessage,
} from '@whiskeysockets/baileys';
import { eventually, type SimClient } from '../testing/client.ts';
import { api } from '../testing/http.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';

const ME = '15550007001';
const ALICE = '15550007002';

describe('a simulated contact votes on a poll, encrypted as WhatsApp does', () => {
  let t: TestSim;
  let me: SimClient;
  let poll: WAMessage;
  beforeAll(async () => {
    t = await startTestSim();
    t.sim.createAccount({ phone: ALICE, pushName: 'Alice' });
    me = (await t.link(ME)).client;
    poll = (await me.sock.sendMessage(`${ALICE}@s.whatsapp.net`, {
      poll: { name: 'Lunch?', values: ['pizza', 'sushi', 'salad'], selectableCount: 2 },
    }))!;
    await eventually(() => t.sim.inbox(ALICE).find((m) => m.id === poll.key.id), 5000, 'poll in the inbox');
  });
  afterAll(() => t.teardown());

  /** The contact votes; resolves with the vote as Baileys received it. */
  const vote = async (options: string[]) => {
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/vote`, {
      to: ME,
      pollId: poll.key.id,
      options,
    });
    expect(res.status).toBe(200);
    return eventually(() => me.received.find((m) => m.key.id === res.body.id), 5000, 'the vote at Baileys');
  };

  /** Baileys' own decryption, with the JIDs its readers use: both parties by phone number. */
  const decrypt = (received: WAMessage) => {
    const update = received.message?.pollUpdateMessage;
    expect(update?.pollCreationMessageKey?.id).toBe(poll.key.id);
    const voterJid = [received.key.remoteJid, received.key.remoteJidAlt]
      .map((j) => jidNormalizedUser(j ?? ''))
      .find((j) => j && !isLidUser(j));
    expect(voterJid).toBe(`${ALICE}@s.whatsapp.net`);
    return decryptPollVote(update!.vote!, {
      pollEncKey: poll.message!.messageContextInfo!.messageSecret!,
      pollCreatorJid: jidNormalizedUser(me.sock.user!.id),
      pollMsgId: poll.key.id!,
      voterJid: voterJid!,
    });
  };

  test('Baileys decrypts the vote to the chosen options; a new vote replaces it, an empty one withdraws it', async () => {
    const first = await vote(['sushi', 'pizza']);
    const tally = (received: WAMessage) =>
      getAggregateVotesInPollMessage(
        { message: poll.message, pollUpdates: [{ pollUpdateMessageKey: received.key, vote: decrypt(received) }] },
        me.sock.user!.id,
      )
        .filter((o) => o.voters.length > 0)
        .map((o) => o.name);
    expect(tally(first)).toEqual(['pizza', 'sushi']);
    const second = await vote(['salad']);
    expect(tally(second)).toEqual(['salad']);
    expect(Number(second.message!.pollUpdateMessage!.senderTimestampMs)).toBeGreaterThan(
      Number(first.message!.pollUpdateMessage!.senderTimestampMs),
    );
    const withdrawn = await vote([]);
    expect(decrypt(withdrawn).selectedOptions).toEqual([]);
    expect(t.sim.outbox(ALICE).filter((m) => m.type === 'pollUpdate')).toHaveLength(3);
  });

  test('a vote decrypts only with its own poll: another secret fails authentication', async () => {
    const received = await vote(['pizza']);
    expect(() =>
      decryptPollVote(received.message!.pollUpdateMessage!.vote!, {
        pollEncKey: Buffer.alloc(32, 7),
        pollCreatorJid: jidNormalizedUser(me.sock.user!.id),
        pollMsgId: poll.key.id!,
        voterJid: `${ALICE}@s.whatsapp.net`,
      }),
    ).toThrow();
  });

  test('in a group, the vote goes to the group and names the poll by group and creator', async () => {
    const group = t.sim.createGroup(ALICE, 'Lunch club', [ME]);
    const groupPoll = (await me.sock.sendMessage(group.jid, {
      poll: { name: 'Where?', values: ['here', 'there'], selectableCount: 1 },
    }))!;
    const entry = await eventually(
      () => t.sim.inbox(ALICE).find((m) => m.id === groupPoll.key.id),
      5000,
      'group poll in the inbox',
    );
    expect(entry).toMatchObject({ type: 'pollCreation', group: group.jid }); // a single-choice poll is V3
    const res = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/vote`, {
      to: group.jid,
      pollId: groupPoll.key.id,
      options: ['there'],
    });
    expect(res.status).toBe(200);
    const received = await eventually(() => me.received.find((m) => m.key.id === res.body.id), 5000, 'group vote');
    expect(received.key.remoteJid).toBe(group.jid);
    const update = received.message!.pollUpdateMessage!;
    expect(update.pollCreationMessageKey).toMatchObject({ remoteJid: group.jid, id: groupPoll.key.id });
    const selected = decryptPollVote(update.vote!, {
      pollEncKey: groupPoll.message!.messageContextInfo!.messageSecret!,
      pollCreatorJid: jidNormalizedUser(me.sock.user!.id),
      pollMsgId: groupPoll.key.id!,
      voterJid: `${ALICE}@s.whatsapp.net`,
    }).selectedOptions;
    const names = getAggregateVotesInPollMessage(
      {
        message: groupPoll.message,
        pollUpdates: [{ pollUpdateMessageKey: received.key, vote: { selectedOptions: selected } }],
      },
      me.sock.user!.id,
    );
    expect(names.filter((o) => o.voters.length > 0).map((o) => o.name)).toEqual(['there']);
  });

  test('votes the poll does not allow are refused', async () => {
    const post = (body: Record<string, unknown>) => api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/vote`, body);
    expect((await post({ to: ME, pollId: 'NOPE', options: [] })).errorCode).toBe('unknown_poll');
    expect((await post({ to: '15550007999', pollId: poll.key.id, options: [] })).status).toBe(404);
    expect((await post({ to: ME, pollId: poll.key.id, options: ['soup'] })).errorCode).toBe('unknown_option');
    expect((await post({ to: ME, pollId: poll.key.id, options: ['pizza', 'sushi', 'salad'] })).errorCode).toBe(
      'too_many_options',
    );
    expect((await post({ to: ME, pollId: poll.key.id, options: 'pizza' })).errorCode).toBe('invalid_options');
  });

  test("a contact's own poll arrives with its secret, and the contact's vote on it decrypts with that secret", async () => {
    const sent = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, {
      to: ME,
      poll: { name: 'Where?', options: ['beach', 'hills'], selectable: 1 },
    });
    expect(sent.status).toBe(200);
    const theirs = await eventually(() => me.received.find((m) => m.key.id === sent.body.id), 5000, 'the poll');
    const created = theirs.message?.pollCreationMessageV3;
    expect(created?.options?.map((o) => o.optionName)).toEqual(['beach', 'hills']);
    const secret = theirs.message?.messageContextInfo?.messageSecret;
    expect(secret).toHaveLength(32);

    const voted = await api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/vote`, {
      to: ME,
      pollId: sent.body.id,
      options: ['hills'],
    });
    expect(voted.status).toBe(200);
    const received = await eventually(() => me.received.find((m) => m.key.id === voted.body.id), 5000, 'the vote');
    const update = received.message?.pollUpdateMessage;
    // Sent as the contact's phone sees it (its own poll, fromMe); Baileys turns it to our view.
    expect(update?.pollCreationMessageKey).toMatchObject({ id: sent.body.id, fromMe: false });
    const alice = `${ALICE}@s.whatsapp.net`;
    const opened = decryptPollVote(update!.vote!, {
      pollEncKey: secret!,
      pollCreatorJid: alice,
      pollMsgId: String(sent.body.id),
      voterJid: alice,
    });
    expect(opened.selectedOptions.map((h) => Buffer.from(h).toString('hex'))).toEqual([
      createHash('sha256').update('hills').digest('hex'),
    ]);
    const bad = (poll: unknown) => api(t.handle.url, 'POST', `/sim/accounts/${ALICE}/send`, { to: ME, poll });
    expect((await bad({ name: 'x', options: ['only one'] })).errorCode).toBe('invalid_poll');
    expect((await bad({ name: 'x', options: ['a', 'a'] })).errorCode).toBe('invalid_poll');
    expect((await bad({ name: 'x', options: ['a', 'b'], selectable: 3 })).errorCode).toBe('invalid_poll');
  });
});
