// The activities that earn behaviour points, for the completed CRM tasks a rep finds on a handed-off
// record: one per rule and subject (eight visits of the pricing page are one task saying so), the newest
// few. The key is the newest activity's id, stable across runs, so a task is never created twice.
import { textWithin } from "../text/within.js";
import { asCompiled, type CompiledDefinition } from "./compile.js";
import type { QualificationDefinition, ScoredActivity } from "./definition.js";

/** Tasks a handoff writes for behaviour at most; the record's activity summary holds the rest. */
export const SIGNIFICANT_SHOWN = 10;

export interface SignificantActivity {
  /** `${activity.id}` of the newest: the idempotency key of the task written for it. */
  key: string;
  /** The newest activity of its rule and subject. */
  activity: ScoredActivity;
  /** What it was about: the page, form page, email or link (`activityTitle`). */
  title: string;
  /** How many activities of this rule and subject there were, and when the first was. */
  repeats: number;
  firstAt: string;
  /** The first rule, in definition order, that scores it. */
  ruleId: string;
  description: string;
}

/**
 * Activities matched by a per-activity behaviour rule (burst rules such as "3 visits in 7 days" make no
 * single visit significant), one entry per rule and title, newest first, at most `shown`. With `now`,
 * activities after it or outside a rule's recency window are left out, as scoring leaves them out.
 */
export function significantActivities(
  activities: readonly ScoredActivity[],
  definition: QualificationDefinition | CompiledDefinition,
  now?: Date,
  shown = SIGNIFICANT_SHOWN,
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
      entry: {
        key: activity.id,
        activity,
        ruleId: rule.rule.id,
        description: rule.rule.description,
        title: activityTitle(activity.properties),
        repeats: 1,
        firstAt: activity.occurredAt,
      },
      at,
    });
  }
  found.sort((a, b) => b.at - a.at || (a.entry.key < b.entry.key ? -1 : 1));
  const bySubject = new Map<string, SignificantActivity>();
  for (const { entry } of found) {
    const subject = `${entry.ruleId}\u0000${entry.title.toLowerCase()}`;
    const newest = bySubject.get(subject);
    if (!newest) bySubject.set(subject, entry);
    else {
      newest.repeats++;
      newest.firstAt = entry.activity.occurredAt;
    }
  }
  return [...bySubject.values()].slice(0, shown);
}

/**
 * A short name for an activity from its event properties: the page, form page, email or link it was
 * about. A form submission read below Enterprise has no page title: its form's name says more than the
 * page's address, and is what a submission told by the contact's properties has too.
 */
export function activityTitle(properties: Readonly<Record<string, string>>): string {
  return textWithin(
    properties.hs_title ??
      properties.hs_email_subject ??
      properties.hs_element_text ??
      properties.hs_form_name ??
      properties.hs_url ??
      properties.hs_link_href ??
      "activity",
    120,
  );
}
