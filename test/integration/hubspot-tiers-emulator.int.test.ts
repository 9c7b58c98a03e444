// The HubSpot emulator's portal tiers and the behaviour every tier keeps, checked over loopback HTTP
// against the API references each test names.
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { loadSeed } from "../../src/sandbox/load-seed.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";

async function get(emulator: HubspotEmulator, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${emulator.accessToken}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const DAY = Date.parse("2026-03-02T09:00:00.000Z");
const at = (minutes: number): Date => new Date(DAY + minutes * 60_000);

describe("HubSpot emulator tiers", () => {
  let enterprise: HubspotEmulator;
  let professional: HubspotEmulator;
  beforeAll(async () => {
    enterprise = await startHubspotEmulator();
    professional = await startHubspotEmulator({ tier: "professional" });
  });
  afterAll(async () => {
    await enterprise.close();
    await professional.close();
  });

  // https://developers.hubspot.com/docs/guides/api/analytics-and-events/event-analytics (Enterprise only);
  // the refusal's body as HubSpot sends it: hubspot-api-nodejs issue #268, estuary/connectors issue #2213.
  it("refuses the events API below Enterprise with 403 MISSING_SCOPES, as HubSpot does", async () => {
    const contact = professional.data.createObject("contacts", { email: "élodie.martin@exemple.fr" });
    recordActivity(professional.data, { contactId: contact.id, kind: "pageView", properties: { hs_url: "https://x.example/pricing" } });
    for (const path of [
      `/events/v3/events/?objectType=contact&objectId=${contact.id}`,
      "/events/v3/events/event-types",
    ]) {
      const { status, body } = await get(professional, path);
      expect(status).toBe(403);
      expect(body).toMatchObject({
        status: "error",
        category: "MISSING_SCOPES",
        message: expect.stringContaining("hasn't been granted all required scopes"),
        errors: [
          {
            message: "One or more of the following scopes are required.",
            context: { requiredGranularScopes: [expect.any(String)] },
          },
        ],
        links: { scopes: "https://developers.hubspot.com/scopes" },
      });
      expect(typeof body.correlationId).toBe("string");
    }
    expect((await get(enterprise, "/events/v3/events/?limit=1")).status).toBe(200);
  });

  // HubSpot's default contact properties (Number of Pageviews, Number of Sessions, Time of Last Session,
  // Time Last Seen, Last Page Seen, Recent Conversion, Marketing emails opened/clicked ...):
  // https://knowledge.hubspot.com/properties/hubspots-default-contact-properties
  it("keeps the analytics, conversion and email properties of every activity on every tier", async () => {
    for (const emulator of [enterprise, professional]) {
      const c = emulator.data.createObject("contacts", { email: `jürgen.weiß+${emulator.tier}@beispiel.de` });
      const view = (minutes: number, url: string) =>
        recordActivity(emulator.data, { contactId: c.id, kind: "pageView", occurredAt: at(minutes), properties: { hs_url: url } });
      view(0, "https://www.leadloop-demo.com/");
      view(5, "https://www.leadloop-demo.com/product");
      view(120, "https://www.leadloop-demo.com/pricing"); // a second session
      // A view recorded late (back-dated) counts, but does not make an older visit the last one.
      view(-600, "https://www.leadloop-demo.com/blog");
      recordActivity(emulator.data, {
        contactId: c.id,
        kind: "formSubmission",
        occurredAt: at(130),
        properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Book a demo", hs_url: "https://www.leadloop-demo.com/demo" },
      });
      recordActivity(emulator.data, { contactId: c.id, kind: "emailOpen", occurredAt: at(200), properties: { hs_email_campaign_id: "118420433" } });
      const { contact } = recordActivity(emulator.data, {
        contactId: c.id,
        kind: "emailClick",
        occurredAt: at(201),
        properties: { hs_email_campaign_id: "118420433", hs_link_href: "https://www.leadloop-demo.com/pricing" },
      });
      const read = await get(
        emulator,
        `/crm/v3/objects/contacts/${c.id}?properties=hs_analytics_num_page_views,hs_analytics_num_visits,hs_analytics_last_visit_timestamp,hs_analytics_last_timestamp,hs_analytics_last_url,hs_analytics_first_url,num_conversion_events,num_unique_conversion_events,recent_conversion_date,recent_conversion_event_name,first_conversion_event_name,hs_email_open,hs_email_click,hs_email_last_open_date,hs_email_last_click_date`,
      );
      expect(read.status).toBe(200);
      expect(read.body.properties).toMatchObject({
        hs_analytics_num_page_views: "4",
        hs_analytics_num_visits: "3",
        hs_analytics_last_visit_timestamp: at(120).toISOString(),
        hs_analytics_last_timestamp: at(120).toISOString(),
        hs_analytics_last_url: "https://www.leadloop-demo.com/pricing",
        hs_analytics_first_url: "https://www.leadloop-demo.com/",
        num_conversion_events: "1",
        num_unique_conversion_events: "1",
        recent_conversion_date: at(130).toISOString(),
        recent_conversion_event_name: "Book a demo",
        first_conversion_event_name: "Book a demo",
        hs_email_open: "1",
        hs_email_click: "1",
        hs_email_last_open_date: at(200).toISOString(),
        hs_email_last_click_date: at(201).toISOString(),
      });
      expect(contact.properties.hs_analytics_num_page_views).toBe("4");
      // The properties are HubSpot's own: read-only numbers and datetimes in the property catalogue.
      const prop = await get(emulator, "/crm/v3/properties/contacts/hs_analytics_num_visits");
      expect(prop.body).toMatchObject({ type: "number", modificationMetadata: { readOnlyValue: true } });
      const seen = await get(emulator, "/crm/v3/properties/contacts/hs_analytics_last_timestamp");
      expect(seen.body).toMatchObject({ type: "datetime" });
    }
  });

  it("seeds contacts whose analytics properties agree with their seeded events", async () => {
    const emulator = await startHubspotEmulator({ tier: "professional" });
    try {
      const seed = generateSeed({ seed: 3, now: new Date("2026-06-01T00:00:00Z"), contacts: 40 });
      const { ids } = loadSeed(seed, { hubspot: emulator });
      const events = emulator.data.listEvents();
      for (const id of ids.contacts.values()) {
        const mine = events.filter((e) => e.objectId === id);
        const props = emulator.data.getObject("contacts", id)!.properties;
        const views = mine.filter((e) => e.eventType === "e_visited_page");
        const forms = mine.filter((e) => e.eventType === "e_submitted_form");
        const clicks = mine.filter((e) => e.eventType === "e_clicked_email");
        expect(Number(props.hs_analytics_num_page_views ?? "0")).toBe(views.length);
        expect(Number(props.num_conversion_events ?? "0")).toBe(forms.length);
        expect(Number(props.hs_email_click ?? "0")).toBe(clicks.length);
        if (views.length > 0) expect(props.hs_analytics_last_url).toBe(views[views.length - 1]!.properties.hs_url);
        if (forms.length > 0)
          expect(props.recent_conversion_date).toBe(forms[forms.length - 1]!.occurredAt.toISOString());
      }
    } finally {
      await emulator.close();
    }
  });

  // GET /marketing/v3/forms and GET /form-integrations/v1/submissions/forms/{form_guid}:
  // https://developers.hubspot.com/docs/api-reference/legacy/marketing/forms/v1/get-form-integrations-v1-submissions-forms-form_guid
  it("lists forms and each form's submissions newest first, 50 at most a page, with the submitter's email and page URL", async () => {
    const emulator = professional;
    const formId = "5d6e7f80-2a3b-4c5d-9e8f-0a1b2c3d4e04";
    emulator.data.forms.ensure(formId, "Contact us", at(-10_000));
    const people = ["Ana.Lopez@Acme.com", "zoë@exemple.fr", "li.wei@example.cn"].map((email) =>
      emulator.data.createObject("contacts", { email, firstname: "Test" }),
    );
    people.forEach((p, i) =>
      recordActivity(emulator.data, {
        contactId: p.id,
        kind: "formSubmission",
        occurredAt: at(i),
        properties: { hs_form_id: formId, hs_title: "Contact sales", hs_url: "https://www.leadloop-demo.com/contact" },
      }),
    );
    const forms = await get(emulator, "/marketing/v3/forms");
    expect(forms.status).toBe(200);
    expect(forms.body.results).toEqual(expect.arrayContaining([expect.objectContaining({ id: formId, name: "Contact us" })]));

    const first = await get(emulator, `/form-integrations/v1/submissions/forms/${formId}?limit=2`);
    expect(first.status).toBe(200);
    const results = first.body.results as { submittedAt: number; values: { name: string; value: string }[]; pageUrl: string; conversionId: string }[];
    expect(results.map((r) => r.submittedAt)).toEqual([at(2).getTime(), at(1).getTime()]);
    expect(results[0]!.values).toEqual(expect.arrayContaining([{ name: "email", value: "li.wei@example.cn", objectTypeId: "0-1" }]));
    expect(results[0]!.pageUrl).toBe("https://www.leadloop-demo.com/contact");
    const after = (first.body.paging as { next: { after: string } }).next.after;
    const second = await get(emulator, `/form-integrations/v1/submissions/forms/${formId}?limit=2&after=${after}`);
    expect((second.body.results as { values: { name: string; value: string }[] }[])[0]!.values[0]!.value).toBe("ana.lopez@acme.com"); // HubSpot keeps emails lower-cased
    expect(second.body.paging).toBeUndefined();
    // A submission made after the form was listed heads its next listing.
    const late = emulator.data.createObject("contacts", { email: "Émile.Zola@Exemple.fr", firstname: "Émile" });
    recordActivity(emulator.data, { contactId: late.id, kind: "formSubmission", occurredAt: at(3), properties: { hs_form_id: formId } });
    const again = await get(emulator, `/form-integrations/v1/submissions/forms/${formId}?limit=50`);
    expect((again.body.results as { submittedAt: number }[]).map((r) => r.submittedAt)).toEqual(
      [3, 2, 1, 0].map((i) => at(i).getTime()),
    );

    expect((await get(emulator, `/form-integrations/v1/submissions/forms/${formId}?limit=51`)).status).toBe(400);
    expect((await get(emulator, "/form-integrations/v1/submissions/forms/00000000-0000-0000-0000-000000000000")).status).toBe(404);
  });

  // GET /email/public/v1/events: https://developers.hubspot.com/docs/api-reference/legacy/email-analytics-v1/guide
  it("answers marketing email events by time window and type, paged by offset, with the recipient and a click's URL", async () => {
    const emulator = professional;
    const c = emulator.data.createObject("contacts", { email: "Søren.Kierkegaard@Eksempel.dk" });
    for (let i = 0; i < 3; i++)
      recordActivity(emulator.data, { contactId: c.id, kind: "emailOpen", occurredAt: at(1000 + i), properties: { hs_email_campaign_id: "118420371" } });
    recordActivity(emulator.data, {
      contactId: c.id,
      kind: "emailClick",
      occurredAt: at(1010),
      properties: { hs_email_campaign_id: "118420433", hs_link_href: "https://www.leadloop-demo.com/pricing" },
    });
    const window = `startTimestamp=${at(1000).getTime()}&endTimestamp=${at(1100).getTime()}`;
    const opens = await get(emulator, `/email/public/v1/events?${window}&eventType=OPEN&limit=2`);
    expect(opens.status).toBe(200);
    expect(opens.body.hasMore).toBe(true);
    expect((opens.body.events as unknown[]).length).toBe(2);
    const rest = await get(emulator, `/email/public/v1/events?${window}&eventType=OPEN&limit=2&offset=${String(opens.body.offset)}`);
    expect(rest.body.hasMore).toBe(false);
    expect((rest.body.events as unknown[]).length).toBe(1);
    const clicks = await get(emulator, `/email/public/v1/events?${window}&eventType=CLICK`);
    expect(clicks.body.events).toEqual([
      expect.objectContaining({
        type: "CLICK",
        recipient: "søren.kierkegaard@eksempel.dk",
        emailCampaignId: 118420433,
        url: "https://www.leadloop-demo.com/pricing",
        created: at(1010).getTime(),
        appName: "Batch",
      }),
    ]);
    const later = await get(emulator, `/email/public/v1/events?startTimestamp=${at(1011).getTime()}&eventType=CLICK`);
    expect(later.body.events).toEqual([]);
    // The same listing again after the contact's address changed, and after another open: answered anew.
    emulator.data.updateObject("contacts", c.id, { email: "S.Kierkegaard@Eksempel.dk" });
    const renamed = await get(emulator, `/email/public/v1/events?${window}&eventType=CLICK`);
    expect(renamed.body.events).toEqual([expect.objectContaining({ recipient: "s.kierkegaard@eksempel.dk" })]);
    recordActivity(emulator.data, { contactId: c.id, kind: "emailOpen", occurredAt: at(1003), properties: { hs_email_campaign_id: "118420371" } });
    const allOpens = await get(emulator, `/email/public/v1/events?${window}&eventType=OPEN&limit=2`);
    expect((allOpens.body.events as { created: number }[]).map((e) => e.created)).toEqual([at(1003).getTime(), at(1002).getTime()]);
    expect((await get(emulator, "/email/public/v1/events?eventType=VISIT")).status).toBe(400);
  });
});
