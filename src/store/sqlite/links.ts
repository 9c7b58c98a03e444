// The links table: which marketing record is which CRM record, per mapping pair. Lookups see active
// links only; retired ones stay for history.
import { type DatedLink, type Link, type LinkWrite, StoreError } from "../port.js";
import { inListChunks } from "./in-list.js";
import type { Statements } from "./statements.js";

const COLUMNS = `id, pair, marketing_type AS marketingType, marketing_id AS marketingId, crm_type AS crmType,
  crm_id AS crmId, match_key AS matchKey, status, retired_reason AS retiredReason, created_at AS createdAt,
  updated_at AS updatedAt`;

/**
 * A row of `withSnapshotText`: an active link's columns but those its query fixes (its pair, status and
 * retired reason) and its times (a page reads none), then the snapshot row's text.
 */
type JoinedRow = [
  id: number,
  marketingType: string,
  marketingId: string,
  crmType: string,
  crmId: string,
  matchKey: string | null,
  snapshotFields: string | null,
];
const JOINED_COLUMNS = "l.id, l.marketing_type, l.marketing_id, l.crm_type, l.crm_id, l.match_key, s.fields";

export class LinkTable {
  constructor(private readonly sql: Statements) {}

  byMarketing(pair: string, marketingId: string): DatedLink | undefined {
    return this.sql
      .get<DatedLink>(`SELECT ${COLUMNS} FROM links WHERE pair = ? AND marketing_id = ? AND status = 'active'`)
      .get(pair, marketingId);
  }

  byCrm(pair: string, crmType: string, crmId: string): DatedLink | undefined {
    return this.sql
      .get<DatedLink>(
        `SELECT ${COLUMNS} FROM links WHERE pair = ? AND crm_type = ? AND crm_id = ? AND status = 'active'`,
      )
      .get(pair, crmType, crmId);
  }

  byMatchKey(pair: string, matchKey: string): DatedLink[] {
    return this.sql
      .get<DatedLink>(
        `SELECT ${COLUMNS} FROM links WHERE pair = ? AND match_key = ? AND status = 'active' ORDER BY id`,
      )
      .all(pair, matchKey);
  }

  byMarketingIds(
    pair: string,
    marketingIds: readonly string[],
    status: Link["status"] = "active",
  ): Map<string, DatedLink> {
    return this.byIds(pair, "marketing_id", marketingIds, status, (l) => l.marketingId);
  }

  byCrmIds(pair: string, crmIds: readonly string[], status: Link["status"] = "active"): Map<string, DatedLink> {
    return this.byIds(pair, "crm_id", crmIds, status, (l) => l.crmId);
  }

  linkedSince(pair: string, since: string | null): string[] {
    return this.sql
      .get<{ marketingId: string }>(
        `SELECT marketing_id AS marketingId FROM links
         WHERE pair = ? AND status = 'active' AND created_at >= ? ORDER BY id`,
      )
      .all(pair, since ?? "")
      .map((r) => r.marketingId);
  }

  /**
   * Links whose id on one side is among `ids`, in chunks of bound parameters, keyed by that id. The status
   * is written into the statement, not bound: SQLite uses a partial index (`WHERE status = 'retired'`,
   * migration 39) only for a query that names its condition, and with the status bound it read every
   * link for each page's look-up of retired links (page-sync.ts), a time growing with the store.
   */
  private byIds(
    pair: string,
    column: "marketing_id" | "crm_id",
    ids: readonly string[],
    status: Link["status"],
    keyOf: (link: DatedLink) => string,
  ): Map<string, DatedLink> {
    const found = new Map<string, DatedLink>();
    for (const chunk of inListChunks(ids)) {
      const rows = this.sql
        .get<DatedLink>(
          `SELECT ${COLUMNS} FROM links
           WHERE pair = ? AND status = '${status === "retired" ? "retired" : "active"}' AND ${column} IN (${chunk.placeholders})
           ORDER BY id`,
        )
        .all(pair, ...chunk.params);
      for (const link of rows) found.set(keyOf(link), link);
    }
    return found;
  }

  /**
   * The active links whose id on one side is among `ids`, each with its snapshot row as stored (JSON
   * text, or null), in one statement per chunk: a page's links and snapshots in one read.
   */
  withSnapshotText(
    pair: string,
    side: "marketing" | "crm",
    ids: readonly string[],
  ): { links: Map<string, Link>; snapshotText: Map<number, string | null> } {
    const column = side === "marketing" ? "l.marketing_id" : "l.crm_id";
    const links = new Map<string, Link>();
    const snapshotText = new Map<number, string | null>();
    for (const chunk of inListChunks(ids)) {
      // Rows as arrays: a page's hundreds of links are built here once, not as row objects copied again.
      // No ORDER BY: sorting the joined rows in a temporary B-tree was a quarter of the read's time; where
      // two links share a CRM id (two CRM types), the newer one wins below, as it did in id order.
      const rows = this.sql
        .get<JoinedRow>(
          `SELECT ${JOINED_COLUMNS}
           FROM links AS l LEFT JOIN link_snapshots AS s ON s.link_id = l.id
           WHERE l.pair = ? AND l.status = 'active' AND ${column} IN (${chunk.placeholders})`,
        )
        .raw(true)
        .all(pair, ...chunk.params) as unknown as JoinedRow[];
      for (const row of rows) {
        const link: Link = {
          id: row[0],
          pair,
          marketingType: row[1],
          marketingId: row[2],
          crmType: row[3],
          crmId: row[4],
          matchKey: row[5],
          status: "active",
          retiredReason: null,
        };
        const key = side === "marketing" ? link.marketingId : link.crmId;
        const held = links.get(key);
        if (held === undefined || held.id < link.id) links.set(key, link);
        snapshotText.set(link.id, row[6]);
      }
    }
    return { links, snapshotText };
  }

