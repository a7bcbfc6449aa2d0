// WhatsApp's framing on top of WebSocket messages: an intro header once per connection
// (optionally preceded by an `ED` edge-routing block), then 3-byte big-endian length prefixes.

export const MAX_FRAME = 0xffffff;

export class FrameDecoder {
  #buffer: Buffer = Buffer.alloc(0);
  #intro?: Buffer;

  /** The 4-byte intro header once received (`WA`, version, dictionary version). */
  get introHeader(): Buffer | undefined {
    return this.#intro;
  }

  /** Appends received bytes and returns every complete frame. Throws on a malformed intro. */
  push(data: Uint8Array): Buffer[] {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, data]) : Buffer.from(data);
    if (!this.#intro && !this.#readIntro()) return [];
    const frames: Buffer[] = [];
    while (this.#buffer.length >= 3) {
      const size = this.#buffer.readUIntBE(0, 3);
      if (this.#buffer.length < size + 3) break;
      frames.push(this.#buffer.subarray(3, size + 3));
      this.#buffer = this.#buffer.subarray(size + 3);
    }
    return frames;
  }

  #readIntro(): boolean {
    let offset = 0;
    if (this.#buffer.length >= 2 && this.#buffer.toString('latin1', 0, 2) === 'ED') {
      if (this.#buffer.length < 7) return false;
      const routingLength = (this.#buffer[4]! << 16) | this.#buffer.readUInt16BE(5);
      offset = 7 + routingLength;
    }
    if (this.#buffer.length < offset + 4) return false;
    const header = this.#buffer.subarray(offset, offset + 4);
    if (header.toString('latin1', 0, 2) !== 'WA') throw new Error(`bad intro header ${header.toString('hex')}`);
    this.#intro = Buffer.from(header);
    this.#buffer = this.#buffer.subarray(offset + 4);
    return true;
  }
}

export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME) throw new Error(`frame too large: ${payload.length}`);
  const frame = Buffer.alloc(3 + payload.length);
  frame.writeUIntBE(payload.length, 0, 3);
  frame.set(payload, 3);
  return frame;
}
