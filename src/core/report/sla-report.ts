// SLA compliance per rep for the period's handoffs: clocks met, breached (raised, or overdue at `now`),
// still open, or closed by the rep's verdict before any touch; and how fast the rep followed up.
import { clockKey, clockOutcome, type SlaDefinition } from "../sla/index.js";
import type { PersonFacts } from "./attribution.js";
import { inPeriod, type ReportClock } from "./figures.js";
import { NONE_LABEL } from "./group-key.js";
import type { ReportPeriod } from "./period.js";
import { median, percentile, ratio, roundOrNull } from "./stats.js";

/** A breach kept after a reroute replaced its clock (the store's SlaBreachRow fits this). */
export interface ReportBreach {
  personId: string;
  handoffAt: string;
  ownerId: string | null;
  ownerEmail: string | null;
}

/** The follow-up figures of a set of clocks: one rep's, or the whole period's. */
export interface SlaFigures {
  handoffs: number;
  met: number;
  breached: number;
  open: number;
  /** Decided (recycled, converted, ...) before a first touch: no longer followed up, not a breach. */
  closed: number;
  /** met / (met + breached); null when neither. */
  compliance: number | null;
  followUpHours: { median: number | null; p90: number | null };
}

export interface SlaRepRow extends SlaFigures {
  owner: string;
  territory: string | null;
  touches: number;
}

export interface SlaReport extends SlaFigures {
  period: ReportPeriod;
  reps: SlaRepRow[];
}

const HOUR_MS = 3_600_000;

export interface SlaReportInput {
  /** The people's clocks, and those a later handoff of the same person replaced (`replaced`). */
  clocks: readonly (ReportClock & { replaced?: boolean })[];
  /** Breaches of clocks a reroute replaced are counted against the rep who missed them. */
  breaches: readonly ReportBreach[];
  /** When each clock's person first moved after its handoff, by `clockKey` (core/sla/outcome.ts). */
  decisions: ReadonlyMap<string, string>;
  people: ReadonlyMap<string, PersonFacts>;
}

export function slaReport(input: SlaReportInput, period: ReportPeriod, definition: SlaDefinition, now: Date): SlaReport {
  const rows = new Map<string, SlaRepRow & { hours: number[] }>();
  // A rep's territory is the rep's, whichever of their clocks names them first (a replaced one says none).
  const territoryOf = new Map<string, string | null>();
  for (const facts of input.people.values()) if (facts.owner && facts.territory) territoryOf.set(facts.owner, facts.territory);
  const rowOf = (owner: string | null, territory: string | null) => {
    const name = owner ?? NONE_LABEL;
    let row = rows.get(name);
    if (!row) {
      row = { owner: name, territory: territory ?? territoryOf.get(name) ?? null, handoffs: 0, met: 0, breached: 0, open: 0, closed: 0, compliance: null, followUpHours: { median: null, p90: null }, touches: 0, hours: [] };
      rows.set(name, row);
    }
    return row;
  };
  const current = new Set<string>();
  const breachOf = new Map(input.breaches.map((b) => [clockKey(b), b]));
  const ownerIdNow = new Map(input.clocks.filter((c) => !c.replaced).map((c) => [c.personId, c.ownerId]));
  for (const c of input.clocks) {
    const key = clockKey(c);
    current.add(key);
    if (!inPeriod(c.handoffAt, period)) continue;
    const facts = input.people.get(c.personId);
    // A replaced clock counts for the rep it was for: a breach names them; else the person's rep now, if
    // the same; else its CRM owner id.
    const owner = c.replaced
      ? (breachOf.get(key)?.ownerEmail ?? (ownerIdNow.get(c.personId) === c.ownerId ? facts?.owner : null) ?? c.ownerId)
      : (facts?.owner ?? c.ownerId);
    const row = rowOf(owner, c.replaced && owner !== facts?.owner ? null : (facts?.territory ?? null));
    row.handoffs++;
    row.touches += c.touches;
    if (c.firstTouchAt !== null) row.hours.push(Math.max(0, Date.parse(c.firstTouchAt) - Date.parse(c.handoffAt)) / HOUR_MS);
    row[clockOutcome(c, input.decisions.get(clockKey(c)) ?? null, now, definition)]++;
  }
  for (const b of input.breaches) {
    if (current.has(clockKey(b)) || !inPeriod(b.handoffAt, period)) continue;
    const row = rowOf(b.ownerEmail ?? b.ownerId, null);
    row.handoffs++;
    row.breached++;
  }
  const reps = [...rows.values()]
    .map(({ hours, ...row }) => ({
      ...row,
      compliance: ratio(row.met, row.met + row.breached),
      followUpHours: { median: roundOrNull(median(hours), 2), p90: roundOrNull(percentile(hours, 90), 2) },
    }))
    .sort((a, b) => b.handoffs - a.handoffs || a.owner.localeCompare(b.owner));
  const all = [...rows.values()].flatMap((r) => r.hours);
  const sum = (k: "handoffs" | "met" | "breached" | "open" | "closed") => reps.reduce((n, r) => n + r[k], 0);
  return {
    period,
    handoffs: sum("handoffs"),
    met: sum("met"),
    breached: sum("breached"),
    open: sum("open"),
    closed: sum("closed"),
    compliance: ratio(sum("met"), sum("met") + sum("breached")),
    followUpHours: { median: roundOrNull(median(all), 2), p90: roundOrNull(percentile(all, 90), 2) },
    reps,
  };
}
