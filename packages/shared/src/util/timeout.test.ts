import { TimeoutError, withDeadline, withTimeout } from './timeout.ts';

const never = new Promise<never>(() => {});

describe('withTimeout', () => {
  test('passes a timely value or error through', async () => {
    await expect(withTimeout(Promise.resolve(7), 50)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('boom')), 50)).rejects.toThrow('boom');
  });

  test('rejects with a TimeoutError naming the operation when too slow', async () => {
    const late = withTimeout(never, 10, 'lease renew');
    await expect(late).rejects.toBeInstanceOf(TimeoutError);
    await expect(late).rejects.toThrow('lease renew timed out after 10 ms');
  });
});

describe('withDeadline', () => {
  test('the value when timely, the fallback when failed or too slow', async () => {
    await expect(withDeadline(Promise.resolve('v'), 50, 'fallback')).resolves.toBe('v');
    await expect(withDeadline(Promise.reject(new Error('boom')), 50, 'fallback')).resolves.toBe('fallback');
    await expect(withDeadline(never, 10, undefined)).resolves.toBeUndefined();
  });
});
