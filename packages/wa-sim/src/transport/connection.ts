// One client WebSocket: noise handshake, encrypted binary-node transport, server-initiated
// queries, stream errors and the silence watchdog. Protocol logic lives in the stanza handlers.
import { randomBytes } from 'node:crypto';
import type { proto } from '@whiskeysockets/baileys';
import type { WebSocket } from 'ws';
import type { Account, CompanionDevice } from '../accounts/types.ts';
import { type BinaryNode, binaryNodeToString, decodeBinaryNode, encodeBinaryNode, node } from '../binary/nodes.ts';
import type { SimLogger } from '../log.ts';
import type { CertificateAuthority } from '../noise/ca.ts';
import { encodeFrame, FrameDecoder } from '../noise/frames.ts';
import { type NoiseTransport, ServerHandshake } from '../noise/handshake.ts';

export interface ConnectionHandlers {
  onPayload(conn: Connection, payload: proto.ClientPayload): Promise<void> | void;
  onNode(conn: Connection, node: BinaryNode): Promise<void> | void;
  onClose(conn: Connection): void;
}

export interface ConnectionOptions {
  silenceTimeoutMs: number;
  /** How long to wait for the client to close after a stream error before terminating. */
  closeGraceMs: number;
  log: SimLogger;
}

type Stage = 'hello' | 'finish' | 'transport' | 'closed';

