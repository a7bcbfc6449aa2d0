import { defaultSettings, resolveSettings, settingsPatch } from './settings.ts';

describe('instance settings', () => {
  test('a stored subset resolves over the defaults', () => {
    expect(resolveSettings({ reject_calls: true, sync_history: 'full' })).toEqual({
      ...defaultSettings,
      reject_calls: true,
      sync_history: 'full',
    });
  });

  test('stored keys that are unknown or of the wrong type count as unset, never as a failure', () => {
    expect(
      resolveSettings({ reject_calls: 'yes', sync_history: 'all', proxy: 'http://x', always_online: true }),
    ).toEqual({ ...defaultSettings, always_online: true });
    for (const junk of [null, 'x', 3, []]) expect(resolveSettings(junk)).toEqual(defaultSettings);
  });

  test('the patch takes any subset and refuses wrong types', () => {
    expect(settingsPatch.safeParse({}).success).toBe(true);
    expect(settingsPatch.safeParse({ reject_call_message: null }).success).toBe(true);
    expect(settingsPatch.safeParse({ ignore_groups: 'true' }).success).toBe(false);
    expect(settingsPatch.safeParse({ reject_call_message: 'x'.repeat(1025) }).success).toBe(false);
  });
});
