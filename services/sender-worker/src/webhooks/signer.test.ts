import { createHmac } from 'node:crypto';
import { verifySignature } from '../testing/verify-signature.ts';
import { signatureHeader } from './signer.ts';

describe('webhook signature', () => {
  const secret = 'whsec_test';
  const body = Buffer.from('{"id":"e1","event":"message.sent"}');

  test('is t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body.toString()}`).digest('hex');
    expect(signatureHeader(secret, body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  test('verifies, and refuses a changed body, another secret or an old timestamp', () => {
    const header = signatureHeader(secret, body, 1700000000);
    expect(verifySignature(secret, body, header, { nowSec: 1700000010 })).toBe(true);
    expect(verifySignature(secret, Buffer.from(`${body} `), header, { nowSec: 1700000010 })).toBe(false);
    expect(verifySignature('other', body, header, { nowSec: 1700000010 })).toBe(false);
    expect(verifySignature(secret, body, header, { nowSec: 1700001000 })).toBe(false);
    expect(verifySignature(secret, body, 'garbage', { nowSec: 1700000010 })).toBe(false);
    expect(verifySignature(secret, body, undefined)).toBe(false);
  });
});