export class Connection {
  readonly id = randomBytes(4).toString('hex');
  readonly openedAt = Date.now();
  /** Set once the client logged in as a known companion device. */
  account?: Account;
  deviceId?: number;
  clientStaticKey?: Buffer;
  /** The presence the client announced for itself on this connection (`always online` clients send `available`). */
  presence?: 'available' | 'unavailable';
  payload?: proto.ClientPayload;
  #stage: Stage = 'hello';
  readonly #decoder = new FrameDecoder();
  readonly #handshake: ServerHandshake;
  #transport?: NoiseTransport;
  #chain: Promise<void> = Promise.resolve();
  #silenceTimer?: NodeJS.Timeout;
  #closeTimer?: NodeJS.Timeout;
  readonly #pending = new Map<
    string,
    { resolve: (n: BinaryNode) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  readonly #ws: WebSocket;
  readonly #handlers: ConnectionHandlers;
  readonly #opts: ConnectionOptions;

  constructor(ws: WebSocket, ca: CertificateAuthority, handlers: ConnectionHandlers, opts: ConnectionOptions) {
    this.#ws = ws;
    this.#handlers = handlers;
    this.#opts = opts;
    this.#handshake = new ServerHandshake(ca);
    ws.on('message', (data: Buffer) => {
      this.#touch();
      this.#chain = this.#chain.then(() => this.#onData(data)).catch((err) => this.#fail(err));
    });
    ws.on('close', () => this.#onClosed());
    ws.on('error', (err) => opts.log.debug('ws error', { conn: this.id, err }));
    this.#touch();
  }

  /** Open and not being closed by the server (a connection ended with a stream error no longer counts). */
  get isOpen(): boolean {
    return this.#stage !== 'closed' && !this.#closeTimer && this.#ws.readyState === this.#ws.OPEN;
  }

  get isAuthenticated(): boolean {
    return this.isOpen && this.account !== undefined;
  }

  /** The companion this connection speaks for: none before login, after a conflict or once unlinked. */
  get device(): CompanionDevice | undefined {
    return this.deviceId === undefined ? undefined : this.account?.companions.get(this.deviceId);
  }

  sendNode(n: BinaryNode): void {
    if (this.#stage === 'closed' || this.#closeTimer || this.#ws.readyState !== this.#ws.OPEN || !this.#transport)
      return;
    if (this.#opts.log.trace) this.#opts.log.debug(`>> ${this.id} ${binaryNodeToString(n)}`);
    this.#ws.send(encodeFrame(this.#transport.encrypt(encodeBinaryNode(n))));
  }

  /** Sends a server-initiated iq and resolves with the client's answer (result or error). */
  query(iq: BinaryNode, timeoutMs: number): Promise<BinaryNode> {
    const id = iq.attrs.id || randomBytes(6).toString('hex');
    iq.attrs.id = id;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer to iq ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      this.sendNode(iq);
    });
  }

  /** Sends `<stream:error>` and closes the socket once the client had a chance to read it. */
  streamError(attrs: Record<string, string>, content?: BinaryNode[]): void {
    this.sendNode(node('stream:error', attrs, content));
    this.closeSoon();
  }

  /** Closes the socket after the grace period (lets the client process frames already sent). */
  closeSoon(): void {
    if (this.#closeTimer || this.#stage === 'closed') return;
    this.#closeTimer = setTimeout(() => this.terminate(), this.#opts.closeGraceMs);
    this.#closeTimer.unref?.();
  }

  /** Abrupt close, as if the network dropped. */
  terminate(): void {
    this.#ws.terminate();
    this.#onClosed();
  }

  #touch(): void {
    if (this.#silenceTimer) this.#silenceTimer.refresh();
    else if (this.#opts.silenceTimeoutMs > 0) {
      this.#silenceTimer = setTimeout(() => this.#onSilence(), this.#opts.silenceTimeoutMs);
      this.#silenceTimer.unref?.();
    }
  }

  #onSilence(): void {
    if (this.#stage === 'closed') return;
    this.#opts.log.info('closing silent connection', { conn: this.id, ms: this.#opts.silenceTimeoutMs });
    if (this.#transport) this.streamError({ code: '408' }, [node('timeout')]);
    else this.terminate();
  }

  async #onData(data: Buffer): Promise<void> {
    if (this.#stage === 'closed') return;
    const hadIntro = this.#decoder.introHeader !== undefined;
    const frames = this.#decoder.push(data);
    if (!hadIntro && this.#decoder.introHeader) this.#handshake.mixIntro(this.#decoder.introHeader);
    for (const frame of frames) {
      if ((this.#stage as Stage) === 'closed') return;
      await this.#onFrame(frame);
    }
  }

  async #onFrame(frame: Buffer): Promise<void> {
    switch (this.#stage) {
      case 'hello':
        this.#ws.send(encodeFrame(this.#handshake.onClientHello(frame)));
        this.#stage = 'finish';
        return;
      case 'finish': {
        const { clientStaticKey, payload, transport } = this.#handshake.onClientFinish(frame);
        this.#transport = transport;
        this.clientStaticKey = clientStaticKey;
        this.payload = payload;
        this.#stage = 'transport';
        await this.#handlers.onPayload(this, payload);
        return;
      }
      case 'transport': {
        const n = await decodeBinaryNode(this.#transport!.decrypt(frame));
        if (this.#opts.log.trace) this.#opts.log.debug(`<< ${this.id} ${binaryNodeToString(n)}`);
        const waiter = n.tag === 'iq' && n.attrs.id ? this.#pending.get(n.attrs.id) : undefined;
        if (waiter && (n.attrs.type === 'result' || n.attrs.type === 'error')) {
          clearTimeout(waiter.timer);
          this.#pending.delete(n.attrs.id!);
          waiter.resolve(n);
          return;
        }
        try {
          await this.#handlers.onNode(this, n);
        } catch (err) {
          // a failing handler must not take the connection down with it
          this.#opts.log.error('stanza handler failed', {
            conn: this.id,
            tag: n.tag,
            err: String((err as Error)?.stack ?? err),
          });
        }
        return;
      }
      default:
    }
  }

  #fail(err: unknown): void {
    this.#opts.log.warn('connection error, terminating', {
      conn: this.id,
      err: String((err as Error)?.message ?? err),
    });
    this.terminate();
  }

  #onClosed(): void {
    if (this.#stage === 'closed') return;
    this.#stage = 'closed';
    clearTimeout(this.#silenceTimer);
    clearTimeout(this.#closeTimer);
    for (const { timer, reject } of this.#pending.values()) {
      clearTimeout(timer);
      reject(new Error('connection closed'));
    }
    this.#pending.clear();
    this.#handlers.onClose(this);
  }
}
