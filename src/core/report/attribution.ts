// Which group a person's moves count in: their original source and campaign (the first their events
// name, as HubSpot's original source is first touch), the campaign's type, their owner and territory.
import type { RoutingDefinition } from "../routing/definition.js";
import type { ReportClock, ReportEvent } from "./figures.js";
import { groupKey, groupLabel } from "./group-key.js";

export const GROUP_BYS = ["source", "campaign", "campaignType", "owner", "territory"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** What the store knows of a person beyond their events: the rep they were handed to, and its territory. */
export interface PersonFacts {
  owner: string | null;
  territory: string | null;
}

export interface Attribution {
  source: string | null;
  campaign: string | null;
  campaignType: string | null;
  owner: string | null;
  territory: string | null;
}

/**
 * Each person's attribution. A campaign's type is what `campaignTypes` (campaign → type, keys compared
 * as group keys) says, else the person's source: HubSpot's original source is the channel the campaign ran on.
 */
export function attributePeople(
  events: readonly ReportEvent[],
  clocks: readonly ReportClock[],
  people: ReadonlyMap<string, PersonFacts>,
  campaignTypes: Readonly<Record<string, string>>,
): Map<string, Attribution> {
  const types = new Map(Object.entries(campaignTypes).map(([campaign, type]) => [groupKey(campaign), type]));
  const out = new Map<string, Attribution>();
  const of = (personId: string): Attribution => {
    let a = out.get(personId);
    if (!a) {
      const facts = people.get(personId);
      a = { source: null, campaign: null, campaignType: null, owner: facts?.owner ?? null, territory: facts?.territory ?? null };
      out.set(personId, a);
    }
    return a;
  };
  for (const e of events) {
    const a = of(e.personId);
    if (a.source === null && e.source !== null && e.source.trim() !== "") a.source = e.source;
    if (a.campaign === null && e.campaign !== null && e.campaign.trim() !== "") a.campaign = e.campaign;
    if (people.get(e.personId)?.owner == null && e.ownerId !== null) a.owner = e.ownerId;
  }
  for (const c of clocks) {
    const a = of(c.personId);
    if (a.owner === null) a.owner = c.ownerId;
  }
  for (const a of out.values()) a.campaignType = (a.campaign !== null ? types.get(groupKey(a.campaign)) : undefined) ?? a.source;
  return out;
}

export interface GroupRef {
  key: string;
  label: string;
}

/** Each person's group under `groupBy`: folded key, first spelling as label, `(none)` for a blank. */
export function groupPeople(attribution: ReadonlyMap<string, Attribution>, groupBy: GroupBy): Map<string, GroupRef> {
  const labels = new Map<string, string>();
  const out = new Map<string, GroupRef>();
  for (const [personId, a] of attribution) {
    const value = a[groupBy];
    const key = groupKey(value);
    if (!labels.has(key)) labels.set(key, groupLabel(value));
    out.set(personId, { key, label: labels.get(key)! });
  }
  return out;
}

/**
 * A rep's territory in the routing definition: the first queue they are a member of, else the first rule
 * assigning them directly (its id), else `fallback` for the single point of contact; null for others.
 */
export function territoryOf(ownerEmail: string | null, routing: RoutingDefinition | null): string | null {
  if (ownerEmail === null || routing === null) return null;
  const rep = ownerEmail.trim().toLowerCase();
  for (const [queue, members] of Object.entries(routing.queues)) if (members.includes(rep)) return queue;
  for (const rule of routing.rules) if ("rep" in rule.assign && rule.assign.rep === rep) return rule.id;
  return routing.fallback === rep ? "fallback" : null;
}
