// A phone taking back or changing a message it sent earlier: the protocol messages WhatsApp
// carries for "delete for everyone" and "edit". The phone may name any message id — as a
// modified client can — so the receiver has to check whose message it is.
import { proto } from '@whiskeysockets/baileys';
import { badRequest } from '../errors.ts';
import type { PhoneMessage } from './phone-send.ts';

const targetId = (id: unknown): string => {
  if (typeof id !== 'string' || !/^[\w-]{4,64}$/.test(id))
    throw badRequest('invalid_id', 'target id must be 4-64 characters [A-Za-z0-9_-]');
  return id;
};

/** `{revoke: id}`: delete for everyone. */
export function revokeMessage(id: unknown): PhoneMessage {
  return {
    message: {
      protocolMessage: { key: { fromMe: true, id: targetId(id) }, type: proto.Message.ProtocolMessage.Type.REVOKE },
    },
    type: 'revoke',
    text: '',
  };
}

/** `{edit: {id, text}}`: the message's text replaced. */
export function editMessage(edit: unknown): PhoneMessage {
  const e = (edit ?? {}) as { id?: unknown; text?: unknown };
  if (typeof e.text !== 'string' || !e.text) throw badRequest('invalid_edit', 'edit.text must be a non-empty string');
  return {
    message: {
      protocolMessage: {
        key: { fromMe: true, id: targetId(e.id) },
        type: proto.Message.ProtocolMessage.Type.MESSAGE_EDIT,
        editedMessage: { conversation: e.text },
      },
    },
    type: 'edit',
    text: e.text,
  };
}
