import { createConfig, lintFromString } from '@redocly/openapi-core';
import { type ApiHarness, startApi } from '../testing/harness.ts';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

test("the served document lints clean with Redocly's recommended rules (what client generators rely on)", async () => {
  const res = await api.request('GET', '/openapi.json', { key: null });
  const problems = await lintFromString({
    source: JSON.stringify(res.body),
    absoluteRef: 'openapi.json',
    // No license is chosen yet: the document does not claim one.
    config: await createConfig({ extends: ['recommended'], rules: { 'info-license': 'off' } }),
  });
  expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
}, 60_000);
