// Groups items by a key in one pass, in first-seen order (Map.groupBy arrives only with Node 21):
// writes and reads are batched per system and object, and a copy per item made that quadratic.

export function groupBy<T, K>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  const add = (item: T) => {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  };
  // An array by index: a for-of made an iterator result per item where V8 had not optimised the loop.
  if (Array.isArray(items)) for (let i = 0; i < items.length; i++) add(items[i] as T);
  else for (const item of items) add(item);
  return groups;
}
