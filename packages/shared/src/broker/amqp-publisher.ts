import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { mapAmqpError } from './amqp-errors.ts';
import { PUBLISH_ID_HEADER } from './conventions.ts';
import { BrokerError, BrokerUnavailableError } from './errors.ts';

interface ConfirmState {
  channel: ConfirmChannel;
  /** Publish ids of mandatory messages the broker returned as unroutable (the return precedes the ack). */
  returned: Set<string>;
  /** Set while the socket buffer is full; later publishes wait for 'drain'. */
  drained: Promise<void> | null;
}

/**
 * Publishes on one confirm channel (opened lazily, again after a channel error) and tracks every
 * unconfirmed publish, so that none can be left hanging or be resolved without a broker ack.
 */
export class ConfirmPublisher {
  readonly #timeoutMs: number;
  readonly #open: (model: ChannelModel) => Promise<unknown>;
  #confirm: Promise<ConfirmState> | null = null;
  readonly #pending = new Set<(err: Error | null) => void>();
  #seq = 0;

  constructor(timeoutMs: number, open: (model: ChannelModel) => Promise<unknown>) {
    this.#timeoutMs = timeoutMs;
    this.#open = open;
  }

  get unconfirmed(): number {
    return this.#pending.size;
  }

  /** Opens the confirm channel up front (during connection setup). */
  async prepare(model: ChannelModel): Promise<void> {
    await this.#state(model);
  }

  /** The channel belongs to a dead connection: open a new one next time. */
  reset(): void {
    this.#confirm = null;
  }

  /** Rejects every publish still waiting for its confirm. */
  failAll(err: Error): void {
    for (const settle of [...this.#pending]) settle(err);
  }

  /**
   * Publishes with publisher confirms. Resolves once the broker has taken responsibility for the
   * message; rejects on nack, unroutable `mandatory` message, timeout, or the connection/channel
   * going away before the confirm (BrokerUnavailableError). Never resolves for a lost message.
   */
  async publish(
    model: ChannelModel,
    exchange: string,
    routingKey: string,
    body: Buffer,
    properties: Options.Publish,
    mandatory = false,
  ): Promise<void> {
    let state: ConfirmState;
    try {
      state = await this.#state(model);
      if (state.drained) await state.drained;
    } catch (err) {
      throw mapAmqpError(err);
    }
    const id = mandatory ? `${process.pid}.${++this.#seq}` : undefined;
    const headers = id ? { ...properties.headers, [PUBLISH_ID_HEADER]: id } : properties.headers;
    return new Promise<void>((resolve, reject) => {
      const settle = (err: Error | null): void => {
        if (!this.#pending.delete(settle)) return;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      this.#pending.add(settle);
      const timeoutMs = this.#timeoutMs;
      const timer = setTimeout(
        () =>
          settle(
            new BrokerError(
              'BROKER_TIMEOUT',
              `publish to '${exchange || routingKey}' not confirmed in ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
      try {
        const ok = state.channel.publish(exchange, routingKey, body, { ...properties, headers, mandatory }, (err) => {
          if (err) settle(this.#confirmError(err));
          else if (id && state.returned.delete(id))
            settle(new BrokerError('BROKER_UNROUTABLE', `no queue '${routingKey}' to take the message`));
          else settle(null);
        });
        if (!ok && !state.drained) {
          state.drained = new Promise<void>((done) => {
            const release = (): void => {
              state.drained = null;
              done();
            };
            state.channel.once('drain', release);
            state.channel.once('close', release);
          });
        }
      } catch (err) {
        settle(mapAmqpError(err));
      }
    });
  }

  #confirmError(err: Error): Error {
    if (/nack/i.test(err.message))
      return new BrokerError('BROKER_NACKED', 'the broker refused the message', { cause: err });
    return new BrokerUnavailableError('connection to the broker lost before the publish was confirmed', { cause: err });
  }

  #state(model: ChannelModel): Promise<ConfirmState> {
    if (this.#confirm) return this.#confirm;
    const created = (async () => {
      const channel = (await this.#open(model)) as ConfirmChannel;
      const state: ConfirmState = { channel, returned: new Set(), drained: null };
      channel.on('return', (message) => {
        const id = message.properties.headers?.[PUBLISH_ID_HEADER];
        if (id !== undefined) state.returned.add(String(id));
      });
      channel.on('close', () => {
        if (this.#confirm === created) this.#confirm = null;
      });
      return state;
    })();
    this.#confirm = created;
    created.catch(() => {
      if (this.#confirm === created) this.#confirm = null;
    });
    return created;
  }
}
