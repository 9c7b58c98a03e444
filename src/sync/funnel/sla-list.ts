// What `leadloop sla` lists: every follow-up clock still open or breached, and the breaches of clocks a
// reroute replaced, per rep. Read from the store alone; where a clock stands is computed at `now`.
import { type SlaDefinition, slaState } from "../../core/sla/index.js";
import type { SlaClock, StateStore } from "../../store/port.js";

/** Stages in which a handed-off person still waits for sales' follow-up. */
const FOLLOWED_UP_STAGES: ReadonlySet<string> = new Set(["mql", "sal"]);

/**
 * The clocks of people sales still has to follow up: once a rep decided (qualified, recycled, trashed,
 * unreachable, converted), a missing touch is no breach and the lead is never re-routed.
 */
export async function followedUp(store: StateStore, clocks: SlaClock[]): Promise<SlaClock[]> {
  const stages = await store.currentStages(clocks.map((c) => c.personId));
  return clocks.filter((c) => FOLLOWED_UP_STAGES.has(stages.get(c.personId) ?? "mql"));
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
  status: "open" | "breached";
  breachedAt: string | null;
  breach: "follow-up" | "touches" | null;
  /** The CRM owner id the breach's alert task is for. */
  alertTo: string | null;
  rerouteTo: string | null;
}

export async function slaList(
  store: StateStore,
  sla: SlaDefinition,
  now: Date,
  filter: { owner?: string; breached?: boolean } = {},
): Promise<SlaListRow[]> {
  const clocks = await followedUp(store, await store.listSlaClocks());
  const breaches = await store.listSlaBreaches();
  const breachOf = new Map(breaches.map((b) => [`${b.personId}\u0000${b.handoffAt}`, b]));
  const personIds = [...new Set([...clocks.map((c) => c.personId), ...breaches.map((b) => b.personId)])];
  const people = new Map((await store.listPersonScores({ personIds })).map((p) => [p.personId, p]));
  const rows: SlaListRow[] = [];
  const current = new Set<string>();
  for (const clock of clocks) {
    const key = `${clock.personId}\u0000${clock.handoffAt}`;
    current.add(key);
    const state = slaState(clock, now, sla);
    if (state.status === "met") continue;
    const breach = breachOf.get(key);
    const person = people.get(clock.personId);
    rows.push({
      owner: person?.ownerEmail ?? breach?.ownerEmail ?? null,
      ownerId: clock.ownerId,
      personId: clock.personId,
      email: person?.email ?? null,
      name: person?.name ?? null,
      handedOffAt: clock.handoffAt,
      dueAt: clock.dueAt,
      touches: clock.touches,
      firstTouchAt: clock.firstTouchAt,
      // Overdue but not raised yet (no run since) is a breach all the same.
      status: state.status,
      breachedAt: clock.breachedAt,
      breach: (breach?.kind as SlaListRow["breach"]) ?? state.breach,
      alertTo: breach?.alertTo ?? null,
      rerouteTo: breach?.rerouteTo ?? null,
    });
  }
  for (const b of breaches) {
    if (current.has(`${b.personId}\u0000${b.handoffAt}`)) continue;
    const person = people.get(b.personId);
    rows.push({
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
      breachedAt: b.breachedAt,
      breach: b.kind as SlaListRow["breach"],
      alertTo: b.alertTo,
      rerouteTo: b.rerouteTo,
    });
  }
  const owner = filter.owner?.trim().toLowerCase();
  return rows
    .filter((r) => owner === undefined || r.owner === owner)
    .filter((r) => !filter.breached || r.status === "breached")
    .sort(
      (a, b) =>
        (a.owner ?? "~").localeCompare(b.owner ?? "~") ||
        a.dueAt.localeCompare(b.dueAt) ||
        a.personId.localeCompare(b.personId),
    );
}
