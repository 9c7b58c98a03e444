// The object a link's snapshots sit in, one property per field key. An object literal holds 19 properties
// added by computed key before V8 turns it into a hash table; a class instance starts with more room, so
// a Lead's 19 fields and its stamp stay a fast object: cheaper to fill and to read on every changed record.
class SnapshotsByField {}

/** An empty set of snapshots by field key (read, merged and written like any plain object). */
export function snapshotsByField<T>(): Record<string, T> {
  return new SnapshotsByField() as Record<string, T>;
}
