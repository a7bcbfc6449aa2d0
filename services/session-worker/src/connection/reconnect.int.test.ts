import { randomUUID } from 'node:crypto';
import { channels, kvKeys } from '@turbozap/shared/contracts/kv';
import { KeyringCipher } from '@turbozap/shared/crypto/keyring-cipher';
import { describeWith } from '@turbozap/shared/testing/services';
import { memoryAuthState } from '@turbozap/wa-sim/testing/auth';
import { reconnect } from '@turbozap/wa-sim/testing/link';
import { eventually, type Harness, startHarness, waitFor } from '../testing/harness.ts';
import { loadPostgresAuthState } from './auth-store.ts';

const describePg = await describeWith('postgres');

// Every test links an instance of its own (its own phone), so one failure stays one failure.
describePg('connection lifecycle against the simulator', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.startWorker('worker-auto');
  }, 60_000);
  afterAll(() => h?.teardown(), 30_000);

  const linked = async (name: string, phone: string) => {
    const id = await h.createInstance(name);
    await h.linkByQr(id, phone);
    await h.waitStatus(id, 'connected');
    return id;
  };

  test('a dropped connection reconnects by itself; a 515 reconnects at once', async () => {
    const id = await linked('auto', '15550000301');
    // A dropped connection is closed at once in the simulator: the next one open is a new login.
    expect(h.sim.sim.injectFault({ type: 'drop', jid: '15550000301' }).affected).toBe(1);
    expect(h.sim.sim.connectionsOf('15550000301')).toBe(0);
    await waitFor(async () => h.sim.sim.connectionsOf('15550000301') === 1, 10_000, 'login after drop');
    await h.waitStatus(id, 'connected');
    const { logins } = h.sim.sim.stats();
    h.sim.sim.injectFault({ type: 'restart-required', jid: '15550000301' });
    await waitFor(async () => h.sim.sim.stats().logins > logins, 10_000, 'login after 515');
    await waitFor(async () => h.sim.sim.connectionsOf('15550000301') === 1, 10_000, 'one socket after 515');
    await h.waitStatus(id, 'connected');
  }, 60_000);

  test('restart: the control message closes the socket and reconnects from the stored credentials', async () => {
    const id = await linked('restarted', '15550000303');
    const { logins, pairings } = h.sim.sim.stats();
    await h.command(id, 'restart');
    await waitFor(async () => h.sim.sim.stats().logins > logins, 10_000, 'login after restart');
    await h.waitStatus(id, 'connected');
    expect(h.sim.sim.stats().pairings).toBe(pairings);
  }, 30_000);

  test('a pairing code: connect with a phone number, the code goes to coordination, the phone enters it', async () => {
    const id = await h.createInstance('paired', 'disconnected');
    await h.command(id, 'connect', '15550000302');
    const code = await eventually(
      () => h.coordinationStore.values.get(kvKeys.pairingCode(id))?.value,
      20_000,
      'pairing code',
    );
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    expect(await h.coordination.getValue(kvKeys.pairingRequest(id))).toBeNull();
    // The code is shown before the simulator has processed the request that carries it; a person is slower.
    await waitFor(
      () =>
        h.sim.sim.enterPairingCode('15550000302', code).then(
          () => true,
          (e) => (/no connection requested/.test(String(e)) ? false : Promise.reject(e)),
        ),
      5_000,
      'pairing code accepted',
    );
    await h.waitStatus(id, 'connected');
    expect((await h.instance(id))?.jid).toBe('15550000302@s.whatsapp.net');
    expect(h.events.some((e) => e.event === 'qrcode.updated' && e.data['pairing_code'] === code)).toBe(true);
  }, 60_000);

  test('groups/contacts/presence over request-reply: answered by the owner, a past deadline is never run', async () => {
    const id = await linked('rpc', '15550000304');
    const call = async (method: string, params: Record<string, unknown>, deadline = Date.now() + 5_000) => {
      const requestId = randomUUID();
      const replies: string[] = [];
      const unsubscribe = await h.coordination.subscribe(channels.rpcReply(requestId), (m) => replies.push(m));
      await h.coordination.publish(channels.rpc(id), JSON.stringify({ requestId, method, params, deadline }));
      try {
        return await eventually(() => replies[0] && JSON.parse(replies[0]), 2_000, `reply to ${method}`);
      } finally {
        await unsubscribe();
      }
    };
    expect(await call('profile.get', {})).toMatchObject({
      ok: true,
      result: { jid: expect.stringContaining('15550000304') },
    });
    expect(await call('presence.set', { state: 'available' })).toMatchObject({ ok: true });
    expect(await call('group.get', {})).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    expect(await call('nope', {})).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    await expect(call('profile.get', {}, Date.now() - 1)).rejects.toThrow(/timed out/);
  }, 30_000);

  test('with WHATSAPP_AUTO_RECONNECT=false a dropped instance stays disconnected until connect', async () => {
    const id = await linked('manual', '15550000305');
    // Only a worker that does not reconnect by itself runs during this test; the usual one comes back after.
    for (const w of h.workersStarted()) await w.stop();
    const worker = await h.startWorker('worker-manual', { env: { WHATSAPP_AUTO_RECONNECT: 'false' } });
    try {
      await waitFor(
        async () => worker.manager?.owned.get(id)?.connection.status === 'connected',
        20_000,
        'connected by worker-manual',
      );
      await waitFor(async () => h.sim.sim.connectionsOf('15550000305') === 1, 10_000, 'device online');
      expect(h.sim.sim.injectFault({ type: 'drop', jid: '15550000305' }).affected).toBe(1);
      await h.waitStatus(id, 'disconnected');
      // Other instances may still be reconnecting to this new worker: watch only this one.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(h.sim.sim.connectionsOf('15550000305')).toBe(0);
      expect(worker.manager?.owned.get(id)?.connection.parked).toBe(true);
      expect((await h.instance(id))?.status).toBe('disconnected');
      await h.command(id, 'connect');
      await h.waitStatus(id, 'connected');
    } finally {
      await worker.stop();
      await h.startWorker('worker-auto-2');
    }
  }, 60_000);

  test('440: another socket takes the device — the worker lets go and does not fight back in a loop', async () => {
    const id = await linked('taken', '15550000306');
    await waitFor(async () => h.sim.sim.connectionsOf('15550000306') === 1, 10_000, 'device online');
    const row = await h.instance(id);
    // A raw client with the same device credentials (read-only copy; its own key writes stay in memory).
    const stored = await loadPostgresAuthState(h.database.db, new KeyringCipher(h.config().session.keyring), {
      instanceId: id,
      worker: row!.owner_worker!,
      token: row!.owner_token,
    });
    const memory = memoryAuthState();
    const auth = {
      creds: stored.state.creds,
      keys: {
        get: async (type: never, ids: string[]) => ({
          ...(await stored.state.keys.get(type, ids)),
          ...(await memory.keys.get(type, ids)),
        }),
        set: memory.keys.set,
      },
    };
    const conflicts = h.sim.sim.stats().conflicts;
    const intruder = h.sim.track(await reconnect(h.sim.handle.wsUrl, auth as never));
    await waitFor(async () => h.sim.sim.stats().conflicts === conflicts + 1, 5_000, 'conflict');
    await waitFor(async () => (await h.instance(id))?.owner_worker === null, 5_000, 'instance released');
    // Fighting back would claim the instance again and take the device back (a second conflict).
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await h.instance(id))?.owner_worker).toBeNull();
    expect(h.sim.sim.stats().conflicts).toBe(conflicts + 1);
    expect(h.sim.sim.connectionsOf('15550000306')).toBe(1);
    expect(intruder.state).toBe('open');
  }, 60_000);
});
