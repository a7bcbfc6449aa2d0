// Pairing-code linking (Baileys `requestPairingCode`): companion_hello from the client, the phone
// enters the code (primary_hello notification), companion_finish carries the wrapped key bundle.
import { randomBytes } from 'node:crypto';
import {
  aesDecryptCTR,
  aesDecryptGCM,
  aesEncryptCTR,
  Curve,
  derivePairingCodeKey,
  hkdf,
} from '@whiskeysockets/baileys';
import { normalizePhone, parseJid } from '../accounts/jids.ts';
import { type BinaryNode, childBytes, iqError, iqResult, node, SERVER_JID, unixSeconds } from '../binary/nodes.ts';
import type { SimContext } from '../context.ts';
import { badRequest, notFound, SimError } from '../errors.ts';
import type { Connection } from '../transport/connection.ts';
import { completeLink, type LinkResult } from './link.ts';
import { scheduleExpiry } from './qr.ts';

const CROCKFORD = /^[123456789ABCDEFGHJKLMNPQRSTVWXYZ]{8}$/;

/** `<link_code_companion_reg stage=companion_hello>`: remember the wrapped ephemeral key, answer with a ref. */
export function onCompanionHello(ctx: SimContext, conn: Connection, iq: BinaryNode, reg: BinaryNode): void {
  const pending = ctx.pairing.of(conn);
  const phone = parseJid(reg.attrs.jid)?.user;
  const wrapped = childBytes(reg, 'link_code_pairing_wrapped_companion_ephemeral_pub');
  if (!pending || !phone || !wrapped || wrapped.length !== 80) {
    conn.sendNode(iqError(iq, 400, 'bad-request'));
    return;
  }
  const ref = randomBytes(16).toString('base64');
  pending.linkCode = { phone, ref, wrappedEphemeral: wrapped };
  scheduleExpiry(ctx, pending, ctx.opts.linkCodeTtlMs);
  ctx.log.info('pairing code requested', { phone, conn: conn.id });
  conn.sendNode(iqResult(iq, [node('link_code_companion_reg', {}, [node('link_code_pairing_ref', {}, ref)])]));
}

/** `<link_code_companion_reg stage=companion_finish>`: handed to the phone waiting in enterPairingCode. */
export function onCompanionFinish(ctx: SimContext, conn: Connection, iq: BinaryNode): void {
  const waiter = ctx.pairing.of(conn)?.linkCode?.awaitingFinish;
  if (!waiter) {
    conn.sendNode(iqError(iq, 400, 'bad-request'));
    return;
  }
  waiter.resolve(iq);
}

const unwrapKey = async (code: string, wrapped: Buffer): Promise<Buffer> =>
  aesDecryptCTR(
    wrapped.subarray(48, 80),
    await derivePairingCodeKey(code, wrapped.subarray(0, 32)),
    wrapped.subarray(32, 48),
  );

/** The phone `phoneInput` types `codeInput` into "Link with phone number". */
export async function enterPairingCode(ctx: SimContext, phoneInput: unknown, codeInput: unknown): Promise<LinkResult> {
  const phone = normalizePhone(phoneInput);
  if (!phone) throw badRequest('invalid_phone', `not a phone number: ${String(phoneInput)}`);
  const code = typeof codeInput === 'string' ? codeInput.replace(/[\s-]/g, '').toUpperCase() : '';
  if (!CROCKFORD.test(code)) throw badRequest('invalid_code', 'code must be 8 characters (Crockford base32)');
  const reg = ctx.pairing.byLinkCodePhone(phone);
  if (!reg?.linkCode || !reg.conn.isOpen) {
    throw notFound('no_pending_code', `no connection requested a pairing code for ${phone}`);
  }
  const link = reg.linkCode;
  const account = ctx.accounts.create(phone);
  const primaryEphemeral = Curve.generateKeyPair();
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const wrappedPrimary = Buffer.concat([
    salt,
    iv,
    aesEncryptCTR(primaryEphemeral.public, await derivePairingCodeKey(code, salt), iv),
  ]);
  const finished = new Promise<BinaryNode>((resolve, reject) => {
    link.awaitingFinish = { resolve, reject };
  });
  const timeout = setTimeout(
    () => link.awaitingFinish?.reject(new Error('no companion_finish')),
    ctx.opts.linkTimeoutMs,
  );
  reg.conn.sendNode(
    node(
      'notification',
      { from: SERVER_JID, type: 'link_code_companion_reg', id: randomBytes(4).toString('hex'), t: unixSeconds() },
      [
        node('link_code_companion_reg', { stage: 'primary_hello' }, [
          node('link_code_pairing_ref', {}, link.ref),
          node('primary_identity_pub', {}, account.phoneDevice.identityPublic),
          node('link_code_pairing_wrapped_primary_ephemeral_pub', {}, wrappedPrimary),
        ]),
      ],
    ),
  );
  let finish: BinaryNode;
  try {
    finish = await finished;
  } catch (err) {
    throw new SimError(504, 'link_timeout', `companion did not answer the pairing code: ${(err as Error).message}`);
  } finally {
    clearTimeout(timeout);
    link.awaitingFinish = undefined;
  }
  const stage = finish.content && Array.isArray(finish.content) ? finish.content[0] : undefined;
  const bundle = childBytes(stage, 'link_code_pairing_wrapped_key_bundle');
  const companionEphemeral = await unwrapKey(code, link.wrappedEphemeral);
  const sharedKey = Curve.sharedKey(primaryEphemeral.private, companionEphemeral);
  let plain: Buffer;
  try {
    if (!bundle || bundle.length < 44 + 16) throw new Error('short bundle');
    const key = hkdf(sharedKey, 32, {
      salt: bundle.subarray(0, 32),
      info: 'link_code_pairing_key_bundle_encryption_key',
    });
    plain = aesDecryptGCM(bundle.subarray(44), key, bundle.subarray(32, 44), Buffer.alloc(0));
  } catch {
    reg.conn.sendNode(iqError(finish, 400, 'bad-request'));
    throw badRequest('pairing_code_mismatch', 'the code does not match the one the companion shows');
  }
  const companionIdentity = plain.subarray(0, 32);
  if (!companionIdentity.equals(reg.identityKey)) {
    reg.conn.sendNode(iqError(finish, 400, 'bad-request'));
    throw badRequest('identity_mismatch', 'companion identity in the key bundle does not match its registration');
  }
  const identityShared = Curve.sharedKey(account.phoneDevice.identity.privKey, companionIdentity);
  const advSecret = Buffer.from(
    hkdf(Buffer.concat([sharedKey, identityShared, plain.subarray(64, 96)]), 32, { info: 'adv_secret' }),
  );
  reg.conn.sendNode(iqResult(finish));
  return completeLink(ctx, reg, account, advSecret);
}
