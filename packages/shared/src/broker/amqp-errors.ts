import { BrokerError, BrokerUnavailableError } from './errors.ts';

/** Maps amqplib failures (server close codes, closed channels) onto BrokerError codes. */
export function mapAmqpError(err: unknown): BrokerError {
  if (err instanceof BrokerError) return err;
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  if (code === 404) return new BrokerError('BROKER_NOT_FOUND', e.message, { cause: e });
  if (code === 405) return new BrokerError('BROKER_RESOURCE_LOCKED', e.message, { cause: e });
  if (code === 406) return new BrokerError('BROKER_PRECONDITION_FAILED', e.message, { cause: e });
  if (
    e.name === 'IllegalOperationError' ||
    code === 320 ||
    /(channel|connection) (closed|ended)|socket|ECONNRESET|ECONNREFUSED|EPIPE/i.test(e.message)
  ) {
    return new BrokerUnavailableError(`message broker unavailable: ${e.message}`, { cause: e });
  }
  return new BrokerError('BROKER_ERROR', e.message, { cause: e });
}
