/**
 * AMQP topic matching: words are separated by '.', `*` matches exactly one word and `#` matches
 * zero or more words ("a.#" matches "a", "a.b" and "a.b.c"; "#" matches everything).
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const w = routingKey.split('.');
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = i * (w.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === w.length;
    else if (p[i] === '#') result = match(i + 1, j) || (j < w.length && match(i, j + 1));
    else result = j < w.length && (p[i] === '*' || p[i] === w[j]) && match(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}
