import { proto } from '@whiskeysockets/baileys';
import { wantsHistory } from './history-sync.ts';

const { FULL, RECENT, INITIAL_BOOTSTRAP, PUSH_NAME } = proto.HistorySync.HistorySyncType;

describe('sync_history → which history notifications the socket downloads', () => {
  test('none downloads nothing', () => {
    for (const type of [FULL, RECENT, INITIAL_BOOTSTRAP, PUSH_NAME]) expect(wantsHistory('none', type)).toBe(false);
  });

  test('recent downloads everything but the full history', () => {
    expect(wantsHistory('recent', RECENT)).toBe(true);
    expect(wantsHistory('recent', INITIAL_BOOTSTRAP)).toBe(true);
    expect(wantsHistory('recent', FULL)).toBe(false);
  });

  test('full downloads the full history too', () => {
    expect(wantsHistory('full', FULL)).toBe(true);
    expect(wantsHistory('full', RECENT)).toBe(true);
  });
});
