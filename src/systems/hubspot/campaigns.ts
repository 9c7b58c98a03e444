// HubSpot's marketing campaigns (GET /marketing/v3/campaigns, 100 a page paged by `after`, the properties
// asked for; https://developers.hubspot.com/docs/api-reference/marketing-campaigns-public-api-v3/campaign/get-marketing-v3-campaigns-).
// A contact names its campaign by id in `hs_analytics_first_touch_converting_campaign`, so a funnel event
// can be titled with the campaign's name. HubSpot keeps no campaign type of its own: a portal that types
// its campaigns does so in a custom campaign property, which `hubspot.campaignTypeProperty` names. The
// API needs Marketing Hub Professional and the scope `marketing.campaigns.read`; without them it answers
// 403 MISSING_SCOPES, which reaches the caller as a SystemError with that code.
import { z } from "zod";
import type { SystemCampaign } from "../../sync/funnel/funnel-setup.js";
import { nextPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

const PAGE = 100;
const STANDARD = ["hs_name", "hs_campaign_status", "hs_start_date", "hs_end_date"] as const;

const campaignsPage = z.looseObject({
  results: z.array(
    z.looseObject({
      id: z.coerce.string(),
      properties: z.record(z.string(), z.coerce.string().nullable()).default({}),
    }),
  ),
  paging: nextPage,
});

/** Every campaign of the portal, by name, with the type property when one is named. Throws SystemError. */
export async function readCampaigns(transport: HubspotTransport, typeProperty: string | null): Promise<SystemCampaign[]> {
  const properties = [...STANDARD, ...(typeProperty ? [typeProperty] : [])].join(",");
  const out: SystemCampaign[] = [];
  let after: string | undefined;
  do {
    const qs: Record<string, string> = { limit: String(PAGE), properties, sort: "hs_name" };
    if (after) qs.after = after;
    const { body: page } = await transport.send({ method: "GET", path: "/marketing/v3/campaigns", qs }, campaignsPage);
    for (const c of page.results) {
      const p = c.properties;
      out.push({
        id: c.id,
        // A campaign's name is required in HubSpot; one answered without it is titled by its id.
        name: p.hs_name?.trim() || c.id,
        type: (typeProperty ? p[typeProperty]?.trim() : null) || null,
        status: p.hs_campaign_status || null,
        startDate: p.hs_start_date || null,
        endDate: p.hs_end_date || null,
      });
    }
    after = page.paging?.next?.after;
  } while (after);
  return out;
}
