// The links and snapshots read since the store last changed. A run reads a page's links twice — the
// echo filter drops leadloop's own writes read back, then the page sync pairs what is left — with no
// write between the two, so the second read is answered here instead of by SQLite and JSON parsing.
// Any write through this connection empties it; a commit by another connection empties it too
// (other-commits.ts).
import type { Link } from "../port.js";
import type { NameTable } from "./names.js";
import type { OtherCommits } from "./other-commits.js";
import { decodeSnapshots, type Snapshots } from "./snapshots.js";

/** Beyond this many links a long run of reads without a write starts afresh, so memory stays bounded. */
const MAX_LINKS = 20_000;

export class LinkReadCache {
  /** `side \0 pair` → record id → the active link, or null when the record has none. */
  private readonly links = new Map<string, Map<string, Link | null>>();
  /** Record ids held in `links`, all sides and pairs. */
  private linkCount = 0;
  /** Link id → its snapshots (as stored until first asked for), or null when it has none. */
  private readonly snapshots = new Map<number, Snapshots | string | null>();

  constructor(
    private readonly otherCommits: OtherCommits,
    /** The store's names, which number the snapshot rows' keys. */
    private readonly names: Pick<NameTable, "nameOf">,
  ) {
    otherCommits.onCommit(() => this.clear());
  }

  /** Forgets everything: the store is about to change. */
  clear(): void {
    this.links.clear();
    this.linkCount = 0;
    this.snapshots.clear();
  }

  /**
   * The active links of `ids` on one side, reading only the ids not seen since the last change; the
   * read brings each link's snapshot row along, parsed only when `snapshotsOf` asks for it.
   */
  linksByIds(
    side: "marketing" | "crm",
    pair: string,
    ids: readonly string[],
    read: (missing: string[]) => { links: Map<string, Link>; snapshotText: Map<number, string | null> },
  ): Map<string, Link> {
    this.otherCommits.check();
    if (this.linkCount + ids.length > MAX_LINKS) this.clear();
    // One map per side and pair, so a look-up builds no key string per id.
    const scope = `${side}\u0000${pair}`;
    let held = this.links.get(scope);
    if (!held) this.links.set(scope, (held = new Map()));
    const missing = ids.filter((id) => !held.has(id));
    if (missing.length > 0) {
      const found = read(missing);
      for (const id of missing) {
        if (!held.has(id)) this.linkCount++;
        held.set(id, found.links.get(id) ?? null);
      }
      for (const [linkId, text] of found.snapshotText) this.snapshots.set(linkId, text);
    }
    const out = new Map<string, Link>();
    for (const id of ids) {
      const link = held.get(id);
      if (link) out.set(id, link);
    }
    return out;
  }

  /** The snapshots of `linkIds`, reading only the links not seen since the last change. */
  snapshotsOf(
    linkIds: readonly number[],
    read: (missing: number[]) => Map<number, Snapshots>,
  ): Map<number, Snapshots> {
    this.otherCommits.check();
    if (this.snapshots.size + linkIds.length > MAX_LINKS) this.clear();
    const missing = linkIds.filter((id) => !this.snapshots.has(id));
    if (missing.length > 0) {
      const found = read(missing);
      for (const id of missing) this.snapshots.set(id, found.get(id) ?? null);
    }
    const out = new Map<number, Snapshots>();
    for (const id of linkIds) {
      let snaps = this.snapshots.get(id);
      if (typeof snaps === "string") {
        snaps = decodeSnapshots(snaps, this.names);
        this.snapshots.set(id, snaps);
      }
      if (snaps) out.set(id, snaps);
    }
    return out;
  }
}
