import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { proto } from '@whiskeysockets/baileys';
import { decryptVote, selectedNames } from './poll-crypto.ts';

const POLL = '3EB0POLL';
const ME = { pn: '5511900000001@s.whatsapp.net', lid: '111111111111111@lid' };
const ALICE = { pn: '5511900000002@s.whatsapp.net', lid: '222222222222222@lid' };
const hash = (name: string) => createHash('sha256').update(name).digest();

/** A vote as WhatsApp encrypts it (the key derivation of the simulator's README), for given JIDs. */
function encrypt(secret: Buffer, creator: string, voter: string, options: string[]): proto.Message.IPollEncValue {
  const info = Buffer.from(`${POLL}${creator}${voter}Poll Vote`);
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), info, 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${POLL}\u0000${voter}`));
  const plain = proto.Message.PollVoteMessage.encode({ selectedOptions: options.map(hash) }).finish();
  return { encPayload: Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]), encIv: iv };
}

describe('decrypting a poll vote', () => {
  const secret = randomBytes(32);
  const material = { pollId: POLL, secret, creators: [ME.pn, ME.lid], voters: [ALICE.pn, ALICE.lid] };

  test('whichever of phone number and LID named each party, the vote opens to its option hashes', () => {
    for (const creator of [ME.pn, ME.lid]) {
      for (const voter of [ALICE.pn, ALICE.lid]) {
        const hashes = decryptVote(encrypt(secret, creator, voter, ['b']), material);
        expect(Array.isArray(hashes) && hashes.map((h) => Buffer.from(h).toString('hex'))).toEqual([
          hash('b').toString('hex'),
        ]);
      }
    }
  });

  test('another secret, another voter or a missing payload is an error code, not an exception', () => {
    const vote = encrypt(secret, ME.pn, ALICE.pn, ['a']);
    expect(decryptVote(vote, { ...material, secret: randomBytes(32) })).toBe('decrypt_failed');
    expect(decryptVote(vote, { ...material, voters: ['5511900000003@s.whatsapp.net'] })).toBe('decrypt_failed');
    expect(decryptVote({ encIv: vote.encIv }, material)).toBe('malformed_vote');
    expect(decryptVote(undefined, material)).toBe('malformed_vote');
  });

  test('hashes become option names in the poll order; hashes of no option are dropped', () => {
    expect(selectedNames([hash('c'), hash('zzz'), hash('a')], ['a', 'b', 'c'])).toEqual(['a', 'c']);
    expect(selectedNames([], ['a', 'b'])).toEqual([]);
  });
});
