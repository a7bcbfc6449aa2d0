// Binary nodes: the codec (Baileys' format, see encode.ts and decode.ts), node construction and
// typed child access.
import type { BinaryNode } from '@whiskeysockets/baileys';
import { getBinaryNodeChild, getBinaryNodeChildren } from '@whiskeysockets/baileys';

export { binaryNodeToString } from '@whiskeysockets/baileys';
export { decodeBinaryNode } from './decode.ts';
export { encodeBinaryNode } from './encode.ts';
export type { BinaryNode };

/** The server's own JID, used as `from` on server-originated stanzas. */
export const SERVER_JID = 's.whatsapp.net';

export type NodeContent = BinaryNode[] | string | Uint8Array | undefined;

export function node(tag: string, attrs: Record<string, string | undefined> = {}, content?: NodeContent): BinaryNode {
  // for…in over the literal rather than Object.entries: every stanza is built here, and the entry
  // arrays show in the simulator's CPU profile while relaying messages (docs/PERFORMANCE.md)
  const clean: Record<string, string> = {};
  for (const k in attrs) {
    const v = attrs[k];
    if (v !== undefined) clean[k] = v;
  }
  return content === undefined ? { tag, attrs: clean } : { tag, attrs: clean, content };
}

export const child = (parent: BinaryNode | undefined, tag: string): BinaryNode | undefined =>
  getBinaryNodeChild(parent, tag);

export const childrenOf = (parent: BinaryNode | undefined, tag: string): BinaryNode[] =>
  getBinaryNodeChildren(parent, tag);

/** All element children of a node (empty when the content is bytes or absent). */
export function allChildren(parent: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(parent?.content) ? parent.content : [];
}

export function firstChild(parent: BinaryNode | undefined): BinaryNode | undefined {
  return allChildren(parent)[0];
}

/** Content of a node as bytes (strings are UTF-8 encoded), or undefined when it has element children. */
export function bytesOf(n: BinaryNode | undefined): Buffer | undefined {
  if (!n || n.content === undefined || Array.isArray(n.content)) return undefined;
  return typeof n.content === 'string' ? Buffer.from(n.content, 'utf8') : Buffer.from(n.content);
}

/**
 * Like `bytesOf`, but a Buffer content is returned as is (a view of the received frame): for bytes
 * used at once and not kept, such as a ciphertext being decrypted — one copy less per message.
 */
export function bytesView(n: BinaryNode | undefined): Buffer | undefined {
  return Buffer.isBuffer(n?.content) ? n.content : bytesOf(n);
}

export const childBytes = (parent: BinaryNode | undefined, tag: string): Buffer | undefined =>
  bytesOf(child(parent, tag));

/** Reads an unsigned big-endian integer of any length up to 6 bytes. */
export function readUIntBE(buf: Uint8Array | undefined): number {
  let v = 0;
  for (const b of buf ?? []) v = v * 256 + b;
  return v;
}

export function uintBE(value: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  out.writeUIntBE(value, 0, length);
  return out;
}

export const unixSeconds = (): string => String(Math.floor(Date.now() / 1000));

/** `<iq type=result>` answering `request` (same id), from the server. */
export function iqResult(request: BinaryNode, content?: BinaryNode[], extra: Record<string, string> = {}): BinaryNode {
  return node('iq', { from: SERVER_JID, type: 'result', id: request.attrs.id, ...extra }, content);
}

/** `<iq type=error>` with an `<error code text>` child; Baileys turns it into a Boom with that status code. */
export function iqError(request: BinaryNode, code: number, text: string): BinaryNode {
  return node('iq', { from: SERVER_JID, type: 'error', id: request.attrs.id }, [
    node('error', { code: String(code), text }),
  ]);
}
