// A task for a rep, as the outbox takes it, whichever phase writes it (a handoff's alert and activity
// tasks, an SLA breach's alert): the CRM's task fields, the key it is upserted or found by, and the
// person's record it is about.
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
