// The checks of HubSpot and Salesforce answers at the adapters' edge: cheap enough for pages of
// thousands of records, and still refusing what the adapters could not read, naming where.
import { eventPage, objectPage, searchPage } from "../../src/systems/hubspot/schemas.js";
import { fromSalesforceRecord } from "../../src/systems/salesforce/values.js";

const contact = (id: number | string, properties?: unknown) => ({
  id,
  ...(properties === undefined ? {} : { properties }),
  createdAt: "2026-11-02T08:15:00.000Z",
  updatedAt: "2026-11-30T17:45:12.345Z",
  archived: false,
});

describe("HubSpot object pages", () => {
  it("pass property values through as HubSpot sent them, and an object without properties as empty", () => {
    const parsed = objectPage.parse({
      results: [
        contact(101, { email: "Zoë.Müller@Example.com", firstname: "Zoë", hs_analytics_num_visits: 3, hs_is_unworked: true, phone: null }),
        contact("102"),
      ],
      paging: { next: { after: 102 } },
    });
    expect(parsed.results[0]).toMatchObject({
      id: "101",
      properties: { email: "Zoë.Müller@Example.com", firstname: "Zoë", hs_analytics_num_visits: 3, hs_is_unworked: true, phone: null },
    });
    expect(parsed.results[1]!.properties).toEqual({});
    expect(parsed.paging?.next?.after).toBe("102");
  });

  it("refuse a property value that is not a string, number, boolean or null, naming the property", () => {
    const bad = searchPage.safeParse({
      total: 2,
      results: [contact(1, { firstname: "José" }), contact(2, { firstname: "Ana", address: { city: "Málaga" } })],
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "results.1.properties.address: expected a string, number, boolean or null, got object",
    ]);
    const notAnObject = objectPage.safeParse({ results: [contact(3, ["Zoë"])] });
    expect(notAnObject.error!.issues[0]!.path).toEqual(["results", 0, "properties"]);
  });
});

