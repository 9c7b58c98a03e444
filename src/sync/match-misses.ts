// Match misses: an unlinked marketing record that matched no CRM record is noted with the normalised
// match keys it was looked up by, so the runs inside the look-backs, which read it again (often only
// because leadloop wrote its score), skip the CRM query for it while those keys are the same. A record
// this run would create (the inclusion rule takes it now) is always matched, since a create without a
// match could make a duplicate; a CRM record that gains the key later is read by the CRM side's own change
// stream and matched from there (ARCHITECTURE.md, "Match misses").
import { createHash } from "node:crypto";
import type { ObjectMapping } from "../core/mapping.js";
import { matchKeysHeld, normalizeMatchKey } from "../core/match-keys.js";
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

/**
 * What a record is matched by: its normalised key for each mapping that matches (in the mappings' order),
 * with the keys it holds besides (a contact's additional emails) where it holds any, as one text; null
 * when it has none (such a record is never looked up, so never noted). A contact that gains an address (a
 * merge) is matched again.
 */
export function matchedBy(record: SourceRecord, mappings: readonly ObjectMapping[]): string | null {
  const keys = mappings.map((m) => {
    const held = matchKeysHeld(m, record, "marketing");
    if (held.length === 0) return null;
    return record.alsoHolds ? held : normalizeMatchKey(m, record.fields[m.match!.marketing]);
  });
  return keys.some((k) => k !== null) ? JSON.stringify(keys) : null;
}

/** The records whose note says they matched nothing by the keys they hold now, under this matcher. */
export async function settledMisses(
  ctx: RunContext,
  mappings: readonly ObjectMapping[],
  records: readonly SourceRecord[],
  matcher: string,
): Promise<Set<string>> {
  const candidates = records.filter((r) => !stamped(r, mappings));
  if (candidates.length === 0) return new Set();
  const notes = await ctx.store.matchMisses(mappings[0]!.pair, candidates.map((r) => r.id));
  if (notes.size === 0) return new Set();
  return new Set(
    candidates
      .filter((r) => {
        const note = notes.get(r.id);
        return note !== undefined && note.matcher === matcher && note.keys === matchedBy(r, mappings);
      })
      .map((r) => r.id),
  );
}

/** The mapping an unmatched marketing record of the pair is created as: the converting one (Lead), else the only one. */
export function creationMapping(mappings: readonly ObjectMapping[]): ObjectMapping {
  return mappings.find((m) => m.conversion) ?? mappings[0]!;
}

/**
 * Of these unlinked marketing records, those whose note says they matched nothing by the keys they hold
 * now (`settled`), and of those the ones the inclusion rule leaves out (`idle`): a match query would find
 * nothing again and no create follows, so they stay as they are. A settled record the rule takes now is
 * matched again, since its create must not duplicate a record.
 */
export async function leftAsTheyAre(
  ctx: RunContext,
  mappings: readonly ObjectMapping[],
  records: readonly SourceRecord[],
): Promise<{ settled: Set<string>; idle: Set<string> }> {
  const settled = await settledMisses(ctx, mappings, records, matcherOf(mappings));
  if (settled.size === 0) return { settled, idle: settled };
  const included = await ctx.includeInCrm(
    records.filter((r) => settled.has(r.id)),
    creationMapping(mappings),
  );
  const idle = new Set([...settled].filter((id) => !included.has(id)));
  if (idle.size > 0) ctx.log.debug("match.settled", { runId: ctx.runId, records: idle.size });
  return { settled, idle };
}

/**
 * Unlinked marketing records with nothing to do (`leftAsTheyAre`). The field sync drops them before
 * grouping, as it drops echoes, so a group fills with records that need work and its creates fill a
 * batch. Asked only where the rule answers from the store (`inclusionReadsNothing`): elsewhere it would
 * read associations per page rather than once per group.
 */
export async function idleMisses(
  ctx: RunContext,
  mappings: readonly ObjectMapping[],
  records: readonly SourceRecord[],
): Promise<Set<string>> {
  if (records.length === 0 || !ctx.inclusionReadsNothing?.(creationMapping(mappings))) return new Set();
  return (await leftAsTheyAre(ctx, mappings, records)).idle;
}

/** Notes for records that were looked up, matched nothing and stay unlinked in this run (noted ones aside). */
export function missNotes(
  mappings: readonly ObjectMapping[],
  records: readonly SourceRecord[],
  matcher: string,
  settled: ReadonlySet<string>,
): MatchMiss[] {
  const pair = mappings[0]!.pair;
  const notes: MatchMiss[] = [];
  for (const r of records) {
    if (settled.has(r.id) || stamped(r, mappings)) continue;
    const keys = matchedBy(r, mappings);
    if (keys !== null) notes.push({ pair, marketingId: r.id, keys, matcher });
  }
  return notes;
}
