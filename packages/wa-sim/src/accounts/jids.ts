// JID forms the simulator speaks: phone-number JIDs (`PHONE[:DEV]@s.whatsapp.net`) and
// LID JIDs (`LID[:DEV]@lid`), plus the Signal addresses simulated phones key sessions by.
import { jidDecode } from '@whiskeysockets/baileys';

export type JidKind = 'pn' | 'lid';

export interface ParsedJid {
  user: string;
  device: number;
  kind: JidKind;
  /** True when the JID names a device explicitly (`user:device@server`). */
  explicitDevice: boolean;
}

export const pnJid = (phone: string, device = 0): string =>
  device ? `${phone}:${device}@s.whatsapp.net` : `${phone}@s.whatsapp.net`;

export const lidJid = (lid: string, device = 0): string => (device ? `${lid}:${device}@lid` : `${lid}@lid`);

export const jidFor = (kind: JidKind, user: { phone: string; lid: string }, device = 0): string =>
  kind === 'lid' ? lidJid(user.lid, device) : pnJid(user.phone, device);

export function parseJid(jid: string | undefined): ParsedJid | undefined {
  if (!jid?.includes('@')) return undefined;
  const decoded = jidDecode(jid);
  if (!decoded?.user) return undefined;
  const kind: JidKind | undefined =
    decoded.server === 'lid'
      ? 'lid'
      : decoded.server === 's.whatsapp.net' || decoded.server === 'c.us'
        ? 'pn'
        : undefined;
  if (!kind) return undefined;
  return { user: decoded.user, device: decoded.device ?? 0, kind, explicitDevice: decoded.device !== undefined };
}

/** Digits of a phone number (`+1 555-000 0001` → `15550000001`), or undefined when not plausible. */
export function normalizePhone(input: unknown): string | undefined {
  if (typeof input !== 'string' && typeof input !== 'number') return undefined;
  const raw = String(input).trim();
  if (!/^\+?[\d\s().-]+$/.test(raw)) return undefined;
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 6 && digits.length <= 15 && digits[0] !== '0' ? digits : undefined;
}

/** The Signal address a simulated phone keys its session with a peer device under (LID domain). */
export const signalAddress = (lid: string, device: number): string => `${lid}_1.${device}`;
