// The marketing contact's lifecycle stage value for each funnel stage. The values are the marketing
// system's internal lifecycle stage names, kept here as plain data (no client import).
import type { Stage } from "./stages.js";

export const LIFECYCLE_VALUES = [
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
  "other",
] as const;
export type LifecycleValue = (typeof LIFECYCLE_VALUES)[number];

const LIFECYCLE_BY_STAGE: Readonly<Record<Stage, LifecycleValue>> = {
  lead: "lead",
  mql: "marketingqualifiedlead",
  sal: "salesqualifiedlead",
  opportunity: "opportunity",
  won: "customer",
  // Lost and trashed people leave the active funnel; recycled ones go back to nurture as leads.
  lost: "other",
  recycled: "lead",
  trash: "other",
  // Marketing qualified them and sales never reached them: they stay marketing-qualified.
  unreachable: "marketingqualifiedlead",
};

export function lifecycleFor(stage: Stage): LifecycleValue {
  return LIFECYCLE_BY_STAGE[stage];
}
