// The one executor: every write leadloop makes (field sync, qualification, handoff, history,
// dispositions) goes out here, to one system and object at a time in the system's largest batches.
// Outcomes come back per record, each accepted write with its audit rows (ARCHITECTURE.md "One write path").
import type { AuditEntry } from "../../store/port.js";
import type { PlannedWrite } from "../planned-write.js";
import type { RunContext } from "../run-context.js";
import { bump } from "../run-summary.js";
import type { RecordWrite, SystemPort, WriteOptions, WriteOutcome } from "../system-port.js";

/** Audit rows keep long texts (an activity summary) as their length: the record holds the text itself. */
const AUDIT_TEXT_LIMIT = 2000;

export interface Sendable {
  write: RecordWrite;
  planned: PlannedWrite;
}

export interface Sent<T extends Sendable> {
  item: T;
  outcome: WriteOutcome;
  /** One row per field written; empty when the write was refused. */
  audit: AuditEntry[];
}

/**
 * The options a run's writes go with: as bulk jobs or not, the run lock's renewal while a job is waited for,
 * and the run's stop.
 */
export function writeOptions(ctx: RunContext, bulk: boolean): WriteOptions {
  return { bulk, ...(ctx.heartbeat ? { waiting: ctx.heartbeat } : {}), ...(ctx.signal ? { stop: ctx.signal } : {}) };
}

/** Sends writes of one object to one system (`how`: as bulk jobs, the drain's call); the caller commits what comes back. */
export async function sendWrites<T extends Sendable>(
  ctx: RunContext,
  system: SystemPort,
  object: string,
  items: readonly T[],
  how?: WriteOptions,
): Promise<Sent<T>[]> {
  if (items.length === 0) return [];
  // The run lock renewed before each write, which every phase sends through here: a run whose lease ran
  // out while its process stalled, and whose store another run took, stops before writing beside it.
  await ctx.heartbeat?.();
  // Noted before sending: a write may land even when its answer is lost.
  ctx.written ??= new Map();
  let objects = ctx.written.get(system);
  if (!objects) ctx.written.set(system, (objects = new Set()));
  objects.add(object);
  const outcomes = await system.write(
    object,
    items.map((i) => i.write),
    ...(how ? [how] : []),
  );
  const at = ctx.now().toISOString();
  const sent = items.map((item, index): Sent<T> => {
    const outcome = outcomes[index]!;
    planned(ctx, item.planned, outcome);
    if (!outcome.ok) return { item, outcome, audit: [] };
    const created = !item.write.id && outcome.created;
    bump(created ? ctx.summary.created : ctx.summary.updated, system.system);
    const operation = created ? "create" : item.planned.operation ?? "update";
    return {
      item,
      outcome,
      audit: item.planned.fields.map((f) => ({
        runId: ctx.runId,
        at,
        system: system.system,
        object,
        recordId: outcome.id,
        operation,
        field: f.field,
        before: auditText(f.before),
        after: auditText(f.after),
        rule: f.rule,
      })),
    };
  });
  ctx.onProgress?.({ phase: "write", read: 0, written: items.length });
  return sent;
}

/**
 * A dry run's plan holds each write as sent, named by the record the system answered: a create that
 * upserted onto an existing record is the update it became, and a created record carries the id the dry
 * run gave it, so later writes to it can be followed.
 */
function planned(ctx: RunContext, write: PlannedWrite, outcome: WriteOutcome): void {
  if (!ctx.plan) return;
  if (!outcome.ok) ctx.plan.push(write);
  else ctx.plan.push({ ...write, action: outcome.created ? "create" : "update", id: outcome.id });
}

function auditText(value: string | null): string | null {
  return value !== null && value.length > AUDIT_TEXT_LIMIT ? `(${value.length} characters)` : value;
}

/** The port a planned write goes to: by system name, so HubSpot as its own CRM is one port. */
export function portFor(ctx: RunContext, system: string): SystemPort {
  return ctx.crm.system === system ? ctx.crm : ctx.marketing;
}
