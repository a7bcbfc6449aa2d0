import { createTurboZap, type TurboZap } from '@turbozap/client';

/** The key lives in this tab's sessionStorage only: never in a URL, a cookie or localStorage. */
const storageKey = 'turbozap.key';

export const savedKey = (): string | null => sessionStorage.getItem(storageKey);
export const saveKey = (key: string): void => sessionStorage.setItem(storageKey, key);
export const forgetKey = (): void => sessionStorage.removeItem(storageKey);

/** The API of the page's own origin (the console is served by the api role). */
export const clientFor = (apiKey: string): TurboZap => createTurboZap({ apiKey });
