import { PermanentError } from '@turbozap/shared/errors/app-error';
import { mediaKindOf, resolveContentType, sniffMediaType } from './media-types.ts';

const png = Buffer.from('89504e470d0a1a0a0000', 'hex');

describe('media types', () => {
  test('the kind comes from the type, then media_type, then the declared mimetype', () => {
    expect(mediaKindOf('image', {})).toBe('image');
    expect(mediaKindOf('media', { media_type: 'video' })).toBe('video');
    expect(mediaKindOf('story', { type: 'image' })).toBe('image');
    expect(mediaKindOf('media', { mimetype: 'audio/ogg; codecs=opus' })).toBe('audio');
    expect(mediaKindOf('media', { mimetype: 'application/pdf' })).toBe('document');
  });

  test('a specific announced type must suit the kind', () => {
    expect(resolveContentType('image', 'image/jpeg', undefined, png)).toBe('image/jpeg');
    expect(() => resolveContentType('image', 'text/html', 'image/png', png)).toThrow(PermanentError);
    expect(() => resolveContentType('image', 'image/svg+xml', undefined, png)).toThrow(/not an allowed image type/);
    expect(() => resolveContentType('sticker', 'image/jpeg', undefined, png)).toThrow(PermanentError);
    expect(resolveContentType('document', 'text/html', undefined, png)).toBe('text/html');
  });

  test('a generic type falls back to the declared type, then to the bytes', () => {
    expect(resolveContentType('image', 'application/octet-stream', 'image/webp', png)).toBe('image/webp');
    expect(resolveContentType('image', '', undefined, png)).toBe('image/png');
    expect(() => resolveContentType('audio', '', undefined, png)).toThrow(PermanentError);
    expect(resolveContentType('document', '', undefined, Buffer.from('hello'))).toBe('application/octet-stream');
  });

  test('sniffing knows the common formats', () => {
    expect(sniffMediaType(Buffer.from('ffd8ffe0', 'hex'))).toBe('image/jpeg');
    expect(sniffMediaType(Buffer.from('RIFF1234WEBPVP8 '))).toBe('image/webp');
    expect(sniffMediaType(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffMediaType(Buffer.from('hello'))).toBeUndefined();
  });
});
