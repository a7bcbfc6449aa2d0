import { proto, WA_CERT_DETAILS } from '@whiskeysockets/baileys';
import { verifySignature } from '../signal/libsignal.ts';
import { memoryAuthState } from '../testing/auth.ts';
import { eventually, SimClient } from '../testing/client.ts';
import { startTestSim, type TestSim } from '../testing/setup.ts';
import { createCertificateAuthority } from './ca.ts';

describe('noise handshake', () => {
  let t: TestSim;
  beforeAll(async () => {
    t = await startTestSim();
  });
  afterAll(() => t.teardown());

  test('the certificate chain is signed by the simulator root, leaf by the intermediate', () => {
    const ca = createCertificateAuthority();
    const serverStatic = Buffer.alloc(32, 7);
    const chain = proto.CertChain.decode(ca.certChainFor(serverStatic));
    const intermediate = proto.CertChain.NoiseCertificate.Details.decode(chain.intermediate!.details!);
    const leaf = proto.CertChain.NoiseCertificate.Details.decode(chain.leaf!.details!);
    expect(intermediate.issuerSerial).toBe(WA_CERT_DETAILS.SERIAL);
    expect(verifySignature(ca.rootPublicKey, chain.intermediate!.details!, chain.intermediate!.signature!)).toBe(true);
    expect(verifySignature(intermediate.key!, chain.leaf!.details!, chain.leaf!.signature!)).toBe(true);
    expect(Buffer.from(leaf.key!)).toEqual(serverStatic);
    // a different root does not verify (strict check, unlike Baileys' Curve.verify)
    const other = createCertificateAuthority();
    expect(verifySignature(other.rootPublicKey, chain.intermediate!.details!, chain.intermediate!.signature!)).toBe(
      false,
    );
  });

  test('8 real Baileys clients complete the handshake concurrently and each gets a QR', async () => {
    // Each client's start costs about half a second of CPU (its keys, the handshake): 20 of them
    // in one test process outran a 45 s bound on two cores shared with two whole suites. Eight
    // interleave their handshakes just the same.
    const clients = Array.from({ length: 8 }, () => t.track(new SimClient(t.handle.wsUrl, memoryAuthState())));
    // Bounds rule out a hang, with room for a machine busy with other suites.
    const qrs = await Promise.all(clients.map((c) => c.nextQr(0, 45_000)));
    expect(new Set(qrs).size).toBe(8);
    for (const qr of qrs) expect(qr.split(',')).toHaveLength(5);
    expect(t.sim.stats().connections).toBe(8);
    for (const c of clients) c.end();
    await eventually(() => t.sim.stats().connections === 0, 10_000, 'all connections closed');
  }, 60_000);

  test('the control API reports the root key and WebSocket URL', async () => {
    const res = await fetch(`${t.handle.url}/sim/info`);
    expect(res.status).toBe(200);
    const info = (await res.json()) as { wsUrl: string; rootPublicKey: string };
    expect(info).toEqual({
      wsUrl: t.handle.wsUrl,
      rootPublicKey: t.handle.rootPublicKey,
      mediaHosts: ['mmg.whatsapp.net'],
    });
    expect(Buffer.from(info.rootPublicKey, 'base64')).toHaveLength(32);
    expect(info.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/);
  });
});
