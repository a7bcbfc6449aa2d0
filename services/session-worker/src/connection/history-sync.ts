import type { InstanceSettings } from '@turbozap/shared/contracts/settings';
import { proto } from '@whiskeysockets/baileys';

/**
 * Whether the socket downloads a history notification, by the instance's `sync_history`:
 * `none` nothing, `recent` what Baileys accepts by default (all but the full history), `full`
 * everything (the socket also asks for the full history at link time: `syncFullHistory`).
 */
export function wantsHistory(setting: InstanceSettings['sync_history'], syncType: number | null | undefined): boolean {
  if (setting === 'full') return true;
  return setting === 'recent' && syncType !== proto.HistorySync.HistorySyncType.FULL;
}