describe("HubSpot answers as sent", () => {
  const sent = (id: string, email: string) => ({
    id,
    properties: { email, firstname: "Zoë", lastname: "  Ñúñez-O'Brien ", hs_analytics_num_visits: 3, phone: null },
    createdAt: "2026-11-02T08:15:00.000Z",
    updatedAt: 1_764_524_712_345,
    archived: false,
    associations: { companies: { results: [{ id: "9001", type: "contact_to_company" }] } },
  });

  it("keep a page's well-formed records as HubSpot sent them, not copied; one needing a coercion is read as before", () => {
    const body = { total: 2, results: [sent("101", "zoe.nunez@example.com"), sent("102", "ANA@Example.org")] };
    const parsed = searchPage.parse(body);
    expect(parsed.results[0]).toBe(body.results[0]);
    expect(parsed.results[1]).toBe(body.results[1]);
    const mixed = { results: [sent("103", "x@example.com"), { ...sent("104", "y@example.com"), id: 104 }] };
    const read = objectPage.parse(mixed);
    expect(read.results.map((r) => r.id)).toEqual(["103", "104"]);
    expect(read.results[1]).toMatchObject({ properties: { lastname: "  Ñúñez-O'Brien " }, associations: mixed.results[1]!.associations });
    const events = { results: [{ id: "e1", objectType: "CONTACT", objectId: "2051", eventType: "e_visited_page", occurredAt: 1_764_524_712_345, properties: { hs_url: "/tarifs?é=1" } }] };
    expect(eventPage.parse(events).results[0]).toBe(events.results[0]);
  });

  it("refuse a time that is no finite number, and an event without its id, naming where", () => {
    const page = { total: 3, results: [sent("1", "a@example.com"), { ...sent("2", "b@example.com"), updatedAt: Infinity }, sent("3", "c@example.com")] };
    const bad = searchPage.safeParse(page);
    expect(bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual(["results.1.updatedAt: Invalid input"]);
    const events = eventPage.safeParse({ results: [{ objectId: "7", eventType: "e_visited_page", occurredAt: "2026-11-30T17:45:12.345Z", properties: { hs_title: "Über uns" } }] });
    expect(events.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual(["results.0.id: Invalid input: expected nonoptional, received undefined"]);
  });
});

describe("HubSpot event pages", () => {
  const event = (id: string, properties?: unknown) => ({
    id,
    objectType: "CONTACT",
    objectId: 2051,
    eventType: "e_visited_page",
    occurredAt: "2026-11-30T17:45:12.345Z",
    ...(properties === undefined ? {} : { properties }),
  });

  it("pass event properties through as HubSpot sent them, an event without properties as empty", () => {
    const parsed = eventPage.parse({
      results: [event("1784421164560-1", { hs_url: "https://www.exemple.fr/tarifs?é=1", hs_title: "Tarifs — Zoë", hs_visit_count: 3, hs_referrer: null }), event("e2")],
    });
    expect(parsed.results[0]).toMatchObject({
      objectId: "2051",
      properties: { hs_url: "https://www.exemple.fr/tarifs?é=1", hs_title: "Tarifs — Zoë", hs_visit_count: 3, hs_referrer: null },
    });
    expect(parsed.results[1]!.properties).toEqual({});
  });

  it("refuse an event property that is not a string, number, boolean or null, naming the event and the property", () => {
    const bad = eventPage.safeParse({ results: [event("e1", { hs_url: "/preise" }), event("e2", { hs_title: "Über uns", hs_utm: { source: "Ärzteblatt" } })] });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "results.1.properties.hs_utm: expected a string, number, boolean or null, got object",
    ]);
  });

  it("take ids as text and refuse an event without a type or a time, naming the event and the field", () => {
    const numbered = eventPage.parse({ results: [{ ...event("e1"), id: 1784421164560 }] });
    expect(numbered.results[0]).toMatchObject({ id: "1784421164560", objectId: "2051", objectType: "CONTACT", properties: {} });
    const untimed = { ...event("e2", { hs_title: "Über uns" }), occurredAt: undefined };
    const { eventType: _type, ...untyped } = event("e3", { hs_url: "https://www.exemple.fr/café" });
    for (const [results, said] of [
      [[event("e1"), untimed], "results.1.occurredAt: expected a string or number, got undefined"],
      [[event("e1"), event("e2"), untyped], "results.2.eventType: Invalid input: expected string, received undefined"],
      [[event("e1"), null], "results.1: Invalid input: expected object, received null"],
    ] as const) {
      const bad = eventPage.safeParse({ results });
      expect(bad.error!.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([said]);
    }
  });
});

describe("Salesforce query rows", () => {
  it("read fields as the query spelled them, or in another case, and related fields by their path", () => {
    const row = {
      attributes: { type: "Lead" },
      Id: "00Q5g00000AbCdE",
      Email: "zoe.muller@example.com",
      company: "Müller & Fils",
      Owner: { attributes: { type: "User" }, Email: "Rep.One@Example.com" },
      SystemModstamp: "2026-11-30T17:45:12.000+0000",
      LastModifiedDate: "2026-11-30T17:45:12.000+0000",
      Description: "T-shirt sizes: S, M, L",
    };
    const record = fromSalesforceRecord("Lead", row, ["Email", "Company", "Owner.Email", "owner.email", "LastModifiedDate", "Description", "Title"]);
    expect(record).toEqual({
      object: "Lead",
      id: "00Q5g00000AbCdE",
      modifiedAt: "2026-11-30T17:45:12.000Z",
      fields: {
        Email: "zoe.muller@example.com",
        Company: "Müller & Fils",
        "Owner.Email": "Rep.One@Example.com",
        "owner.email": "Rep.One@Example.com",
        LastModifiedDate: "2026-11-30T17:45:12.000Z",
        Description: "T-shirt sizes: S, M, L",
        Title: null,
      },
    });
  });
});
