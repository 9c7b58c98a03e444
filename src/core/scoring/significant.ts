// The activities that earn behaviour points, one entry each, for one completed CRM task per significant
// activity. The key is the activity's id, stable across runs, so a task is never created twice.
import { asCompiled, type CompiledDefinition } from "./compile.js";
import type { QualificationDefinition, ScoredActivity } from "./definition.js";

export interface SignificantActivity {
  /** `${activity.id}`: the idempotency key of the task written for it. */
  key: string;
  activity: ScoredActivity;
  /** The first rule, in definition order, that scores it. */
  ruleId: string;
  description: string;
}

/**
 * Activities matched by a per-activity behaviour rule (burst rules such as "3 visits in 7 days" make no
 * single visit significant), newest first. With `now`, activities after it or outside a rule's recency
 * window are left out, as scoring leaves them out.
 */
export function significantActivities(
  activities: readonly ScoredActivity[],
  definition: QualificationDefinition | CompiledDefinition,
  now?: Date,
): SignificantActivity[] {
  const compiled = asCompiled(definition);
  const nowMs = now?.getTime() ?? Number.POSITIVE_INFINITY;
  const found: { entry: SignificantActivity; at: number }[] = [];
  const seen = new Set<string>();
  for (const activity of activities) {
    if (seen.has(activity.id)) continue;
    const at = Date.parse(activity.occurredAt);
    if (!(at <= nowMs)) continue;
    const rule = (compiled.behaviourByKind.get(activity.kind) ?? []).find(
      (c) =>
        c.rule.count === null &&
        (c.withinMs === null || !now || nowMs - at <= c.withinMs) &&
        c.matches(activity),
    );
    if (!rule) continue;
    seen.add(activity.id);
    found.push({
      entry: { key: activity.id, activity, ruleId: rule.rule.id, description: rule.rule.description },
      at,
    });
  }
  found.sort((a, b) => b.at - a.at || (a.entry.key < b.entry.key ? -1 : 1));
  return found.map((f) => f.entry);
}
