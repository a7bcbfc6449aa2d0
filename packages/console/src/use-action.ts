import { useCallback, useState } from 'react';

/** What a failed call tells the person at the console: the API's message (a TurboZapError's), else the error's. */
const errorText = (failure: unknown): string => (failure instanceof Error ? failure.message : String(failure));

/**
 * What every button of the console does: clear the last error, act, read again what the
 * action changed, and show a failure in the page instead of losing it.
 */
export function useAction(reload: () => Promise<unknown>) {
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (action?: () => Promise<unknown>) => {
      setError(null);
      try {
        await action?.();
        await reload();
      } catch (failure) {
        setError(errorText(failure));
      }
    },
    [reload],
  );
  /** For reads outside `run` (a first load, an event): their failure is shown the same way. */
  const report = useCallback((failure: unknown) => setError(errorText(failure)), []);
  return { error, run, report };
}
