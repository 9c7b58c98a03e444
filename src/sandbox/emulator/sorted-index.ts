// An ordered index of record ids by a numeric key (a modification time), for the range reads both
// emulators serve: Salesforce's SystemModstamp windows and getUpdated, HubSpot's search on the modified
// date. Entries live in small sorted blocks, so a write moves one entry in O(log n + block) whatever order
// the keys arrive in (a back-dated seed lands mid-index as cheaply as a write stamped now).

// Small blocks: moving an entry splices its block, and at 100k records the splices of 512–1,024-entry
// blocks were the emulator's largest cost after answering (a 100k bench's profile).
const BLOCK = 128;

interface Entry {
  key: number;
  id: string;
}

export class SortedIndex {
  private blocks: Entry[][] = [];
  private readonly keyOf = new Map<string, number>();

  get size(): number {
    return this.keyOf.size;
  }

  /** Places `id` at `key`, moving it when it was indexed at another key; NaN keys leave it out. */
  set(id: string, key: number): void {
    const held = this.keyOf.get(id);
    if (held === key) return;
    if (held !== undefined) this.remove(id);
    if (Number.isNaN(key)) return;
    this.keyOf.set(id, key);
    const entry = { key, id };
    if (this.blocks.length === 0) {
      this.blocks.push([entry]);
      return;
    }
    const b = this.blockFor(key, id);
    const block = this.blocks[b]!;
    block.splice(positionIn(block, key, id), 0, entry);
    if (block.length > BLOCK * 2) this.blocks.splice(b, 1, block.slice(0, BLOCK), block.slice(BLOCK));
  }

  remove(id: string): void {
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const b = this.blockFor(key, id);
    const block = this.blocks[b]!;
    const at = positionIn(block, key, id);
    if (block[at]?.id === id) block.splice(at, 1);
    if (block.length === 0) this.blocks.splice(b, 1);
  }

  /** Ids whose key is in [low, high] (either bound optional), in key order. */
  range(low = Number.NEGATIVE_INFINITY, high = Number.POSITIVE_INFINITY): string[] {
    const out: string[] = [];
    if (low > high) return out;
    for (let b = this.firstBlockReaching(low); b < this.blocks.length; b++) {
      const block = this.blocks[b]!;
      if (block[0]!.key > high) break;
      for (const e of block) {
        if (e.key < low) continue;
        if (e.key > high) return out;
        out.push(e.id);
      }
    }
    return out;
  }

  /** Visits (id, key) in [low, high] in key order until `visit` answers false. */
  walk(low: number, high: number, visit: (id: string, key: number) => boolean): void {
    if (low > high) return;
    for (let b = this.firstBlockReaching(low); b < this.blocks.length; b++) {
      const block = this.blocks[b]!;
      if (block[0]!.key > high) return;
      for (const e of block) {
        if (e.key < low) continue;
        if (e.key > high || !visit(e.id, e.key)) return;
      }
    }
  }

  /** How many ids [low, high] holds, without listing them (for choosing between indexes). */
  count(low = Number.NEGATIVE_INFINITY, high = Number.POSITIVE_INFINITY): number {
    let n = 0;
    if (low > high) return 0;
    for (let b = this.firstBlockReaching(low); b < this.blocks.length; b++) {
      const block = this.blocks[b]!;
      if (block[0]!.key > high) break;
      const last = block[block.length - 1]!.key;
      if (block[0]!.key >= low && last <= high) {
        n += block.length;
        continue;
      }
      for (const e of block) if (e.key >= low && e.key <= high) n++;
    }
    return n;
  }

  clear(): void {
    this.blocks = [];
    this.keyOf.clear();
  }

  /** The block an entry (key, id) belongs in: the last one whose first entry is not after it. */
  private blockFor(key: number, id: string): number {
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      const first = this.blocks[mid]![0]!;
      if (before(first.key, first.id, key, id) || (first.key === key && first.id === id)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The first block whose last key is at least `low`. */
  private firstBlockReaching(low: number): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = this.blocks[mid]!;
      if (block[block.length - 1]!.key < low) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function before(aKey: number, aId: string, bKey: number, bId: string): boolean {
  return aKey < bKey || (aKey === bKey && aId < bId);
}

/** Where (key, id) sits in a sorted block: the first entry not before it. */
function positionIn(block: Entry[], key: number, id: string): number {
  let lo = 0;
  let hi = block.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const e = block[mid]!;
    if (before(e.key, e.id, key, id)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
