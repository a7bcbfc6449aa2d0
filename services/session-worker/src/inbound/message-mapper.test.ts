import { proto, type WAMessage } from '@whiskeysockets/baileys';
import { jidPair } from './jids.ts';
import { mapInbound } from './message-mapper.ts';

const msg = (message: proto.IMessage): WAMessage => ({
  key: { remoteJid: '15550000002@s.whatsapp.net', id: 'ABC', fromMe: false },
  message,
});

describe('inbound message mapping', () => {
  test('plain and extended text, with quote and mentions', () => {
    expect(mapInbound(msg({ conversation: 'hi' }))).toEqual({
      kind: 'message',
      type: 'text',
      event: 'message.received',
      content: { text: 'hi' },
    });
    const extended = mapInbound(
      msg({
        extendedTextMessage: { text: 'yo @1', contextInfo: { stanzaId: 'Q1', mentionedJid: ['1@s.whatsapp.net'] } },
      }),
    );
    expect(extended).toMatchObject({
      type: 'text',
      content: { text: 'yo @1', quoted_wa_message_id: 'Q1', mentions: ['1@s.whatsapp.net'] },
    });
  });

  test('wrappers (ephemeral, view once) are unwrapped', () => {
    expect(mapInbound(msg({ ephemeralMessage: { message: { conversation: 'secret' } } }))).toMatchObject({
      type: 'text',
      content: { text: 'secret' },
    });
    // View once is unwrapped and said: the wrapper (from Baileys' sends), or the media's own flag.
    const once = { imageMessage: { mimetype: 'image/jpeg' } };
    expect(mapInbound(msg({ viewOnceMessage: { message: once } }))).toMatchObject({
      type: 'image',
      content: { view_once: true },
    });
    expect(mapInbound(msg({ ephemeralMessage: { message: { viewOnceMessageV2: { message: once } } } }))).toMatchObject({
      content: { view_once: true },
    });
    expect(mapInbound(msg({ audioMessage: { viewOnce: true } }))).toMatchObject({ content: { view_once: true } });
    expect(mapInbound(msg(once))).not.toHaveProperty('content.view_once');
  });

  test('a forwarded message says so, with its forwarding score', () => {
    const forwarded = mapInbound(
      msg({ extendedTextMessage: { text: 'fw', contextInfo: { isForwarded: true, forwardingScore: 2 } } }),
    );
    expect(forwarded).toMatchObject({ content: { text: 'fw', forwarded: true, forwarding_score: 2 } });
  });

  test('media is flagged for download with its kind and mimetype', () => {
    const image = mapInbound(msg({ imageMessage: { caption: 'look', mimetype: 'image/jpeg', fileLength: 1234 } }));
    expect(image).toMatchObject({
      kind: 'message',
      type: 'image',
      media: { kind: 'image', mimetype: 'image/jpeg' },
      content: { caption: 'look', size: 1234 },
    });
    expect(mapInbound(msg({ documentMessage: { fileName: 'a.pdf', mimetype: 'application/pdf' } }))).toMatchObject({
      type: 'document',
      content: { filename: 'a.pdf' },
    });
  });

  test('location, contact, reaction, poll', () => {
    expect(
      mapInbound(msg({ locationMessage: { degreesLatitude: 1.5, degreesLongitude: -2, name: 'HQ' } })),
    ).toMatchObject({ type: 'location', content: { latitude: 1.5, longitude: -2, name: 'HQ' } });
    expect(mapInbound(msg({ contactMessage: { displayName: 'Bob', vcard: 'BEGIN:VCARD' } }))).toMatchObject({
      type: 'contact',
      content: { contacts: [{ name: 'Bob' }] },
    });
    expect(mapInbound(msg({ reactionMessage: { text: '👍', key: { id: 'T1' } } }))).toMatchObject({
      type: 'reaction',
      content: { emoji: '👍', target_wa_message_id: 'T1' },
    });
    expect(
      mapInbound(
        msg({
          pollCreationMessageV3: {
            name: 'Q?',
            options: [{ optionName: 'a' }, { optionName: 'b' }],
            selectableOptionsCount: 1,
          },
        }),
      ),
    ).toMatchObject({ type: 'poll', content: { name: 'Q?', options: ['a', 'b'] } });
  });

  test('a poll vote names its poll and carries the encrypted selection and the voter clock', () => {
    const vote = { encPayload: Buffer.from('payload'), encIv: Buffer.from('iv') };
    expect(
      mapInbound(
        msg({
          pollUpdateMessage: { pollCreationMessageKey: { id: 'P1' }, vote, senderTimestampMs: 1_767_225_600_123 },
        }),
      ),
    ).toEqual({ kind: 'poll_vote', pollMessageId: 'P1', vote, senderTimestampMs: 1_767_225_600_123 });
  });

  test('revokes and edits refer to their target; other protocol messages are ignored', () => {
    expect(
      mapInbound(msg({ protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE, key: { id: 'T2' } } })),
    ).toEqual({ kind: 'revoke', targetId: 'T2' });
    expect(
      mapInbound(
        msg({
          protocolMessage: {
            type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
            key: { id: 'T3' },
            editedMessage: { conversation: 'fixed' },
          },
        }),
      ),
    ).toEqual({ kind: 'edit', targetId: 'T3', content: { text: 'fixed' } });
    expect(
      mapInbound(msg({ protocolMessage: { type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE } })).kind,
    ).toBe('ignore');
    expect(mapInbound({ key: {}, message: null, messageStubType: 1 }).kind).toBe('ignore');
  });

  test('button and list replies raise their own events', () => {
    expect(
      mapInbound(msg({ buttonsResponseMessage: { selectedButtonId: 'b1', selectedDisplayText: 'Yes' } })),
    ).toMatchObject({ event: 'button.response', content: { button_id: 'b1' } });
    expect(
      mapInbound(msg({ listResponseMessage: { title: 'Row', singleSelectReply: { selectedRowId: 'r1' } } })),
    ).toMatchObject({ event: 'list.response', content: { row_id: 'r1' } });
  });

  test('JID and LID pairs come out whichever way Baileys addresses the contact', () => {
    expect(jidPair('15550000002:3@s.whatsapp.net', '99999@lid')).toEqual({
      jid: '15550000002@s.whatsapp.net',
      lid: '99999@lid',
    });
    expect(jidPair('99999@lid', '15550000002@s.whatsapp.net')).toEqual({
      jid: '15550000002@s.whatsapp.net',
      lid: '99999@lid',
    });
    expect(jidPair('99999@lid')).toEqual({ jid: null, lid: '99999@lid' });
  });
});
