import { topicMatches } from './topic.ts';

test.each([
  ['a.b.c', 'a.b.c', true],
  ['a.b.c', 'a.b', false],
  ['a.*.c', 'a.b.c', true],
  ['a.*.c', 'a.c', false],
  ['a.*', 'a.b.c', false],
  ['a.#', 'a', true],
  ['a.#', 'a.b.c', true],
  ['a.#', 'b.a', false],
  ['#', 'anything.at.all', true],
  ['#.c', 'c', true],
  ['#.c', 'a.b.c', true],
  ['#.c', 'a.b.c.d', false],
  ['a.#.d', 'a.d', true],
  ['a.#.d', 'a.b.c.d', true],
  ['*.#', 'a', true],
  ['*.*', 'a', false],
  ['instance.*.message', 'instance.i1.message', true],
  ['instance.*.message', 'instance.i1.status', false],
  ['#.#.x', 'a.b.x', true],
])('topic %s vs %s -> %s', (pattern, key, expected) => {
  expect(topicMatches(pattern, key)).toBe(expected);
});
