// leadloop's follow-up tasks for handed-off leads ("New MQL", a reroute's "Re-routed lead"), as the CRM
// holds them now, each with the person it is the follow-up of: what a reroute or a reassignment hands on to
// the new rep, what the end of the follow-up completes, and what a routing turn reads back
// (ARCHITECTURE.md "The follow-up SLA").
import type { SlaClock } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import type { FunnelSetup } from "./funnel-setup.js";
import type { KeyedTask } from "./handoff-vocabulary.js";
import { followUpTaskKey, followUpTaskNames } from "./task-write.js";

/** A follow-up task with the person it follows up and the `at` its key was given for (followUpTaskKey). */
export type FollowUpTask = KeyedTask & { personId: string; at: string };

/** The clock owner's open follow-up tasks for its lead ("New MQL", a reroute's): what goes with the lead. */
export function heldFollowUps(tasks: ReadonlyMap<string, FollowUpTask[]>, clock: SlaClock): FollowUpTask[] {
  if (clock.ownerId === null) return [];
  return clockFollowUps(tasks, clock).filter((t) => t.ownerId === clock.ownerId);
}

/** The follow-up tasks of the clock's person on its record, whoever holds them. */
export function clockFollowUps(tasks: ReadonlyMap<string, FollowUpTask[]>, clock: SlaClock): FollowUpTask[] {
  return (tasks.get(clock.crmId) ?? []).filter((t) => t.personId === clock.personId);
}

/** leadloop's open follow-up tasks on these clocks' CRM records, by record: one read per batch of clocks. */
export async function openTasks(ctx: RunContext, setup: FunnelSetup, clocks: readonly SlaClock[]): Promise<Map<string, FollowUpTask[]>> {
  const out = new Map<string, FollowUpTask[]>();
  if (clocks.length === 0) return out;
  const personOf = new Map(clocks.map((c) => [c.crmId, c.personId]));
  const records = [...new Map(clocks.map((c) => [c.crmId, { object: c.crmType, id: c.crmId }])).values()];
  for (const task of await followUpsOf(ctx, await setup.vocabulary.task.keyed(records, ctx.crm), personOf))
    out.set(task.personCrmId, [...(out.get(task.personCrmId) ?? []), task]);
  return out;
}

/**
 * leadloop's open follow-up tasks of these clocks, found by the keys leadloop gave them (a search on the
 * task's key field) rather than through the clocks' records: for people whose record is gone. HubSpot
 * keeps a deleted contact's tasks, but not their associations to her (Knowledge Base, "Understand
 * restorable and permanent contact deletions"; FIDELITY.md), so her record no longer leads to them.
 */
export function openTasksByKey(ctx: RunContext, setup: FunnelSetup, clocks: readonly SlaClock[]): Promise<Map<string, FollowUpTask[]>> {
  return tasksByKey(ctx, setup, clocks, setup.vocabulary.task.status.open);
}

/**
 * The follow-up tasks of these clocks at `wanted` status (the vocabulary's open or done), found by their
 * keys, by the clock's record. The keys a clock's tasks can carry (task-write.ts `followUpTaskKey`): a
 * reroute's, given for the clock's handoff instant, and a handoff's "New MQL", given for the day of the
 * person's MQL (the handoff's day for a held MQL). One search per batch of clocks.
 */
export async function tasksByKey(
  ctx: RunContext,
  setup: FunnelSetup,
  clocks: readonly SlaClock[],
  wanted: string,
): Promise<Map<string, FollowUpTask[]>> {
  const out = new Map<string, FollowUpTask[]>();
  const { object, upsertOn, ownerField, status, dueFields } = setup.vocabulary.task;
  if (clocks.length === 0 || !upsertOn) return out;
  const clockOf = new Map<string, SlaClock>();
  for (const clock of clocks) {
    const mqlDays = (await ctx.store.listFunnelEvents({ personId: clock.personId })).filter((e) => e.toStage === "mql").map((e) => e.at.slice(0, 10));
    for (const at of [clock.handoffAt, clock.handoffAt.slice(0, 10), ...mqlDays]) clockOf.set(followUpTaskKey(clock.personId, at), clock);
  }
  const due = dueFields.map((d) => d.field);
  // The search compares without regard to case (findBy): the key's own case is checked here.
  const found = await ctx.crm.findBy(object, upsertOn, [...clockOf.keys()], [upsertOn, ownerField, status.field, ...due]);
  for (const t of found) {
    const key = t.fields[upsertOn];
    const clock = key ? clockOf.get(key) : undefined;
    const names = key ? followUpTaskNames(key) : null;
    if (!key || !clock || !names || t.fields[status.field] !== wanted) continue;
    const task: FollowUpTask = {
      id: t.id,
      key,
      personCrmId: clock.crmId,
      ownerId: t.fields[ownerField] ?? null,
      due: Object.fromEntries(due.map((f) => [f, t.fields[f] ?? null])),
      open: wanted !== status.done,
      status: wanted,
      body: null,
      ...names,
    };
    out.set(clock.crmId, [...(out.get(clock.crmId) ?? []), task]);
  }
  return out;
}

/**
 * The follow-up tasks among `tasks`, each with its person: the one its key names, unless the store keeps
 * no one under that id (no clock, no score): a marketing merge gave the person a new contact id and moved
 * what the store kept under the old one (merged-people.ts), so the task's old id is the person's on its
 * record now (`personOf`, by CRM record id). A key naming a person kept apart (another person's Lead merged
 * into this one, or the merged-away contact whose history stayed hers) stays hers, and her task untouched.
 */
export async function followUpsOf(
  ctx: RunContext,
  tasks: readonly KeyedTask[],
  personOf: ReadonlyMap<string, string>,
): Promise<FollowUpTask[]> {
  const named = tasks.flatMap((t) => {
    const names = followUpTaskNames(t.key);
    return names === null ? [] : [{ ...t, ...names }];
  });
  const strangers = [...new Set(named.filter((t) => t.personId !== personOf.get(t.personCrmId)).map((t) => t.personId))];
  if (strangers.length === 0) return named;
  const kept = new Set([
    ...(await ctx.store.listSlaClocks({ personIds: strangers })).map((c) => c.personId),
    ...(await ctx.store.listPersonScores({ personIds: strangers })).map((p) => p.personId),
  ]);
  return named.map((t) => (kept.has(t.personId) ? t : { ...t, personId: personOf.get(t.personCrmId) ?? t.personId }));
}
