// A field an admin adds to a mapping reaches the records already linked, not only those that change
// later: the change streams read from their cursors, and a linked record nobody edits is never read
// again. Each pair's synced fields are kept in the store; when a run finds fields the last run did not
// sync, it moves the change cursor of each CRM object that gained them back before its reads, so its
// records are read once more. The merge settles each record's new field as on a first sync (the field
// has no snapshot yet), and the fields that did not change read as unchanged and write nothing
// (ARCHITECTURE.md "One run", step 1).
import { compileMapping } from "../core/merge/merge-record.js";
import type { ObjectMapping } from "../core/mapping.js";
import type { RunContext } from "./run-context.js";

/**
 * Where a rewound cursor starts: before any record either system can hold (HubSpot and Salesforce stamp
 * a record's modification time themselves), and an instant like any other, so the read is an
 * incremental one over every record rather than a first load (which would match unlinked people anew).
 */
export const REWOUND_CURSOR = "2000-01-01T00:00:00.000Z";

const factName = (pair: string) => `mapping.fields.${pair}`;

/**
 * The pair's fields that travel (direction other than none), by CRM object and snapshot key, sorted: the
 * contact pair's Lead and Contact mappings each name their own (`Lead:jobtitle>Title`).
 */
function syncedFields(group: readonly ObjectMapping[]): string[] {
  const keys = group.flatMap((m) =>
    compileMapping(m)
      .fields.filter((f) => f.field.direction !== "none")
      .map((f) => `${m.crmObject}:${f.key}`),
  );
  return [...new Set(keys)].sort();
}

/**
 * Moves back the change cursors of every pair whose mapping gained fields since the last run, and keeps
 * each pair's fields for the next run, in one commit: a run that stops after it reads on from wherever
 * its pages got, as any run does. A store that never kept a pair's fields keeps them now and moves nothing
 * (a first load reads everything anyway).
 */
export async function rewindForNewFields(ctx: RunContext, mappings: readonly ObjectMapping[]): Promise<void> {
  const facts: { name: string; value: string; at: string }[] = [];
  const cursors: { system: string; object: string; value: string; lastId: null }[] = [];
  for (const pair of new Set(mappings.map((m) => m.pair))) {
    const group = mappings.filter((m) => m.pair === pair);
    const fields = syncedFields(group);
    const kept = await ctx.store.getFact(factName(pair));
    const before = kept ? new Set(JSON.parse(kept.value) as string[]) : null;
    if (before && fields.every((f) => before.has(f))) {
      if (fields.length !== before.size) facts.push({ name: factName(pair), value: JSON.stringify(fields), at: ctx.until });
      continue;
    }
    facts.push({ name: factName(pair), value: JSON.stringify(fields), at: ctx.until });
    if (!before) continue;
    // The CRM side alone: every linked pair has its CRM record there, and the merge reads the other side
    // by id, so both directions are settled without listing the marketing records nobody linked.
    const added = fields.filter((f) => !before.has(f));
    const objects = group.map((m) => m.crmObject).filter((o) => added.some((f) => f.startsWith(`${o}:`)));
    const moved: string[] = [];
    for (const object of new Set(objects)) {
      if (!(await ctx.store.getCursor(ctx.crm.system, object))) continue;
      cursors.push({ system: ctx.crm.system, object, value: REWOUND_CURSOR, lastId: null });
      moved.push(object);
    }
    ctx.log.info("mapping.fields_added", { pair, fields: added, reread: moved.map((o) => `${ctx.crm.system} ${o}`) });
  }
  if (facts.length > 0) await ctx.store.commitBatch({ runId: ctx.summary.runId, facts, cursors, at: ctx.until });
}
