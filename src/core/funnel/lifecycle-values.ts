// The marketing contact's lifecycle stage value for each funnel stage, and the order the marketing system
// keeps them in. The values are the marketing system's internal lifecycle stage names, kept here as plain
// data (no client import).
import type { Stage } from "./stages.js";

/**
 * HubSpot's default lifecycle stages in their forward order. The stage only moves forward: a write of an
 * earlier stage is ignored (success, no change) unless the property was cleared first in a separate
 * request (https://integrate.hubspot.com/t/update-lifecycle-stage-using-api/1333).
 */
export const LIFECYCLE_ORDER = [
  "subscriber",
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
  "evangelist",
  "other",
] as const;
export type LifecycleValue = (typeof LIFECYCLE_ORDER)[number];

/** The lifecycle values leadloop itself writes. */
export const LIFECYCLE_VALUES = [
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
  "other",
] as const satisfies readonly LifecycleValue[];

/** The contact property that holds the lifecycle stage. */
export const LIFECYCLE_FIELD = "lifecyclestage";

const LIFECYCLE_BY_STAGE: Readonly<Record<Stage, LifecycleValue>> = {
  lead: "lead",
  mql: "marketingqualifiedlead",
  sal: "salesqualifiedlead",
  opportunity: "opportunity",
  won: "customer",
  // Lost and trashed people leave the active funnel; recycled and unreachable ones go back to nurture.
  lost: "other",
  recycled: "lead",
  trash: "other",
  unreachable: "lead",
};

export function lifecycleFor(stage: Stage): LifecycleValue {
  return LIFECYCLE_BY_STAGE[stage];
}

/**
 * Whether writing `target` over `held` needs the property cleared first (a backward move). A value the
 * order does not know (a portal's custom stage) is cleared too: a clear
 * costs one batched request, a lost move costs the contact's stage.
 */
export function lifecycleNeedsClear(held: string | null | undefined, target: string): boolean {
  if (held === null || held === undefined || held.trim() === "") return false;
  if (held === target) return false;
  const from = LIFECYCLE_ORDER.indexOf(held as LifecycleValue);
  const to = LIFECYCLE_ORDER.indexOf(target as LifecycleValue);
  if (from < 0 || to < 0) return true;
  return to < from;
}
