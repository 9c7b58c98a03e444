// The HubSpot emulator's Marketing Campaigns API v3 over loopback HTTP, against the reference:
// https://developers.hubspot.com/docs/api-reference/marketing-campaigns-public-api-v3/campaign/get-marketing-v3-campaigns-
// (sort, after, limit 1..100 default 50, name, properties) and https://developers.hubspot.com/docs/api/marketing/campaigns
// (scope marketing.campaigns.read, Marketing Hub Professional and up).
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";

async function get(emulator: HubspotEmulator, path: string, token = emulator.accessToken): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const T0 = new Date("2026-09-01T08:00:00.000Z");
const PROPS = "properties=hs_name,hs_start_date,hs_campaign_status,hs_notes,campaign_type";

describe("HubSpot emulator: marketing campaigns", () => {
  let portal: HubspotEmulator;
  let starter: HubspotEmulator;
  let narrowToken: HubspotEmulator;
  beforeAll(async () => {
    portal = await startHubspotEmulator({ tier: "professional" });
    starter = await startHubspotEmulator({ tier: "starter" });
    narrowToken = await startHubspotEmulator({ grantedScopes: ["crm.objects.contacts.read"] });
    const names = ["Webinaire Été 2026", "webinaire été 2026", "SaaStr Annual booth", "Google Ads – Brand", "Partner co-marketing: Q2"];
    names.forEach((name, i) =>
      portal.data.campaigns.create(
        { hs_name: name, hs_start_date: `2026-0${i + 1}-15`, hs_campaign_status: "active", hs_notes: "", campaign_type: i < 2 ? "Webinar" : "Event" },
        new Date(T0.getTime() + i * 60_000),
      ),
    );
    for (const e of [starter, narrowToken]) e.data.campaigns.create({ hs_name: "Spring launch" }, T0);
  });
  afterAll(async () => {
    await Promise.all([portal.close(), starter.close(), narrowToken.close()]);
  });

  it("lists campaigns by name with the properties asked for, leaving empty ones out, and pages with after", async () => {
    const first = await get(portal, `/marketing/v3/campaigns?limit=2&${PROPS}`);
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(5);
    const results = first.body.results as { id: string; properties: Record<string, string>; createdAt: string }[];
    expect(results.map((r) => r.properties.hs_name)).toEqual(["Google Ads – Brand", "Partner co-marketing: Q2"]);
    expect(results[0]!.properties).toEqual({ hs_name: "Google Ads – Brand", hs_start_date: "2026-04-15", hs_campaign_status: "active", campaign_type: "Event" });
    expect(results[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const seen = [...results];
    let after = (first.body.paging as { next: { after: string } }).next.after;
    for (;;) {
      const page = await get(portal, `/marketing/v3/campaigns?limit=2&after=${after}&${PROPS}`);
      seen.push(...(page.body.results as typeof results));
      const next = (page.body.paging as { next?: { after: string } } | undefined)?.next;
      if (!next) break;
      after = next.after;
    }
    // Two campaigns share a name (case aside); both are listed, each once.
    expect(new Set(seen.map((r) => r.id)).size).toBe(5);
    expect(seen.filter((r) => r.properties.hs_name!.toLowerCase() === "webinaire été 2026")).toHaveLength(2);
  });

  it("answers an empty properties map without `properties`, sorts descending with '-', and filters by a piece of the name", async () => {
    const plain = await get(portal, "/marketing/v3/campaigns?sort=-createdAt");
    const results = plain.body.results as { properties: Record<string, string> }[];
    expect(results).toHaveLength(5);
    expect(results.every((r) => Object.keys(r.properties).length === 0)).toBe(true);
    const byName = await get(portal, "/marketing/v3/campaigns?name=WEBINAIRE&properties=hs_name");
    expect((byName.body.results as unknown[]).length).toBe(2);
  });

  it("reads one campaign by its GUID, and answers 404 for one it does not have", async () => {
    const id = portal.data.campaigns.list()[2]!.id;
    const one = await get(portal, `/marketing/v3/campaigns/${id}?properties=hs_name&properties=campaign_type`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id, properties: { hs_name: "SaaStr Annual booth", campaign_type: "Event" } });
    const missing = await get(portal, "/marketing/v3/campaigns/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body.category).toBe("OBJECT_NOT_FOUND");
  });

  it("refuses a bad paging token, a limit outside 1..100 and an unknown sort with 400 VALIDATION_ERROR", async () => {
    for (const query of ["after=not-a-cursor!", "limit=0", "limit=101", "limit=ten", "sort=hs_goal"]) {
      const { status, body } = await get(portal, `/marketing/v3/campaigns?${query}`);
      expect([query, status, body.category]).toEqual([query, 400, "VALIDATION_ERROR"]);
    }
  });

  it("refuses a starter portal and a token without marketing.campaigns.read with 403 MISSING_SCOPES, and a wrong token with 401", async () => {
    for (const emulator of [starter, narrowToken]) {
      const { status, body } = await get(emulator, "/marketing/v3/campaigns");
      expect(status).toBe(403);
      expect(body).toMatchObject({
        category: "MISSING_SCOPES",
        errors: [{ context: { requiredGranularScopes: ["marketing.campaigns.read"] } }],
      });
      const id = emulator.data.campaigns.list()[0]!.id;
      expect((await get(emulator, `/marketing/v3/campaigns/${id}`)).status).toBe(403);
    }
    expect((await get(portal, "/marketing/v3/campaigns", "wrong-token")).status).toBe(401);
  });
});
