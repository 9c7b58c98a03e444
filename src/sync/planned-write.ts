// One write the plan holds: which system and record, what fields, and the rule behind each value. A dry
// run prints these; a real run executes them in batches through the one executor (execute/).
import type { FieldValue } from "../core/records.js";

export interface PlannedField {
  field: string;
  before: FieldValue;
  after: FieldValue;
  rule: string;
}

export interface PlannedWrite {
  system: string;
  side: "marketing" | "crm";
  object: string;
  action: "create" | "update";
  /** The record written (absent for a create). */
  id: string | null;
  /** The record on the other side this write comes from (the person, for funnel writes). */
  sourceId: string | null;
  fields: PlannedField[];
  /** The phase that decided it, for funnel writes (qualification, handoff, history, disposition). */
  phase?: string;
  /** The outbox key of a funnel write: one pending write per key. */
  key?: string;
  /** The audit's name for an update (e.g. "handoff"); "update" when absent. */
  operation?: string;
}
