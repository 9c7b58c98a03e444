// What `leadloop sla` lists, per rep: the follow-up clock of every person handed off (open, met, breached,
// or closed by a verdict before any touch was due), and every breach raised, those of clocks a reroute
// replaced included. Read from the store alone; where a clock stands is computed at `now`
// (core/sla/outcome.ts: a clock is owed until the person's first funnel move after its handoff).
import { clockKey, clockOutcome, type ClockOutcome, reachedRep, type SlaDefinition, slaState } from "../../core/sla/index.js";
import type { SlaClock, StateStore } from "../../store/port.js";

/** The clocks sales still owes a follow-up: no verdict or conversion since their handoff. */
export async function followedUp(store: StateStore, clocks: SlaClock[]): Promise<SlaClock[]> {
  const decided = await store.slaClockDecisions(clocks);
  return clocks.filter((c) => !decided.has(clockKey(c)));
}

export interface SlaListRow {
  /** The owner's email as routing names reps; null when unknown (only the CRM id is kept). */
  owner: string | null;
  ownerId: string | null;
  personId: string;
  email: string | null;
  name: string | null;
  handedOffAt: string;
  dueAt: string;
  /** Touches counted so far; null for a breached clock a reroute replaced. */
  touches: number | null;
  firstTouchAt: string | null;
  status: ClockOutcome;
  /** When the rep decided (a verdict, a conversion): nothing is owed since; null while the clock is owed. */
  decidedAt: string | null;
  /** False for the breach of a clock a reroute replaced (the lead has a new owner and clock since). */
  current: boolean;
  breachedAt: string | null;
  breach: "follow-up" | "touches" | null;
  /** The CRM owner id the breach's alert task is for. */
  alertTo: string | null;
  rerouteTo: string | null;
  /** Why the owner is who it is when a person changed it in the CRM: "reassigned in the CRM to <email> at <time>". */
  cause: string | null;
}

export interface SlaBoard {
  clocks: SlaListRow[];
  breaches: SlaListRow[];
}

export async function slaBoard(
  store: StateStore,
  sla: SlaDefinition,
  now: Date,
  filter: { owner?: string; breached?: boolean } = {},
): Promise<SlaBoard> {
  const clocks = (await store.listSlaClocks()).filter(reachedRep);
  const decisions = await store.slaClockDecisions(clocks);
  const breaches = await store.listSlaBreaches();
  const breachOf = new Map(breaches.map((b) => [clockKey(b), b]));
  const personIds = [...new Set([...clocks.map((c) => c.personId), ...breaches.map((b) => b.personId)])];
  const people = new Map((await store.listPersonScores({ personIds })).map((p) => [p.personId, p]));
  const reassigned = await reassignmentCauses(store, clocks.map((c) => c.personId));
  const clockRows: SlaListRow[] = [];
  const breachRows: SlaListRow[] = [];
  const current = new Map<string, SlaListRow>();
  for (const clock of clocks) {
    const state = slaState(clock, now, sla);
    const decidedAt = decisions.get(clockKey(clock)) ?? null;
    const status = clockOutcome(clock, decidedAt, now, sla);
    const breach = breachOf.get(clockKey(clock));
    const person = people.get(clock.personId);
    const row: SlaListRow = {
      owner: person?.ownerEmail ?? breach?.ownerEmail ?? null,
      ownerId: clock.ownerId,
      personId: clock.personId,
      email: person?.email ?? null,
      name: person?.name ?? null,
      handedOffAt: clock.handoffAt,
      dueAt: clock.dueAt,
      touches: clock.touches,
      firstTouchAt: clock.firstTouchAt,
      // Overdue but not raised yet (no run since), or left until a verdict, is a breach all the same.
      status,
      decidedAt,
      current: true,
      breachedAt: clock.breachedAt,
      breach: (breach?.kind as SlaListRow["breach"]) ?? (status === "breached" ? (state.breach ?? "follow-up") : null),
      alertTo: breach?.alertTo ?? null,
      rerouteTo: breach?.rerouteTo ?? null,
      cause: reassigned.get(clockKey(clock)) ?? null,
    };
    clockRows.push(row);
    current.set(clockKey(clock), row);
  }
  for (const b of breaches) {
    const row = current.get(clockKey(b));
    if (row) {
      breachRows.push(row);
      continue;
    }
    const person = people.get(b.personId);
    breachRows.push({
      owner: b.ownerEmail,
      ownerId: b.ownerId,
      personId: b.personId,
      email: person?.email ?? null,
      name: person?.name ?? null,
      handedOffAt: b.handoffAt,
      dueAt: b.dueAt,
      touches: null,
      firstTouchAt: null,
      status: "breached",
      decidedAt: null,
      current: false,
      breachedAt: b.breachedAt,
      breach: b.kind as SlaListRow["breach"],
      alertTo: b.alertTo,
      rerouteTo: b.rerouteTo,
      cause: null,
    });
  }
  const owner = filter.owner?.trim().toLowerCase();
  const pick = (rows: SlaListRow[]) =>
    rows
      .filter((r) => owner === undefined || r.owner === owner)
      .filter((r) => !filter.breached || r.status === "breached")
      .sort(
        (a, b) =>
          (a.owner ?? "~").localeCompare(b.owner ?? "~") ||
          a.dueAt.localeCompare(b.dueAt) ||
          a.personId.localeCompare(b.personId),
      );
  return { clocks: pick(clockRows), breaches: pick(breachRows) };
}

/**
 * Why each of these people's clocks has the owner it has, where a manager reassigned it by hand in the
 * CRM: "reassigned in the CRM to <email> at <time>", by clock (clockKey), the latest reassignment winning.
 */
export async function reassignmentCauses(store: StateStore, personIds: readonly string[]): Promise<Map<string, string>> {
  // Oldest first, so the last one set wins.
  return new Map(
    (await store.listSlaReassignments({ personIds })).map((r) => [clockKey(r), `reassigned in the CRM to ${r.toEmail ?? r.toOwnerId} at ${r.at}`]),
  );
}
