import { waitFor as poll } from '@turbozap/shared/testing/wait';

/**
 * The shared polling helper with the argument order the session-worker suites were written
 * in (check first); polls every 25 ms. Kept as an alias so every suite needs no edit at once.
 */
export const waitFor = <T>(check: () => Promise<T>, timeoutMs = 10_000, label = 'condition') =>
  poll(label, check, timeoutMs, 25);
