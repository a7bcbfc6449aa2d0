import { hash } from 'node:crypto';

/**
 * The WhatsApp message id of one of our messages, derived from its uuid: a retried send re-uses
 * it and WhatsApp de-duplicates. Same shape as Baileys' own ids ('3EB0' + 18 uppercase hex).
 */
export function waMessageIdFor(messageId: string): string {
  return `3EB0${hash('sha256', messageId, 'hex').toUpperCase().slice(0, 18)}`;
}
