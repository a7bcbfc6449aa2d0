import { memoryAuthState } from '../src/testing/auth.ts';
import { SimClient } from '../src/testing/client.ts';
import { startTestSim } from '../src/testing/setup.ts';

const t = await startTestSim({
  log: (l) => {
    if (!l.includes('debug')) console.log(l);
  },
  verbose: true,
});
const t0 = Date.now();
const clients = Array.from({ length: 20 }, () =>
  t.track(new SimClient(t.handle.wsUrl, memoryAuthState(), { logLevel: process.env.BL ?? 'silent' })),
);
const res = await Promise.allSettled(clients.map((c) => c.nextQr(0, 15000)));
console.log(
  res.map((r, i) => `${i}:${r.status}:${clients[i]!.state}:${clients[i]!.closeCode}`).join(' '),
  Date.now() - t0,
  'ms',
);
console.log(t.sim.stats());
await t.teardown();
process.exit(0);
