// WhatsApp's binary node encoding, byte for byte what Baileys' `encodeBinaryNode` produces (the
// tests compare the two), written into one reused buffer. Baileys builds an array of numbers
// through closures made per node and copies it into a Buffer: every stanza the simulator sends
// goes through here, so that cost would be paid on every relayed message (docs/PERFORMANCE.md).
import { type BinaryNode, jidDecode } from '@whiskeysockets/baileys';
import { TAGS, TOKEN_MAP } from '@whiskeysockets/baileys/lib/WABinary/constants.js';

type Token = { dict?: number; index: number };
const tokens = TOKEN_MAP as Record<string, Token | undefined>;

let out = Buffer.allocUnsafe(64 * 1024);
let at = 0;

function reserve(n: number): void {
  if (at + n <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(out.length * 2, at + n));
  out.copy(bigger, 0, 0, at);
  out = bigger;
}

function byte(value: number): void {
  reserve(1);
  out[at++] = value & 0xff;
}

function bytes(value: Uint8Array): void {
  reserve(value.length);
  out.set(value, at);
  at += value.length;
}

function byteLength(length: number): void {
  if (length >= 4294967296) throw new Error(`string too large to encode: ${length}`);
  if (length >= 1 << 20) {
    byte(TAGS.BINARY_32);
    for (let shift = 24; shift >= 0; shift -= 8) byte(length >> shift);
  } else if (length >= 256) {
    byte(TAGS.BINARY_20);
    byte((length >> 16) & 0x0f);
    byte(length >> 8);
    byte(length);
  } else {
    byte(TAGS.BINARY_8);
    byte(length);
  }
}

function raw(str: string): void {
  const length = Buffer.byteLength(str, 'utf8');
  byteLength(length);
  reserve(length);
  at += out.write(str, at, 'utf8');
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNibbleChar = (c: number): boolean => isDigit(c) || c === 45 /* - */ || c === 46; /* . */
const isHexChar = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70); /* A-F */

function packable(str: string, allowed: (c: number) => boolean): boolean {
  if (!str || str.length > TAGS.PACKED_MAX) return false;
  for (let i = 0; i < str.length; i++) if (!allowed(str.charCodeAt(i))) return false;
  return true;
}

// Only called on strings `packable` accepted, or with the NUL that pads an odd length (15).
function nibble(c: number): number {
  if (c === 45) return 10;
  if (c === 46) return 11;
  return c === 0 ? 15 : c - 48;
}

function hex(c: number): number {
  if (isDigit(c)) return c - 48;
  return c === 0 ? 15 : c - 55;
}

function packed(str: string, tag: number, pack: (c: number) => number): void {
  byte(tag);
  byte(Math.ceil(str.length / 2) | (str.length % 2 !== 0 ? 128 : 0));
  const pairs = Math.floor(str.length / 2);
  for (let i = 0; i < pairs; i++) byte((pack(str.charCodeAt(2 * i)) << 4) | pack(str.charCodeAt(2 * i + 1)));
  if (str.length % 2 !== 0) byte((pack(str.charCodeAt(str.length - 1)) << 4) | pack(0));
}

function jid(decoded: NonNullable<ReturnType<typeof jidDecode>>): void {
  const { domainType, device, user, server } = decoded;
  if (device !== undefined) {
    byte(TAGS.AD_JID);
    byte(domainType || 0);
    byte(device || 0);
    string(user);
  } else {
    byte(TAGS.JID_PAIR);
    if (user.length) string(user);
    else byte(TAGS.LIST_EMPTY);
    string(server);
  }
}

function string(str: string | undefined | null): void {
  if (str === undefined || str === null) {
    byte(TAGS.LIST_EMPTY);
    return;
  }
  if (str === '') {
    raw(str);
    return;
  }
  const token = tokens[str];
  if (token) {
    if (typeof token.dict === 'number') byte(TAGS.DICTIONARY_0 + token.dict);
    byte(token.index);
  } else if (packable(str, isNibbleChar)) packed(str, TAGS.NIBBLE_8, nibble);
  else if (packable(str, isHexChar)) packed(str, TAGS.HEX_8, hex);
  else {
    const decoded = jidDecode(str);
    if (decoded) jid(decoded);
    else raw(str);
  }
}

function listStart(size: number): void {
  if (size === 0) byte(TAGS.LIST_EMPTY);
  else if (size < 256) {
    byte(TAGS.LIST_8);
    byte(size);
  } else {
    byte(TAGS.LIST_16);
    byte(size >> 8);
    byte(size);
  }
}

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;

function encodeNode({ tag, attrs, content }: BinaryNode): void {
  if (!tag) throw new Error('Invalid node: tag cannot be undefined');
  const keys = Object.keys(attrs || {}).filter((k) => attrs[k] !== undefined && attrs[k] !== null);
  listStart(2 * keys.length + 1 + (content !== undefined ? 1 : 0));
  string(tag);
  // like Baileys, non-string values count in the list size but are not written
  for (const key of keys) {
    const value = attrs[key];
    if (typeof value === 'string') {
      string(key);
      string(value);
    }
  }
  if (typeof content === 'string') string(content);
  else if (isBytes(content)) {
    byteLength(content.length);
    bytes(content);
  } else if (Array.isArray(content)) {
    const items = content.filter(
      (item: unknown) => item && ((item as BinaryNode).tag || isBytes(item) || typeof item === 'string'),
    );
    listStart(items.length);
    for (const item of items) encodeNode(item);
  } else if (content !== undefined) {
    throw new Error(`invalid children for header "${tag}": ${content} (${typeof content})`);
  }
}

/** The node as WhatsApp's binary format, with the leading 0 (uncompressed) byte. */
export function encodeBinaryNode(node: BinaryNode): Buffer {
  at = 0;
  byte(0);
  encodeNode(node);
  return Buffer.from(out.subarray(0, at));
}