  count(pair?: string): number {
    const row =
      pair === undefined
        ? this.sql.get<{ n: number }>("SELECT count(*) AS n FROM links WHERE status = 'active'").get()
        : this.sql
            .get<{ n: number }>("SELECT count(*) AS n FROM links WHERE pair = ? AND status = 'active'")
            .get(pair);
    return row?.n ?? 0;
  }

  /**
   * Upserts on (pair, marketingId). A changed CRM record re-points the existing link, so a converted
   * Lead keeps its link id, snapshots and history. An undefined matchKey keeps the stored one.
   * `created`: the link is a new row, so it has no snapshot row yet.
   */
  upsert(write: LinkWrite, at: string): { id: number; created: boolean } {
    if (write.retired !== undefined) return { id: this.insertRetired(write, write.retired, at), created: true };
    const matchKeyKept = write.matchKey === undefined ? 1 : 0;
    if (write.linkId !== undefined) {
      // The link the writer read: found by its row id, cheaper than the (pair, marketing id) index.
      const touched = this.sql
        .get(
          `UPDATE links SET marketing_type = ?, updated_at = ?
           WHERE id = ? AND pair = ? AND marketing_id = ? AND status = 'active' AND crm_type = ? AND crm_id = ?
             AND (? OR match_key IS ?)`,
        )
        .run(
          write.marketingType,
          at,
          write.linkId,
          write.pair,
          write.marketingId,
          write.crmType,
          write.crmId,
          matchKeyKept,
          write.matchKey ?? null,
        );
      if (touched.changes === 1) return { id: write.linkId, created: false };
    }
    // A link the writer read none for is mostly new (a first load's every one): one INSERT that a link
    // active for either record refuses, left to the paths below.
    if (write.linkId === undefined) {
      const row = this.sql
        .get<{ id: number }>(
          `INSERT INTO links (pair, marketing_type, marketing_id, crm_type, crm_id, match_key, status,
             created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
        )
        .get(write.pair, write.marketingType, write.marketingId, write.crmType, write.crmId, write.matchKey ?? null, at, at);
      if (row !== undefined) return { id: row.id, created: true };
    }
    // A page's links mostly stay as they are (same records and key, a new sync time): one UPDATE that
    // touches no indexed column settles those.
    const same = this.sql
      .get<{ id: number }>(
        `UPDATE links SET marketing_type = ?, updated_at = ?
         WHERE pair = ? AND marketing_id = ? AND status = 'active' AND crm_type = ? AND crm_id = ?
           AND (? OR match_key IS ?)
         RETURNING id`,
      )
      .get(
        write.marketingType,
        at,
        write.pair,
        write.marketingId,
        write.crmType,
        write.crmId,
        matchKeyKept,
        write.matchKey ?? null,
      );
    if (same !== undefined) return { id: same.id, created: false };
    const existing = this.byMarketing(write.pair, write.marketingId);
    const holder = this.byCrm(write.pair, write.crmType, write.crmId);
    if (holder !== undefined && holder.id !== existing?.id) {
      throw new StoreError(
        `cannot link marketing ${write.marketingType} ${write.marketingId} to CRM ${write.crmType} ` +
          `${write.crmId} in pair "${write.pair}": that CRM record is already linked to marketing ` +
          `${holder.marketingType} ${holder.marketingId} (link ${holder.id}); retire that link first`,
      );
    }
    if (existing === undefined) {
      const row = this.sql
        .get<{ id: number }>(
          `INSERT INTO links (pair, marketing_type, marketing_id, crm_type, crm_id, match_key, status,
             created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING id`,
        )
        .get(
          write.pair,
          write.marketingType,
          write.marketingId,
          write.crmType,
          write.crmId,
          write.matchKey ?? null,
          at,
          at,
        );
      // RETURNING yields the inserted row whenever the INSERT succeeds.
      return { id: row!.id, created: true };
    }
    this.sql
      .get(
        `UPDATE links SET marketing_type = ?, crm_type = ?, crm_id = ?, match_key = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(
        write.marketingType,
        write.crmType,
        write.crmId,
        write.matchKey === undefined ? existing.matchKey : write.matchKey,
        at,
        existing.id,
      );
    return { id: existing.id, created: false };
  }

  /** A link that starts retired: the uniqueness of active links does not hold it. */
  private insertRetired(write: LinkWrite, reason: string, at: string): number {
    const row = this.sql
      .get<{ id: number }>(
        `INSERT INTO links (pair, marketing_type, marketing_id, crm_type, crm_id, match_key, status,
           retired_reason, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'retired', ?, ?, ?) RETURNING id`,
      )
      .get(write.pair, write.marketingType, write.marketingId, write.crmType, write.crmId, write.matchKey ?? null, reason, at, at);
    return row!.id;
  }

  retire(id: number, reason: string, at: string): void {
    const result = this.sql
      .get("UPDATE links SET status = 'retired', retired_reason = ?, updated_at = ? WHERE id = ?")
      .run(reason, at, id);
    if (result.changes === 0) throw new StoreError(`cannot retire link ${id}: no such link`);
  }
}
