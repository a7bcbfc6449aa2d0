// The simulator's own certificate authority: a root key (which the client must trust through
// WA_CERT_DETAILS.PUBLIC_KEY), an intermediate signed by it, and a leaf per server static key.
import { Curve, proto, WA_CERT_DETAILS } from '@whiskeysockets/baileys';

export interface CurveKeyPair {
  public: Uint8Array;
  private: Uint8Array;
}

export interface CertificateAuthority {
  /** 32-byte Curve25519 public key clients must trust. */
  readonly rootPublicKey: Buffer;
  /** The server's long-lived static noise key (like WhatsApp's, it does not change per connection). */
  readonly serverStatic: CurveKeyPair;
  /** Encoded `CertChain` certifying `serverStatic`. */
  readonly serverCertChain: Uint8Array;
  /** Encoded `CertChain` whose leaf certifies `serverStaticPublic`. */
  certChainFor(serverStaticPublic: Uint8Array): Uint8Array;
}

const NOT_AFTER = 4_102_444_800; // 2100-01-01

export function createCertificateAuthority(root: CurveKeyPair = Curve.generateKeyPair()): CertificateAuthority {
  const intermediate = Curve.generateKeyPair();
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.encode({
    serial: 1,
    // Baileys requires the intermediate's issuer serial to equal WA_CERT_DETAILS.SERIAL.
    issuerSerial: WA_CERT_DETAILS.SERIAL,
    key: intermediate.public,
    notBefore: 0,
    notAfter: NOT_AFTER,
  }).finish();
  const intermediateCert = { details: intermediateDetails, signature: Curve.sign(root.private, intermediateDetails) };
  let serial = 2;
  const certChainFor = (serverStaticPublic: Uint8Array): Uint8Array => {
    const details = proto.CertChain.NoiseCertificate.Details.encode({
      serial: serial++,
      issuerSerial: 1,
      key: serverStaticPublic,
      notBefore: 0,
      notAfter: NOT_AFTER,
    }).finish();
    return proto.CertChain.encode({
      leaf: { details, signature: Curve.sign(intermediate.private, details) },
      intermediate: intermediateCert,
    }).finish();
  };
  const serverStatic = Curve.generateKeyPair();
  return {
    rootPublicKey: Buffer.from(root.public),
    serverStatic,
    serverCertChain: certChainFor(serverStatic.public),
    certChainFor,
  };
}
