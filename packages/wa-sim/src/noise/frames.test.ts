import { encodeFrame, FrameDecoder } from './frames.ts';

describe('FrameDecoder', () => {
  test('reads the intro, then length-prefixed frames split across chunks', () => {
    const d = new FrameDecoder();
    const wire = Buffer.concat([
      Buffer.from([87, 65, 6, 3]),
      encodeFrame(Buffer.from('hello')),
      encodeFrame(Buffer.from('world!')),
    ]);
    const out: string[] = [];
    for (let i = 0; i < wire.length; i += 3) out.push(...d.push(wire.subarray(i, i + 3)).map((f) => f.toString()));
    expect(out).toEqual(['hello', 'world!']);
    expect(d.introHeader).toEqual(Buffer.from([87, 65, 6, 3]));
  });

  test('skips an ED edge-routing prefix', () => {
    const d = new FrameDecoder();
    const routing = Buffer.from('route');
    const prefix = Buffer.from([69, 68, 0, 1, 0, 0, routing.length]);
    const frames = d.push(Buffer.concat([prefix, routing, Buffer.from('WA\x06\x03'), encodeFrame(Buffer.from('x'))]));
    expect(frames.map((f) => f.toString())).toEqual(['x']);
  });

  test('rejects a connection that does not speak the WA protocol', () => {
    expect(() => new FrameDecoder().push(Buffer.from('GET / HTTP/1.1\r\n'))).toThrow(/bad intro/);
  });
});
