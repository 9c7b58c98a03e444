// The breaches a lost store took with it (ARCHITECTURE.md "The follow-up SLA", a lost store): a breach
// leadloop raised left its alert task in the CRM, keyed by the clock it was raised for, so a restored clock
// whose task is there comes back breached, as the store held it: it keeps its rep when the record is given
// away since (sla-phase.ts `followCrmOwners` follows unbreached clocks only), and its breach is not raised,
// alerted or counted again (`breachesToRaise` leaves a clock with `breachedAt` out).
import { instantOf } from "../../core/records.js";
import { type SlaBreachKind, type SlaDefinition, touchesDueAt } from "../../core/sla/index.js";
import type { SlaBreachRow, SlaClock } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";

/** The key of the alert task a clock's breach is raised with: one per clock, whatever the breach's kind. */
export function breachTaskKey(clock: Pick<SlaClock, "personId" | "handoffAt">): string {
  return `leadloop:breach:${clock.personId}:${clock.handoffAt}`;
}

/** What the alert task's subject says was missed, after the person's name: its kind in words. */
export function missedText(kind: SlaBreachKind, sla: Pick<SlaDefinition, "followUpLabel" | "touches">): string {
  return kind === "follow-up"
    ? `${FOLLOW_UP_MISSED} ${sla.followUpLabel}`
    : `fewer than ${sla.touches?.expected ?? 0} ${TOUCHES_MISSED}`;
}

const FOLLOW_UP_MISSED = "not followed up within";
const TOUCHES_MISSED = "touches in the touch window";

/**
 * The kind `missedText` wrote in an alert task's subject; null when the subject no longer says it (a rep
 * edited it, or Salesforce's 255-character Subject cut a long name's before it).
 */
function kindOfSubject(subject: string | null | undefined): SlaBreachKind | null {
  if (subject?.endsWith(TOUCHES_MISSED)) return "touches";
  return subject?.includes(` ${FOLLOW_UP_MISSED} `) ? "follow-up" : null;
}

/** A breach leadloop raised, as its alert task shows it. */
export interface RaisedAlert {
  /** Which part was missed, from the task's subject; null when it does not say. */
  kind: SlaBreachKind | null;
  /** When it was raised: the task's due instant, which the raise set to its own time; null if blank. */
  raisedAt: string | null;
  /** Who the alert is for: the task's owner. */
  alertTo: string | null;
}

/**
 * The clocks among these restored ones whose breach leadloop raised before the loss: the CRM holds its
 * alert task, by the task's key (`breachTaskKey`). One search of the tasks' key field per batch, open and
 * completed alike (a manager may have closed the alert). A breach raised with `onBreach.alert` off left no
 * task: its clock comes back unbreached, and the SLA phase raises the breach again, unless it rerouted the
 * lead (restored-reroutes.ts).
 */
export async function raisedBreaches(
  ctx: RunContext,
  setup: FunnelSetup,
  clocks: readonly Pick<SlaClock, "personId" | "handoffAt">[],
): Promise<Map<string, RaisedAlert>> {
  const { object, upsertOn, ownerField, subjectField, dueFields } = setup.vocabulary.task;
  const out = new Map<string, RaisedAlert>();
  if (clocks.length === 0 || !upsertOn) return out;
  const instant = dueFields.find((f) => f.form === "instant")?.field;
  const keys = new Set(clocks.map(breachTaskKey));
  const found = await ctx.crm.findBy(object, upsertOn, [...keys], [upsertOn, ownerField, subjectField, ...(instant ? [instant] : [])]);
  for (const t of found) {
    // The search compares without regard to case (findBy): the key's own case is checked here.
    const key = t.fields[upsertOn] ?? "";
    if (keys.has(key))
      out.set(key, {
        kind: kindOfSubject(t.fields[subjectField]),
        raisedAt: instant ? instantOf(t.fields[instant]) : null,
        alertTo: t.fields[ownerField] ?? null,
      });
  }
  return out;
}

/** A breach that left no alert task (`onBreach.alert` off) but rerouted the lead: its reroute shows it. */
export const NO_ALERT: RaisedAlert = { kind: null, raisedAt: null, alertTo: null };

/**
 * A restored clock whose breach `alert` shows, breached as the raise marked it (at the touch window's end
 * for a touches breach, else its due time), and the breach's row for `leadloop sla` where the task says its
 * kind: its alert's recipient and raise time as the task keeps them. A breach that rerouted the lead
 * (`reroute`: the reroute's clock's owner and handoff, restored-reroutes.ts) was raised at the reroute's
 * instant, to that rep; without its alert task, it was a missed follow-up when raised before the touch
 * window ended, else its kind is unknown and it has no row. The raising run's id is not kept by the CRM: the
 * restoring run's stands in. ARCHITECTURE.md "The follow-up SLA".
 */
export function restoredBreach(
  ctx: RunContext,
  setup: FunnelSetup,
  clock: SlaClock,
  alert: RaisedAlert,
  ownerEmail: string | null,
  reroute: { to: string | null; at: string } | null = null,
): { clock: SlaClock; row: SlaBreachRow | null } {
  const touchesDue = touchesDueAt(clock.handoffAt, setup.sla);
  const kind = alert.kind ?? (reroute && (touchesDue === null || reroute.at < touchesDue) ? "follow-up" : null);
  const breachedAt = (kind === "touches" ? touchesDue : null) ?? clock.dueAt;
  const breached = { ...clock, breachedAt };
  if (kind === null) return { clock: breached, row: null };
  return {
    clock: breached,
    row: breachRow(clock, {
      ownerEmail,
      kind,
      breachedAt,
      raisedAt: reroute?.at ?? alert.raisedAt ?? breachedAt,
      runId: ctx.runId,
      alertTo: alert.alertTo,
      rerouteTo: reroute?.to ?? null,
    }),
  };
}

/** The breach row of `clock`: the clock's lead, owner and times, with what the breach's raise decided. */
export function breachRow(
  clock: SlaClock,
  raise: Pick<SlaBreachRow, "ownerEmail" | "kind" | "breachedAt" | "raisedAt" | "runId" | "alertTo" | "rerouteTo">,
): SlaBreachRow {
  const { personId, handoffAt, crmType, crmId, ownerId, dueAt } = clock;
  return { personId, handoffAt, crmType, crmId, ownerId, dueAt, ...raise };
}
