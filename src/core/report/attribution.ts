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

/**
 * Where a person's campaign came from: a HubSpot campaign (the contact's first-touch converting campaign),
 * a Salesforce Campaign (the CRM record's CampaignMember), or the source drill-down property's text.
 */
export const CAMPAIGN_ORIGINS = ["hubspot-campaign", "salesforce-campaign", "source-property"] as const;
export type CampaignOrigin = (typeof CAMPAIGN_ORIGINS)[number];

/** A campaign as its system keeps it (the store's campaigns fit this). */
export interface ReportCampaign {
  origin: Exclude<CampaignOrigin, "source-property">;
  id: string;
  name: string;
  /** HubSpot: the campaign property the config names; Salesforce: Campaign.Type. */
  type: string | null;
  startDate: string | null;
}

export interface Attribution {
  source: string | null;
  /** The campaign's name: the system campaign's, else the drill-down's text. */
  campaign: string | null;
  /** `<origin>:<id>` for a system campaign, `source-property:<folded name>` otherwise, "" for none. */
  campaignKey: string;
  campaignId: string | null;
  campaignOrigin: CampaignOrigin | null;
  campaignStart: string | null;
  campaignType: string | null;
  owner: string | null;
  territory: string | null;
}

/** A system's campaign outranks a drill-down's text, HubSpot's own before the CRM's membership. */
const ORIGIN_RANK: Record<CampaignOrigin, number> = { "hubspot-campaign": 0, "salesforce-campaign": 1, "source-property": 2 };

/**
 * Each person's attribution. Their campaign is the first their events name of the best origin: an event
 * naming a HubSpot campaign wins over one naming a Salesforce Campaign, which wins over a drill-down's
 * text (an event without an origin is a drill-down's). A system campaign is titled from `campaigns`
 * (its name now, not as first recorded). Its type: `campaignTypes` (campaign name → type, keys compared
 * as group keys) when it names the campaign, else the system's type, else the person's source
 * (HubSpot's original source is the channel the campaign ran on).
 */
export function attributePeople(
  events: readonly ReportEvent[],
  clocks: readonly ReportClock[],
  people: ReadonlyMap<string, PersonFacts>,
  campaignTypes: Readonly<Record<string, string>>,
  campaigns: readonly ReportCampaign[] = [],
): Map<string, Attribution> {
  const types = new Map(Object.entries(campaignTypes).map(([campaign, type]) => [groupKey(campaign), type]));
  const known = new Map(campaigns.map((c) => [`${c.origin}:${c.id}`, c]));
  const out = new Map<string, Attribution>();
  const rank = new Map<string, number>();
  const of = (personId: string): Attribution => {
    let a = out.get(personId);
    if (!a) {
      const facts = people.get(personId);
      a = {
        source: null,
        campaign: null,
        campaignKey: "",
        campaignId: null,
        campaignOrigin: null,
        campaignStart: null,
        campaignType: null,
        owner: facts?.owner ?? null,
        territory: facts?.territory ?? null,
      };
      out.set(personId, a);
    }
    return a;
  };
  for (const e of events) {
    const a = of(e.personId);
    if (a.source === null && e.source !== null && e.source.trim() !== "") a.source = e.source;
    const origin: CampaignOrigin | null =
      e.campaignOrigin && e.campaignOrigin !== "source-property" && e.campaignId
        ? e.campaignOrigin
        : e.campaign !== null && e.campaign.trim() !== ""
          ? "source-property"
          : null;
    if (origin !== null && ORIGIN_RANK[origin] < (rank.get(e.personId) ?? Infinity)) {
      rank.set(e.personId, ORIGIN_RANK[origin]);
      if (origin === "source-property") {
        Object.assign(a, { campaign: e.campaign, campaignKey: `${origin}:${groupKey(e.campaign)}`, campaignId: null, campaignOrigin: origin, campaignStart: null });
      } else {
        const held = known.get(`${origin}:${e.campaignId}`);
        Object.assign(a, {
          campaign: held?.name ?? e.campaign ?? e.campaignId,
          campaignKey: `${origin}:${e.campaignId}`,
          campaignId: e.campaignId,
          campaignOrigin: origin,
          campaignStart: held?.startDate ?? null,
        });
      }
    }
    if (people.get(e.personId)?.owner == null && e.ownerId !== null) a.owner = e.ownerId;
  }
  for (const c of clocks) {
    const a = of(c.personId);
    if (a.owner === null) a.owner = c.ownerId;
  }
  for (const a of out.values()) {
    const system = a.campaignOrigin !== null && a.campaignOrigin !== "source-property" ? known.get(a.campaignKey) : undefined;
    a.campaignType = (a.campaign !== null ? types.get(groupKey(a.campaign)) : undefined) ?? system?.type ?? a.source;
  }
  return out;
}

export interface GroupRef {
  key: string;
  label: string;
}

/**
 * Each person's group under `groupBy`: folded key, first spelling as label, `(none)` for a blank. A
 * campaign's key is its system id (or its folded text), so two campaigns of one name are two groups;
 * their labels then add the start date (or the id) to tell them apart.
 */
export function groupPeople(attribution: ReadonlyMap<string, Attribution>, groupBy: GroupBy): Map<string, GroupRef> {
  const labels = new Map<string, string>();
  const out = new Map<string, GroupRef>();
  for (const [personId, a] of attribution) {
    const value = a[groupBy];
    const key = groupBy === "campaign" ? a.campaignKey : groupKey(value);
    if (!labels.has(key)) labels.set(key, groupLabel(value));
    out.set(personId, { key, label: labels.get(key)! });
  }
  if (groupBy === "campaign") {
    const named = new Map<string, string[]>();
    for (const [key, label] of labels) {
      const origin = key.slice(0, key.indexOf(":"));
      const same = `${origin}:${groupKey(label)}`;
      named.set(same, [...(named.get(same) ?? []), key]);
    }
    const detail = new Map([...attribution.values()].map((a) => [a.campaignKey, a.campaignStart ?? a.campaignId]));
    for (const keys of named.values()) {
      if (keys.length < 2) continue;
      for (const key of keys) if (detail.get(key)) labels.set(key, `${labels.get(key)} (${detail.get(key)})`);
    }
    for (const [personId, ref] of out) out.set(personId, { key: ref.key, label: labels.get(ref.key)! });
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
