import { verifyWebhook } from '@turbozap/client';
import { signatureHeader } from './signer.ts';

/** What receivers run (@turbozap/client) accepts what the sender-worker signs, and nothing else. */
const secret = 'whsec_test-secret-of-some-length';
const body = JSON.stringify({ id: 'e1', event: 'message.received', data: { text: 'olá' } });
const now = 1_800_000_000_000;
const t = now / 1000;

test('a signed delivery verifies, as a string or as the raw bytes', async () => {
  const header = signatureHeader(secret, body, t);
  expect(await verifyWebhook(body, header, secret, 300, now)).toBe(true);
  expect(await verifyWebhook(new TextEncoder().encode(body), header, secret, 300, now)).toBe(true);
});

test('a changed body, another secret, an old or future timestamp, or a malformed header is refused', async () => {
  const header = signatureHeader(secret, body, t);
  const refused = [
    [body.replace('olá', 'ola'), header, secret, now],
    [body, header, `${secret}x`, now],
    [body, header, secret, now + 301_000],
    [body, header, secret, now - 301_000],
    [body, header.replace(/v1=\w{2}/, 'v1=00'), secret, now],
    [body, header.replace(/t=\d+/, `t=${t + 1}`), secret, now],
    [body, 'v1=abc', secret, now],
    [body, `t=${t},v1=zz`, secret, now],
    [body, '', secret, now],
    [body, null, secret, now],
  ] as const;
  for (const [b, h, s, at] of refused) expect([h, await verifyWebhook(b, h, s, 300, at)]).toEqual([h, false]);
});

test('a header with several v1 signatures verifies when one of them matches (room for a rotation)', async () => {
  const old = signatureHeader('whsec_the-old-secret-of-some-length', body, t).split(',')[1];
  expect(await verifyWebhook(body, `${signatureHeader(secret, body, t)},${old}`, secret, 300, now)).toBe(true);
});
