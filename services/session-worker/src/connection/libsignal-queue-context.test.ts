import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SignalDataSet, SignalKeyStore } from '@whiskeysockets/baileys';
import { asSocketKeys } from '../testing/baileys-keys.ts';

// libsignal as Baileys resolves it (our patched copy: patches/libsignal@6.0.0.patch).
const fromBaileys = createRequire(
  realpathSync(createRequire(import.meta.url).resolve('@whiskeysockets/baileys/package.json')),
);
const queueJob = fromBaileys('libsignal/src/queue_job.js') as <T>(bucket: string, job: () => Promise<T>) => Promise<T>;

/** A socket's key store as Baileys makes it, over a store that records each write it receives. */
function keyStore() {
  const writes: SignalDataSet[] = [];
  const base: SignalKeyStore = { get: async () => ({}), set: async (data) => void writes.push(data) };
  const keys = asSocketKeys(base);
  return { keys, writes };
}

describe("libsignal's per-address job queue", () => {
  // Every socket of a process shares libsignal's queue: two of our numbers sending to the same
  // contact at once queue their encryptions in one bucket. Unpatched, the second job ran in the
  // first caller's async context, outside its own socket's key transaction: its session was
  // written on its own, ahead of the transaction it belonged to.
  test("a job queued behind another socket's runs inside its own socket's key transaction", async () => {
    const a = keyStore();
    const b = keyStore();
    const inTransaction: boolean[] = [];
    await Promise.all([
      a.keys.transaction(
        () =>
          queueJob('5511900000001.0', async () => {
            await sleep(20);
            await a.keys.set({ session: { 'c.0': Buffer.from('a') } });
          }),
        'a',
      ),
      b.keys.transaction(async () => {
        await sleep(5);
        await queueJob('5511900000001.0', async () => {
          inTransaction.push(b.keys.isInTransaction());
          await b.keys.set({ session: { 'c.0': Buffer.from('b') } });
        });
        // Still uncommitted here: the write waits for the transaction's commit.
        expect(b.writes).toEqual([]);
      }, 'b'),
    ]);
    expect(inTransaction).toEqual([true]);
    expect(b.writes).toHaveLength(1);
    expect(a.writes).toHaveLength(1);
  });
});
