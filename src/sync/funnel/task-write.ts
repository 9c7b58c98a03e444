// A task for a rep, as the outbox takes it, whichever phase writes it (a handoff's alert and activity
// tasks, an SLA breach's alert): the CRM's task fields, the key it is upserted or found by, and the
// person's record it is about.
import type { OutboxWrite } from "../../store/port.js";
import type { FunnelWriteInput } from "../outbox/funnel-write.js";
import type { HandoffVocabulary, TaskInput } from "./handoff-vocabulary.js";

export type TaskWrite = Pick<
  FunnelWriteInput,
  "key" | "side" | "object" | "recordId" | "fields" | "upsertOn" | "associations"
>;

export function taskWrite(
  v: HandoffVocabulary,
  input: TaskInput,
  about: { crmType: string; crmId: string },
): TaskWrite {
  return {
    key: input.key,
    side: "crm",
    object: v.task.object,
    recordId: null,
    fields: v.task.fields(input),
    upsertOn: v.task.upsertOn,
    associations: v.task.associate ? [{ object: about.crmType, id: about.crmId }] : [],
  };
}

/**
 * What makes an open task due by outbox group `group`'s SLA clock: its due fields, which a drain of a
 * later run than the decision's writes for the clock it starts then (ARCHITECTURE.md "The follow-up SLA").
 */
export function dueByClock(v: HandoffVocabulary, group: string): NonNullable<OutboxWrite["due"]> {
  return { clock: group, fields: [...v.task.dueFields] };
}

/**
 * The key of the follow-up task a rep is given with a lead: "New MQL" at a handoff (`at` the day of the MQL
 * it hands off, so the same handoff decided again, on any day, rewrites the task) and "Re-routed lead" at a
 * reroute (`at` its instant).
 * One prefix for both, so a reroute finds every follow-up task the lead's owner holds, whichever gave it.
 */
export function followUpTaskKey(personId: string, at: string): string {
  return `${followUpTaskPrefix(personId)}${at}`;
}

/**
 * What a follow-up task's key names: the person's contact id when the task was given (a marketing merge
 * may have moved it since) and the `at` it was given for; null for any other task (an activity, breach or
 * digest task).
 */
export function followUpTaskNames(key: string): { personId: string; at: string } | null {
  const rest = key.startsWith(FOLLOW_UP_KEY) ? key.slice(FOLLOW_UP_KEY.length) : "";
  const end = rest.indexOf(":");
  return end > 0 ? { personId: rest.slice(0, end), at: rest.slice(end + 1) } : null;
}

const FOLLOW_UP_KEY = "leadloop:handoff:";

function followUpTaskPrefix(personId: string): string {
  return `${FOLLOW_UP_KEY}${personId}:`;
}
