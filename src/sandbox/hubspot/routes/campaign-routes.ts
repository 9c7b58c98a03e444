// Marketing Campaigns API v3: GET /marketing/v3/campaigns (a page of campaigns: `sort` hs_name, createdAt
// or updatedAt, `-` for descending, default hs_name; `limit` 1..100, default 50; `after` the opaque cursor
// of the last page's paging.next; `name` a substring of the name; `properties` the campaign properties to
// return) and GET /marketing/v3/campaigns/{campaignGuid} (`properties`). A property asked for that is
// empty (or unknown) on a campaign is left out of its answer, and without `properties` the map is empty
// (https://developers.hubspot.com/docs/api-reference/marketing-campaigns-public-api-v3/campaign/get-marketing-v3-campaigns-,
// https://developers.hubspot.com/docs/api/marketing/campaigns). Every endpoint needs the scope
// `marketing.campaigns.read`, and campaigns need Marketing Hub Professional or higher: a starter portal or a
// token without the scope gets 403 MISSING_SCOPES (portal-tier.ts).
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { HubspotApiError, validationError } from "../errors.js";
import type { MarketingCampaign } from "../marketing-campaigns.js";
import { CAMPAIGNS_READ_SCOPE, missingScopes } from "../portal-tier.js";
import { type HubspotContext, route } from "./route-helpers.js";

const PAGE_DEFAULT = 50;
const PAGE_MAX = 100;
const SORTS = ["hs_name", "createdAt", "updatedAt"] as const;

export function addCampaignRoutes(api: Router<EmulatorHandler>, ctx: HubspotContext): void {
  const refused = () =>
    ctx.tier === "starter" || (ctx.scopes !== null && !ctx.scopes.has(CAMPAIGNS_READ_SCOPE))
      ? missingScopes([CAMPAIGNS_READ_SCOPE])
      : null;

  api.add(
    "GET",
    "/marketing/v3/campaigns",
    route((req) => {
      const refusal = refused();
      if (refusal) return refusal;
      const q = req.query;
      const limit = pageLimit(q.get("limit"));
      const sort = q.get("sort") ?? "hs_name";
      const field = sort.startsWith("-") ? sort.slice(1) : sort;
      if (!(SORTS as readonly string[]).includes(field))
        throw validationError(`Invalid sort: ${sort}. Allowed values are ${SORTS.join(", ")}, with an optional '-' before`, { sort: [sort] });
      const offset = afterCursor(q.get("after"));
      const name = q.get("name")?.toLowerCase();
      const properties = propertyList(q);
      const matching = ctx.data.campaigns
        .list()
        .filter((c) => name === undefined || (c.properties.hs_name ?? "").toLowerCase().includes(name))
        .sort((a, b) => compare(a, b, field) * (sort.startsWith("-") ? -1 : 1) || a.id.localeCompare(b.id));
      const page = matching.slice(offset, offset + limit);
      const body: Record<string, unknown> = { total: matching.length, results: page.map((c) => view(c, properties)) };
      if (offset + limit < matching.length) {
        const after = Buffer.from(String(offset + limit)).toString("base64url");
        body.paging = { next: { after, link: `/marketing/v3/campaigns?after=${after}` } };
      }
      return { status: 200, body };
    }),
  );

  api.add(
    "GET",
    "/marketing/v3/campaigns/:campaignGuid",
    route((req) => {
      const refusal = refused();
      if (refusal) return refusal;
      const id = req.params.campaignGuid ?? "";
      const campaign = ctx.data.campaigns.get(id);
      if (!campaign) throw new HubspotApiError(404, "OBJECT_NOT_FOUND", `Campaign ${id} was not found`);
      return { status: 200, body: view(campaign, propertyList(req.query)) };
    }),
  );
}

function view(c: MarketingCampaign, properties: readonly string[]): Record<string, unknown> {
  const shown: Record<string, string> = {};
  for (const name of properties) {
    const value = c.properties[name];
    if (value !== undefined && value !== "") shown[name] = value;
  }
  return {
    id: c.id,
    properties: shown,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    businessUnits: [{ id: 0 }],
  };
}

function compare(a: MarketingCampaign, b: MarketingCampaign, field: string): number {
  if (field === "createdAt") return a.createdAt.getTime() - b.createdAt.getTime();
  if (field === "updatedAt") return a.updatedAt.getTime() - b.updatedAt.getTime();
  return (a.properties.hs_name ?? "").localeCompare(b.properties.hs_name ?? "");
}

/** `properties` may be repeated or comma-separated. */
function propertyList(q: URLSearchParams): string[] {
  return q
    .getAll("properties")
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

function pageLimit(raw: string | null): number {
  if (raw === null || raw === "") return PAGE_DEFAULT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > PAGE_MAX)
    throw validationError(`limit must be an integer from 1 to ${PAGE_MAX}: ${raw}`, { limit: [raw] });
  return n;
}

/** The cursor is opaque to callers; here it wraps an offset, and anything else is refused. */
function afterCursor(raw: string | null): number {
  if (raw === null || raw === "") return 0;
  const text = Buffer.from(raw, "base64url").toString("utf8");
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw validationError(`Invalid paging cursor: ${raw}`, { after: [raw] });
  return n;
}
