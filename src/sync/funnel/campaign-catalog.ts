// Which campaign a funnel event names, and the campaigns themselves. A HubSpot contact names its campaign
// by id in `hs_analytics_first_touch_converting_campaign` (the campaign of its first converting touch; the
// app shows the name, lists and filters take the id); a Salesforce Lead or Contact by its CampaignMember's
// CampaignId. Where neither names a campaign the portal or org has, HubSpot's original source
// drill-down (`hs_analytics_source_data_1`, the utm_campaign of the first visit for paid and email
// sources) is the campaign's text. The campaigns read are kept in the store, so a report titles and
// types them without calling either system (ARCHITECTURE.md "Reports").
import type { FieldValues } from "../../core/records.js";
import type { FunnelEvent, StoredCampaign } from "../../store/port.js";
import type { RunContext } from "../run-context.js";
import { SystemError } from "../system-error.js";
import { probeTrusted } from "./behaviour-reader.js";
import { campaignMembership } from "./campaign-membership.js";
import type { FunnelSetup, SystemCampaign } from "./funnel-setup.js";

/** https://knowledge.hubspot.com/properties/hubspots-default-contact-properties ("First touch converting campaign"). */
export const FIRST_TOUCH_CAMPAIGN = "hs_analytics_first_touch_converting_campaign";
/** Original source drill-down 1: https://knowledge.hubspot.com/properties/understand-source-properties. */
export const SOURCE_DRILL_DOWN = "hs_analytics_source_data_1";

export type EventCampaign = Required<Pick<FunnelEvent, "campaign" | "campaignId" | "campaignOrigin">>;

const NO_CAMPAIGN: EventCampaign = { campaign: null, campaignId: null, campaignOrigin: null };

/**
 * The store fact holding when HubSpot last refused the campaigns API. The refusal is the portal's tier or
 * the app's scopes, which change rarely: trusted as the behaviour source's probe is (behaviour-reader.ts
 * `probeTrusted`), so a daemon asks, and warns, once a day rather than every run.
 */
export const CAMPAIGNS_REFUSED_FACT = "hubspot.campaignsRefused";

interface RunCampaigns {
  hubspot: Promise<Map<string, StoredCampaign>> | null;
  salesforce: Map<string, StoredCampaign | null>;
}

/** Per run: HubSpot's campaigns are listed at most once, a Salesforce Campaign read at most once. */
const perRun = new WeakMap<RunContext, RunCampaigns>();

function runOf(ctx: RunContext): RunCampaigns {
  let run = perRun.get(ctx);
  if (!run) perRun.set(ctx, (run = { hubspot: null, salesforce: new Map() }));
  return run;
}

function stored(origin: StoredCampaign["origin"], c: SystemCampaign, readAt: string): StoredCampaign {
  return { origin, id: c.id, name: c.name, type: c.type, status: c.status, startDate: c.startDate, endDate: c.endDate, readAt };
}

/**
 * The portal's campaigns, listed once per run when a contact first names one. A portal below Professional
 * or a token without `marketing.campaigns.read` (403 MISSING_SCOPES) has none: one warning, kept in the
 * store, so the runs of the next day neither ask nor warn again, and its contacts fall back to their
 * drill-down.
 */
function hubspotCampaigns(ctx: RunContext, setup: FunnelSetup): Promise<Map<string, StoredCampaign>> {
  const run = runOf(ctx);
  run.hubspot ??= (async () => {
    const now = ctx.now();
    const refused = await ctx.store.getFact(CAMPAIGNS_REFUSED_FACT);
    if (probeTrusted(refused, now)) {
      ctx.log.debug("campaigns.refused_before", { at: refused.at });
      return new Map<string, StoredCampaign>();
    }
    try {
      const readAt = now.toISOString();
      const campaigns = (await setup.campaigns.readCampaigns()).map((c) => stored("hubspot-campaign", c, readAt));
      await ctx.store.saveCampaigns(campaigns);
      return new Map(campaigns.map((c) => [c.id, c]));
    } catch (err) {
      if (!(err instanceof SystemError && err.code === "MISSING_SCOPES")) throw err;
      ctx.log.warn("campaigns.refused", {
        message:
          "HubSpot refused the campaigns API (403 MISSING_SCOPES: it needs Marketing Hub Professional and the " +
          "scope marketing.campaigns.read); campaigns come from the CRM and the contacts' source properties " +
          "(asked again in a day)",
      });
      await ctx.store.commitBatch({
        runId: ctx.runId,
        facts: [{ name: CAMPAIGNS_REFUSED_FACT, value: "MISSING_SCOPES", at: now.toISOString() }],
        at: now.toISOString(),
      });
      return new Map<string, StoredCampaign>();
    }
  })();
  return run.hubspot;
}

