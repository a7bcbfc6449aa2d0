import { randomBytes } from 'node:crypto';

/** A message id in the style WhatsApp phones use. */
export const newMessageId = (): string => `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;

export const newStanzaId = (): string => randomBytes(6).toString('hex');
