// Builds the outbox writes funnel phases decide, and turns a kept write back into what the executor
// sends and what a dry run's plan shows.
import type { FieldValue, FieldValues } from "../../core/records.js";
import type { OutboxEntry, OutboxWrite } from "../../store/port.js";
import type { PlannedWrite } from "../planned-write.js";
import type { RunContext, SideName } from "../run-context.js";
import type { RecordWrite } from "../system-port.js";

export interface FunnelWriteInput {
  key: string;
  phase: string;
  side: SideName;
  object: string;
  recordId: string | null;
  /** Field → value to write. */
  fields: FieldValues;
  /** Field → what the record holds now, when known (for the plan and the audit). */
  before?: FieldValues;
  /**
   * Whether `before` is what the record held when read for this decision (not what leadloop last decided,
   * as a rescore's score mark): the write is then guarded on the fields it names (OutboxWrite.guarded).
   */
  beforeRead?: boolean;
  /** The rule behind every value, or per field. */
  rule: string | ((field: string) => string);
  personId: string | null;
  email?: string | null;
  upsertOn?: string | null;
  associations?: { object: string; id: string }[];
  group?: string | null;
  /** Fields to clear in an earlier request before this write sets them (a backward lifecycle move). */
  clearFirst?: readonly string[];
  /** An open task due by a group's SLA clock (`OutboxWrite.due`). */
  due?: OutboxWrite["due"];
}

export function funnelWrite(ctx: RunContext, input: FunnelWriteInput): OutboxWrite {
  const system = input.side === "crm" ? ctx.crm.system : ctx.marketing.system;
  return {
    key: input.key,
    phase: input.phase,
    side: input.side,
    system,
    object: input.object,
    recordId: input.recordId,
    upsertOn: input.upsertOn ?? null,
    associations: input.associations ?? [],
    fields: fieldWrites(input),
    personId: input.personId,
    email: input.email ?? null,
    group: input.group ?? null,
    ...(input.clearFirst && input.clearFirst.length > 0 ? { clearFirst: [...input.clearFirst].sort() } : {}),
    ...(input.due ? { due: input.due } : {}),
    ...guardedOf(input),
  };
}

/** The written fields whose value before was read (named in a `before` read, blank included). */
function guardedOf(input: FunnelWriteInput): Pick<OutboxWrite, "guarded"> {
  const before = input.before;
  if (!before || !input.beforeRead) return {};
  const guarded = Object.keys(input.fields).filter((f) => Object.hasOwn(before, f));
  return guarded.length > 0 ? { guarded } : {};
}

/**
 * Each field of `input` with its value before and its rule, in the fields' order: walked with `for in`
 * rather than made into [field, value] pairs first (Object.entries), one of them per field of every
 * write a first load decides.
 */
function fieldWrites(input: FunnelWriteInput): OutboxWrite["fields"] {
  const out: OutboxWrite["fields"] = [];
  for (const field in input.fields) {
    out.push({
      field,
      before: input.before?.[field] ?? null,
      // A key for-in gave: its value is the field's (null included), never absent.
      after: input.fields[field] as FieldValue,
      rule: typeof input.rule === "string" ? input.rule : input.rule(field),
    });
  }
  return out;
}

/** An outbox entry as a write to decide again: what the store keeps about it (its place, run, refusal) left out. */
export function writeOf({ seq: _seq, decidedAt: _at, runId: _run, refusedAt: _refused, ...write }: OutboxEntry): OutboxWrite {
  return write;
}

/** Whether a write needs clears first (`clearingWrite`), asked of every write a drain holds, per page. */
export function needsClearing(w: OutboxWrite): boolean {
  return Boolean(w.recordId) && (w.clearFirst?.some((f) => w.fields.some((x) => x.field === f)) ?? false);
}

/** The clears a write needs first, as their own write of the same record; null when it needs none. */
export function clearingWrite(w: OutboxWrite): OutboxWrite | null {
  if (!needsClearing(w)) return null;
  const fields = w.clearFirst!.filter((f) => w.fields.some((x) => x.field === f));
  return {
    ...w,
    fields: fields.map((field) => ({
      field,
      before: w.fields.find((x) => x.field === field)?.before ?? null,
      after: null,
      rule: `cleared first: ${field} moves only forward`,
    })),
    clearFirst: [],
  };
}

/** The write as the executor sends it; its fields built in one loop, not through entry pairs (every record sent). */
export function toRecordWrite(w: OutboxWrite): RecordWrite {
  const fields: FieldValues = {};
  for (const f of w.fields) fields[f.field] = f.after;
  return {
    ref: w.key,
    fields,
    ...(w.recordId ? { id: w.recordId } : {}),
    ...(w.upsertOn ? { upsertOn: w.upsertOn } : {}),
    ...(w.associations.length > 0 ? { associations: w.associations } : {}),
  };
}

/** How the plan and the audit name a write's associations. */
export const ASSOCIATIONS_FIELD = "(associations)";

export function toPlanned(w: OutboxWrite): PlannedWrite {
  return {
    system: w.system,
    side: w.side,
    object: w.object,
    action: w.recordId ? "update" : "create",
    id: w.recordId,
    sourceId: w.personId,
    // Associations are part of what is written: the plan and the audit name them like a field.
    fields:
      w.associations.length > 0
        ? [
            ...w.fields,
            {
              field: ASSOCIATIONS_FIELD,
              before: null,
              after: w.associations.map((a) => `${a.object} ${a.id}`).join(", "),
              rule: w.fields[0]?.rule ?? w.phase,
            },
          ]
        : w.fields,
    phase: w.phase,
    key: w.key,
    operation: w.phase,
  };
}