/** Each person's campaign as HubSpot names it: their first-touch campaign if the portal has it, else their drill-down. */
export async function marketingCampaigns(
  ctx: RunContext,
  setup: FunnelSetup,
  people: ReadonlyMap<string, FieldValues>,
): Promise<Map<string, EventCampaign>> {
  const named = [...people.values()].some((p) => !isBlank(p[FIRST_TOUCH_CAMPAIGN]));
  const campaigns = named ? await hubspotCampaigns(ctx, setup) : new Map<string, StoredCampaign>();
  const out = new Map<string, EventCampaign>();
  for (const [personId, p] of people) {
    const held = campaigns.get((p[FIRST_TOUCH_CAMPAIGN] ?? "").trim());
    const text = p[SOURCE_DRILL_DOWN];
    out.set(
      personId,
      held
        ? { campaign: held.name, campaignId: held.id, campaignOrigin: "hubspot-campaign" }
        : !isBlank(text)
          ? { campaign: text!, campaignId: null, campaignOrigin: "source-property" }
          : NO_CAMPAIGN,
    );
  }
  return out;
}

/**
 * Each person's campaign as the CRM names it: the Campaign of their CRM records' first CampaignMember
 * (ids per person), read with its name and type; people without one are left out.
 */
export async function crmCampaigns(
  ctx: RunContext,
  setup: FunnelSetup,
  crmIds: ReadonlyMap<string, readonly string[]>,
): Promise<Map<string, EventCampaign>> {
  const members = setup.vocabulary.deals.campaignMembers;
  const out = new Map<string, EventCampaign>();
  if (!members || crmIds.size === 0) return out;
  const ids = [...new Set([...crmIds.values()].flat())];
  const campaignOf = await campaignMembership(ctx, setup, members).campaignsOf(ids);
  const run = runOf(ctx);
  const unread = [...new Set(campaignOf.values())].filter((id) => !run.salesforce.has(id));
  if (unread.length > 0) {
    const c = members.campaign;
    const readAt = ctx.now().toISOString();
    const read = await ctx.crm.readByIds(c.object, unread, [c.name, c.type, c.status, c.startDate, c.endDate]);
    const campaigns = read.map((r) =>
      stored(
        "salesforce-campaign",
        {
          id: r.id,
          name: r.fields[c.name]?.trim() || r.id,
          type: r.fields[c.type] || null,
          status: r.fields[c.status] || null,
          startDate: r.fields[c.startDate] || null,
          endDate: r.fields[c.endDate] || null,
        },
        readAt,
      ),
    );
    await ctx.store.saveCampaigns(campaigns);
    for (const id of unread) run.salesforce.set(id, campaigns.find((x) => x.id === id) ?? null);
  }
  for (const [personId, recordIds] of crmIds) {
    const id = recordIds.map((r) => campaignOf.get(r)).find((x) => x !== undefined);
    const campaign = id ? run.salesforce.get(id) : null;
    // A membership of a Campaign the org no longer has (deleted since) names nothing.
    if (campaign) out.set(personId, { campaign: campaign.name, campaignId: campaign.id, campaignOrigin: "salesforce-campaign" });
  }
  return out;
}

/**
 * Each person's campaign when they qualify: their HubSpot campaign, else the Campaign their CRM record is
 * a member of (a trade-show Lead sales had before marketing qualified the person: the linked record, or
 * for a person not linked yet the Leads and Contacts with their email), else the drill-down.
 */
export async function qualifiedCampaigns(
  ctx: RunContext,
  setup: FunnelSetup,
  people: ReadonlyMap<string, FieldValues>,
): Promise<Map<string, EventCampaign>> {
  const out = await marketingCampaigns(ctx, setup, people);
  if (setup.crmIsMarketing || !setup.vocabulary.deals.campaignMembers) return out;
  const open = [...out].filter(([, c]) => c.campaignOrigin !== "hubspot-campaign").map(([id]) => id);
  if (open.length === 0) return out;
  const links = await ctx.store.findLinksByMarketingIds("contact", open);
  const crmIds = new Map<string, string[]>([...links].map(([personId, link]) => [personId, [link.crmId]]));
  const byEmail = new Map<string, string[]>();
  for (const id of open) {
    const email = people.get(id)?.email?.trim().toLowerCase();
    if (!links.has(id) && email) byEmail.set(email, [...(byEmail.get(email) ?? []), id]);
  }
  if (byEmail.size > 0) {
    const records = await campaignMembership(ctx, setup, setup.vocabulary.deals.campaignMembers).recordsByEmail([
      ...byEmail.keys(),
    ]);
    for (const [email, ids] of records) {
      for (const personId of byEmail.get(email) ?? []) crmIds.set(personId, [...(crmIds.get(personId) ?? []), ...ids]);
    }
  }
  for (const [personId, campaign] of await crmCampaigns(ctx, setup, crmIds)) out.set(personId, campaign);
  return out;
}

function isBlank(v: string | null | undefined): boolean {
  return v === null || v === undefined || v.trim() === "";
}
