import { closeCodes, decideOnClose, type ReconnectOptions } from './reconnect-policy.ts';

const options: ReconnectOptions = { autoReconnect: true, baseDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 5 };
const registered = { registered: true, attempt: 0 };

describe('reconnect policy', () => {
  test('515 reconnects at once, even with auto-reconnect off (it is part of pairing)', () => {
    expect(decideOnClose(closeCodes.restartRequired, registered, { ...options, autoReconnect: false })).toEqual({
      action: 'reconnect',
      delayMs: 0,
    });
  });

  test('401 and the other unlinked codes mean logged out, never a retry', () => {
    for (const code of [closeCodes.loggedOut, closeCodes.forbidden, closeCodes.multideviceMismatch]) {
      expect(decideOnClose(code, { registered: true, attempt: 3 }, options).action).toBe('logged_out');
    }
  });

  test('440 is a conflict: stop, never loop', () => {
    expect(decideOnClose(closeCodes.conflict, registered, options).action).toBe('conflict');
  });

  test('an unscanned QR running out parks the instance instead of showing QRs forever', () => {
    expect(decideOnClose(closeCodes.timedOut, { registered: false, attempt: 0 }, options).action).toBe('qr_expired');
    expect(decideOnClose(closeCodes.timedOut, registered, options).action).toBe('backoff');
  });

  test('other drops back off exponentially with jitter up to a cap, then fail', () => {
    const delays = [0, 1, 2, 3, 4].map((attempt) => {
      const d = decideOnClose(closeCodes.connectionClosed, { registered: true, attempt }, options, () => 1);
      expect(d.action).toBe('backoff');
      return (d as { delayMs: number }).delayMs;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(decideOnClose(closeCodes.connectionClosed, { registered: true, attempt: 5 }, options).action).toBe('failed');
    const late = { registered: true, attempt: 20 };
    const patient = { ...options, maxAttempts: 100 };
    expect(decideOnClose(closeCodes.connectionClosed, late, patient, () => 1)).toEqual({
      action: 'backoff',
      delayMs: 30_000,
    });
    expect(decideOnClose(closeCodes.connectionClosed, late, patient, () => 0)).toEqual({
      action: 'backoff',
      delayMs: 15_000,
    });
  });

  test('with WHATSAPP_AUTO_RECONNECT=false a drop stays disconnected', () => {
    expect(decideOnClose(closeCodes.connectionClosed, registered, { ...options, autoReconnect: false }).action).toBe(
      'stay_disconnected',
    );
  });
});
