// Server side of WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake (the client side is Baileys'
// makeNoiseHandler). After `finish` both sides hold transport keys; the counters start at 0.
import { aesDecryptGCM, aesEncryptGCM, Curve, hkdf, NOISE_MODE, proto, sha256 } from '@whiskeysockets/baileys';
import type { CertificateAuthority, CurveKeyPair } from './ca.ts';

const EMPTY = Buffer.alloc(0);

const iv = (counter: number): Buffer => {
  const out = Buffer.alloc(12);
  out.writeUInt32BE(counter, 8);
  return out;
};

/** Symmetric transport after the handshake: one key and counter per direction. */
export class NoiseTransport {
  readonly #encKey: Buffer;
  readonly #decKey: Buffer;
  #readCounter = 0;
  #writeCounter = 0;

  constructor(encKey: Buffer, decKey: Buffer) {
    this.#encKey = encKey;
    this.#decKey = decKey;
  }

  encrypt(plaintext: Uint8Array): Buffer {
    return aesEncryptGCM(plaintext, this.#encKey, iv(this.#writeCounter++), EMPTY);
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    return aesDecryptGCM(ciphertext, this.#decKey, iv(this.#readCounter++), EMPTY);
  }
}

export interface HandshakeResult {
  clientStaticKey: Buffer;
  payload: proto.ClientPayload;
  transport: NoiseTransport;
}

export class ServerHandshake {
  #hash: Buffer = Buffer.from(NOISE_MODE); // exactly 32 bytes: used as is
  #salt: Buffer = this.#hash;
  #key: Buffer = this.#hash;
  #counter = 0;
  #ephemeral?: CurveKeyPair;
  readonly #ca: CertificateAuthority;

  constructor(ca: CertificateAuthority) {
    this.#ca = ca;
  }

  /** Mixes the connection's intro header (`WA` + version bytes) into the handshake hash. */
  mixIntro(header: Uint8Array): void {
    this.#mixHash(header);
  }

  /** Consumes the ClientHello frame and returns the ServerHello frame to send. */
  onClientHello(frame: Uint8Array): Uint8Array {
    const { clientHello } = proto.HandshakeMessage.decode(frame);
    if (!clientHello?.ephemeral?.length) throw new Error('handshake: missing client ephemeral key');
    const clientEphemeral = Buffer.from(clientHello.ephemeral);
    this.#mixHash(clientEphemeral);
    const ephemeral = Curve.generateKeyPair();
    const serverStatic = this.#ca.serverStatic;
    this.#ephemeral = ephemeral;
    this.#mixHash(ephemeral.public);
    this.#mixKey(Curve.sharedKey(ephemeral.private, clientEphemeral));
    const encStatic = this.#encrypt(serverStatic.public);
    this.#mixKey(Curve.sharedKey(serverStatic.private, clientEphemeral));
    const encPayload = this.#encrypt(this.#ca.serverCertChain);
    return proto.HandshakeMessage.encode({
      serverHello: { ephemeral: ephemeral.public, static: encStatic, payload: encPayload },
    }).finish();
  }

  /** Consumes the ClientFinish frame: authenticates the client's static key and decodes its ClientPayload. */
  onClientFinish(frame: Uint8Array): HandshakeResult {
    if (!this.#ephemeral) throw new Error('handshake: ClientFinish before ClientHello');
    const { clientFinish } = proto.HandshakeMessage.decode(frame);
    if (!clientFinish?.static || !clientFinish.payload) throw new Error('handshake: incomplete ClientFinish');
    const clientStaticKey = this.#decrypt(clientFinish.static);
    this.#mixKey(Curve.sharedKey(this.#ephemeral.private, clientStaticKey));
    const payload = proto.ClientPayload.decode(this.#decrypt(clientFinish.payload));
    const out = Buffer.from(hkdf(EMPTY, 64, { salt: this.#salt, info: '' }));
    // The client encrypts with the first half and decrypts with the second; the server mirrors it.
    const transport = new NoiseTransport(out.subarray(32), out.subarray(0, 32));
    return { clientStaticKey, payload, transport };
  }

  #mixHash(data: Uint8Array): void {
    this.#hash = sha256(Buffer.concat([this.#hash, data]));
  }

  #mixKey(ikm: Uint8Array): void {
    const out = Buffer.from(hkdf(Buffer.from(ikm), 64, { salt: this.#salt, info: '' }));
    this.#salt = out.subarray(0, 32);
    this.#key = out.subarray(32);
    this.#counter = 0;
  }

  #encrypt(plaintext: Uint8Array): Buffer {
    const ct = aesEncryptGCM(plaintext, this.#key, iv(this.#counter++), this.#hash);
    this.#mixHash(ct);
    return ct;
  }

  #decrypt(ciphertext: Uint8Array): Buffer {
    const pt = aesDecryptGCM(ciphertext, this.#key, iv(this.#counter++), this.#hash);
    this.#mixHash(ciphertext);
    return pt;
  }
}
