// A simulated contact creates a poll: a pollCreationMessage carrying a fresh messageSecret (the key
// its votes are encrypted under), remembered so that the contact can vote on its own poll too.
import { randomBytes } from 'node:crypto';
import type { proto } from '@whiskeysockets/baileys';
import { badRequest } from '../errors.ts';
import type { PhoneMessage } from './phone-send.ts';

/** WhatsApp's bounds: a poll has 2 to 12 distinct options. */
const MIN_OPTIONS = 2;
const MAX_OPTIONS = 12;

/** `{ name, options: string[], selectable?: number }` (0 or absent: any number) as a phone's message. */
export function pollMessage(poll: unknown): PhoneMessage {
  const { name, options, selectable = 0 } = (poll ?? {}) as { name?: unknown; options?: unknown; selectable?: unknown };
  if (typeof name !== 'string' || !name) throw badRequest('invalid_poll', 'poll.name must be a non-empty string');
  if (
    !Array.isArray(options) ||
    options.length < MIN_OPTIONS ||
    options.length > MAX_OPTIONS ||
    !options.every((o) => typeof o === 'string' && o) ||
    new Set(options).size !== options.length
  )
    throw badRequest('invalid_poll', `poll.options must be ${MIN_OPTIONS}-${MAX_OPTIONS} distinct non-empty strings`);
  if (!Number.isInteger(selectable) || (selectable as number) < 0 || (selectable as number) > options.length)
    throw badRequest('invalid_poll', 'poll.selectable must be an integer from 0 to the number of options');
  const message: proto.IMessage = {
    pollCreationMessageV3: {
      name,
      options: (options as string[]).map((optionName) => ({ optionName })),
      selectableOptionsCount: selectable as number,
    },
    messageContextInfo: { messageSecret: randomBytes(32) },
  };
  return { message, type: 'poll', text: name, stanzaType: 'poll' };
}
