// Each property's history, as HubSpot keeps it for every property of every record: one entry per value
// written, with when and what wrote it (`value`, `timestamp`, `sourceType`, `sourceId`), read back
// newest first through `propertiesWithHistory` (CRM objects reference, batch read:
// https://developers.hubspot.com/docs/api-reference/latest/crm/objects/objects/batch/get-objects).
// A write logs every property it names, even one set to the value it held (the stricter reading: a
// reader cannot take the newest entry for the time the value changed).
//
// A portal holds a million contacts, each written many times, so entries sit in typed columns, each
// record's chained newest first from the head its stored object keeps (`historyHead`): 28 bytes an
// entry instead of an object each. The values a record was created with are not logged: until a
// property is written again its history is its current value at the record's creation, by whatever
// created it; the first write of a property logs that first entry before its own.

/** What wrote a value: `INTEGRATION` for an app over the API, `CRM_UI` for a user, `ANALYTICS` for tracking. */
export interface PropertySource {
  sourceType: string;
  sourceId?: string;
}

/** One entry as the API answers it. */
export interface PropertyHistoryEntry {
  value: string;
  timestamp: string;
  sourceType: string;
  sourceId?: string;
}

/** What the log needs of a stored record: its values, creation and the head of its chain. */
export interface HistoryOwner {
  properties: Record<string, string>;
  createdAt: Date;
  /** The newest entry of this record's chain; -1 when none was logged. */
  historyHead: number;
  /** The source that created the record (an index the log gave). */
  createdBy: number;
}

const INITIAL_CAPACITY = 1024;

export class PropertyHistoryLog {
  private at = new Float64Array(INITIAL_CAPACITY);
  private prev = new Int32Array(INITIAL_CAPACITY);
  private prop = new Int32Array(INITIAL_CAPACITY);
  private source = new Int32Array(INITIAL_CAPACITY);
  private readonly values: string[] = [];
  private length = 0;
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly sources: PropertySource[] = [];
  private readonly sourceIds = new Map<string, number>();
  /** Scratch for one write: `seen[nameId] === epoch` when the record's chain holds that property. */
  private seen = new Int32Array(64);
  private epoch = 0;

  /** The index a record keeps as its `createdBy`. */
  sourceIndex(source: PropertySource): number {
    const key = `${source.sourceType}\u0000${source.sourceId ?? ""}`;
    let id = this.sourceIds.get(key);
    if (id === undefined) {
      id = this.sources.length;
      this.sources.push({ ...source });
      this.sourceIds.set(key, id);
    }
    return id;
  }

  /**
   * Logs a write of `values` (null clears) to `record`, before they are applied to its properties.
   * Updates `record.historyHead`.
   */
  written(record: HistoryOwner, values: Readonly<Record<string, string | null>>, at: Date, by: PropertySource): void {
    const names = Object.keys(values);
    if (names.length === 0) return;
    const logged = this.loggedNames(record);
    const source = this.sourceIndex(by);
    for (const name of names) {
      const nameId = this.nameId(name);
      const held = record.properties[name];
      if (!logged.has(nameId) && held !== undefined) {
        this.append(record, nameId, held, record.createdAt.getTime(), record.createdBy);
      }
      this.append(record, nameId, values[name] ?? "", at.getTime(), source);
    }
  }

  /**
   * Gives `target`, the new record a merge made, the histories of the records merged into it: every entry
   * at its own time and by its own source, oldest first, as HubSpot keeps "the history of property values
   * from both contact records" on the merged one (Knowledge Base, "What happens when I merge two
   * contacts?"). Where the value the merge kept (the primary's) is not the newest of those entries, or a
   * property has none (the merge's own values), the merge logs it at `at` by `by`. `copied` says which
   * properties a merge carries over.
   */
  merged(target: HistoryOwner, from: readonly HistoryOwner[], copied: (name: string) => boolean, at: Date, by: PropertySource): void {
    const entries: { nameId: number; value: string; ms: number; source: number }[] = [];
    for (const record of from) {
      const logged = new Set<number>();
      for (let i = record.historyHead; i >= 0; i = this.prev[i]!) {
        logged.add(this.prop[i]!);
        if (copied(this.names[this.prop[i]!]!)) entries.push({ nameId: this.prop[i]!, value: this.values[i]!, ms: this.at[i]!, source: this.source[i]! });
      }
      // A value the record was created with and never wrote again is its creation's.
      for (const [name, value] of Object.entries(record.properties))
        if (copied(name) && !logged.has(this.nameId(name))) entries.push({ nameId: this.nameId(name), value, ms: record.createdAt.getTime(), source: record.createdBy });
    }
    // Oldest first, so the chain (newest first) reads them back in time order; a tie keeps the primary's (listed last) newer.
    entries.sort((a, b) => a.ms - b.ms);
    const newest = new Map<number, string>();
    for (const e of entries) {
      this.append(target, e.nameId, e.value, e.ms, e.source);
      newest.set(e.nameId, e.value);
    }
    const source = this.sourceIndex(by);
    for (const [name, value] of Object.entries(target.properties)) {
      const nameId = this.nameId(name);
      if (newest.get(nameId) !== value) this.append(target, nameId, value, at.getTime(), source);
    }
  }

  /** The history of one property, newest first; empty for a property never set. */
  entries(record: HistoryOwner, name: string): PropertyHistoryEntry[] {
    const nameId = this.nameIds.get(name);
    const out: PropertyHistoryEntry[] = [];
    if (nameId !== undefined) {
      for (let i = record.historyHead; i >= 0; i = this.prev[i]!) {
        if (this.prop[i] === nameId) out.push(this.entry(this.values[i]!, this.at[i]!, this.source[i]!));
      }
    }
    if (out.length > 0) return out;
    const value = record.properties[name];
    return value === undefined ? [] : [this.entry(value, record.createdAt.getTime(), record.createdBy)];
  }

  private entry(value: string, ms: number, source: number): PropertyHistoryEntry {
    const by = this.sources[source]!;
    const out: PropertyHistoryEntry = { value, timestamp: new Date(ms).toISOString(), sourceType: by.sourceType };
    if (by.sourceId !== undefined) out.sourceId = by.sourceId;
    return out;
  }

  /** The properties `record`'s chain holds an entry for (valid until the next call). */
  private loggedNames(record: HistoryOwner): { has(nameId: number): boolean } {
    const epoch = ++this.epoch;
    for (let i = record.historyHead; i >= 0; i = this.prev[i]!) this.seen[this.prop[i]!] = epoch;
    return { has: (nameId) => this.seen[nameId] === epoch };
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
      if (id >= this.seen.length) {
        const grown = new Int32Array(this.seen.length * 2);
        grown.set(this.seen);
        this.seen = grown;
      }
    }
    return id;
  }

  private append(record: HistoryOwner, nameId: number, value: string, ms: number, source: number): void {
    if (this.length === this.at.length) this.grow();
    const i = this.length++;
    this.at[i] = ms;
    this.prev[i] = record.historyHead;
    this.prop[i] = nameId;
    this.source[i] = source;
    this.values[i] = value;
    record.historyHead = i;
  }

  private grow(): void {
    const size = this.at.length * 2;
    const at = new Float64Array(size);
    at.set(this.at);
    this.at = at;
    const prev = new Int32Array(size);
    prev.set(this.prev);
    this.prev = prev;
    const prop = new Int32Array(size);
    prop.set(this.prop);
    this.prop = prop;
    const source = new Int32Array(size);
    source.set(this.source);
    this.source = source;
  }
}
