// The child processes of bench/webhooks.ts: the local receiver and the bare-undici floor.
import { join } from 'node:path';
import { freePort, IpcPeer, startChild } from './children.ts';
import { repoRoot } from './deps.ts';

export interface Receipts {
  received: [string, number][];
  requests: number;
  duplicates: number;
  verified: number;
  badSignatures: number;
  unknownPaths: number;
  badExamples: string[];
}

export class ReceiverProcess {
  readonly peer: IpcPeer;
  readonly url: string;

  private constructor(peer: IpcPeer, url: string) {
    this.peer = peer;
    this.url = url;
  }

  static async start(): Promise<ReceiverProcess> {
    const port = await freePort();
    const child = startChild('receiver', process.execPath, [join(repoRoot, 'bench/lib/webhook-receiver.ts')], {
      env: { RECEIVER_PORT: String(port) },
      ipc: true,
    });
    const peer = new IpcPeer(child);
    await peer.ready;
    return new ReceiverProcess(peer, `http://127.0.0.1:${port}`);
  }

  get pid(): number {
    return this.peer.child.pid;
  }
  setSecrets(secrets: Record<string, string>, sampleEvery: number) {
    return this.peer.call('secrets', { secrets, sampleEvery });
  }
  count() {
    return this.peer.call<{ unique: number; requests: number }>('count');
  }
  /** The receipts since the last take (then the receiver counts afresh; repeats still count). */
  take() {
    return this.peer.call<Receipts>('take');
  }
}

export interface FloorTarget {
  path: string;
  secret: string;
  instance: { id: string; name: string };
}

export interface FloorResult {
  sent: number;
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: string[];
}

export class FloorProcess {
  readonly peer: IpcPeer;

  constructor() {
    const child = startChild('floor', process.execPath, [join(repoRoot, 'bench/floors/webhook-floor.ts')], {
      ipc: true,
    });
    this.peer = new IpcPeer(child);
  }

  get pid(): number {
    return this.peer.child.pid;
  }
  run(args: {
    base: string;
    targets: FloorTarget[];
    count: number;
    concurrency: number;
    connections: number;
    tag: string;
  }) {
    return this.peer.call<FloorResult>('run', args);
  }
}
