import type { MessageType } from '../contracts/message-content.ts';

/**
 * One body of each message type the API accepts, for tests on both sides of the contract;
 * `target` is the message a reaction, an edit, a delete or a forward refers to.
 */
export function acceptedBodies(target: string): Record<MessageType, Record<string, unknown>> {
  const to = '5511999990000';
  return {
    text: { to, text: 'hello', mentions: ['5511988887777'] },
    media: { to, media_url: 'https://example.com/a.png', caption: 'c' },
    audio: { to, base64: 'AAAA', ptt: true },
    sticker: { to, media_url: 'https://example.com/s.webp' },
    location: { to, latitude: -23.5, longitude: -46.6, name: 'SP' },
    contact: { to, contacts: [{ name: 'Ana', phone: '+5511988887777' }] },
    reaction: { to, message_id: target, emoji: '👍' },
    poll: { to, name: 'Q?', options: ['a', 'b'] },
    button: { to, text: 'pick', buttons: [{ id: '1', text: 'one' }] },
    list: { to, text: 't', button_text: 'open', sections: [{ title: 's', rows: [{ id: 'r', title: 'row' }] }] },
    carousel: { to, cards: [{ body: 'card' }] },
    edit: { to, message_id: target, text: 'fixed' },
    delete: { to, message_id: target },
    forward: { to, id: target },
  };
}
