// Match misses: an unlinked marketing record that matched no CRM record is noted with the version it was
// read at (its modification instant), so the runs inside the look-backs, which read it again unchanged,
// skip the CRM query for it. A record this run would create (the inclusion rule takes it now) is always
// matched, since a create without a match could make a duplicate; a CRM record that gains its key later
// is read by the CRM side's own change stream and matched from there (ARCHITECTURE.md, "Match misses").
import { createHash } from "node:crypto";
import type { ObjectMapping } from "../core/mapping.js";
import type { SourceRecord } from "../core/records.js";
import type { MatchMiss } from "../store/port.js";
import type { RunContext } from "./run-context.js";

/**
 * How the pair's marketing records are matched: each CRM object's match key and normalisation, its stamp
 * field and whether it converts. A note taken under another matcher (the mapping changed) is void.
 */
export function matcherOf(mappings: readonly ObjectMapping[]): string {
  const parts = mappings.map((m) => [m.crmObject, m.match ?? null, m.marketingExternalId ?? null, Boolean(m.conversion)]);
  return createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 16);
}

/** A record carrying a stamp is restored by it first (stamp-restore.ts): it is never taken as a miss. */
function stamped(record: SourceRecord, mappings: readonly ObjectMapping[]): boolean {
  return mappings.some((m) => m.marketingExternalId !== undefined && Boolean(record.fields[m.marketingExternalId]));
}

/** The records whose note says they matched nothing at the version now read, under this matcher. */
export async function settledMisses(
  ctx: RunContext,
  mappings: readonly ObjectMapping[],
  records: readonly SourceRecord[],
  matcher: string,
): Promise<Set<string>> {
  const candidates = records.filter((r) => r.modifiedAt !== "" && !stamped(r, mappings));
  if (candidates.length === 0) return new Set();
  const notes = await ctx.store.matchMisses(mappings[0]!.pair, candidates.map((r) => r.id));
  return new Set(
    candidates
      .filter((r) => {
        const note = notes.get(r.id);
        return note !== undefined && note.version === r.modifiedAt && note.matcher === matcher;
      })
      .map((r) => r.id),
  );
}

/** Notes for records that matched nothing and stay unlinked in this run (already noted ones aside). */
export function missNotes(
  mappings: readonly ObjectMapping[],
  records: readonly SourceRecord[],
  matcher: string,
  settled: ReadonlySet<string>,
): MatchMiss[] {
  const pair = mappings[0]!.pair;
  return records
    .filter((r) => r.modifiedAt !== "" && !settled.has(r.id) && !stamped(r, mappings))
    .map((r) => ({ pair, marketingId: r.id, version: r.modifiedAt, matcher }));
}
