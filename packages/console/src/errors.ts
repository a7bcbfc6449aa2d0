/** What a failed call tells the person at the console: the API's message (a TurboZapError's), else the error's. */
export const errorText = (failure: unknown): string => (failure instanceof Error ? failure.message : String(failure));
