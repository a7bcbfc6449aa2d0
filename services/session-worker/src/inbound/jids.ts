import { isLidUser, jidNormalizedUser } from '@whiskeysockets/baileys';

/** A contact as events carry it: the phone-number JID and the LID, each when known. */
export interface JidPair {
  jid: string | null;
  lid: string | null;
}

/**
 * WhatsApp addresses a contact by phone-number JID or by LID; Baileys gives the other one as
 * `…Alt`. Returns both, normalized (no device part).
 */
export function jidPair(primary: string | null | undefined, alt?: string | null): JidPair {
  const out: JidPair = { jid: null, lid: null };
  for (const value of [primary, alt]) {
    if (!value) continue;
    const normalized = jidNormalizedUser(value) || value;
    if (isLidUser(normalized)) out.lid ??= normalized;
    else out.jid ??= normalized;
  }
  return out;
}

/** The address we store and key chats by: the phone-number JID when known, else the LID (or group JID). */
export const preferredJid = (pair: JidPair, fallback: string): string => pair.jid ?? pair.lid ?? fallback;
