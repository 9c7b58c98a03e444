// The HubSpot adapter against recorded, scrubbed HubSpot answers served by nock (fixtures under
// test/fixtures/hubspot-recorded/<method>/<path>.json): a search page, a 207 batch, a whole batch refused
// with 400 (bisected), a 429 DAILY and a 403 MISSING_SCOPES. @hubspot/api-client 13.5 sends through
// node-fetch 2 over Node's http/https, which nock intercepts. Every mock must be used.
import { readFileSync } from "node:fs";
import type Nock from "nock";
import { SystemError } from "../../src/sync/system-error.js";
import { createHubspotAdapter, type HubspotAdapter } from "../../src/systems/hubspot/adapter.js";
import { useRecordedHttp } from "../support/recorded-http.js";

const BASE = "https://api.hubapi.com";
const TOKEN = "pat-na1-00000000-0000-0000-0000-000000000000";

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function recorded(method: string, path: string): Recorded {
  const url = new URL(`../fixtures/hubspot-recorded/${method}${path}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Recorded;
}

function adapter(): HubspotAdapter {
  return createHubspotAdapter({
    accessToken: TOKEN,
    baseUrl: BASE,
    lookbackMs: 30_000,
    retry: { patienceMs: 2_000, minTimeoutMs: 10, maxTimeoutMs: 20 },
  });
}

const nock = useRecordedHttp();

interface SearchBody {
  filterGroups: { filters: { propertyName: string; operator: string; value?: string }[] }[];
  sorts: { propertyName: string; direction: string }[];
  properties: string[];
  limit: number;
}

it("reads a recorded search page: the request asks for the window, values come back canonical", async () => {
  const page = recorded("post", "/crm/v3/objects/contacts/search");
  let sent: SearchBody | undefined;
  nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
    .post("/crm/v3/objects/contacts/search", (body: SearchBody) => {
      sent = body;
      return true;
    })
    .reply(page.status, page.body as Nock.Body, page.headers);

  const hubspot = adapter();
  const pages = [];
  const from = { modifiedAt: "2024-05-01T09:00:00.000Z", lastId: "40" };
  for await (const p of hubspot.readChanges(
    "contacts",
    ["email", "firstname", "lastname", "jobtitle"],
    from,
    "2024-05-01T09:05:00.000Z",
  )) {
    pages.push(p);
  }

  expect(sent).toEqual({
    filterGroups: [
      {
        filters: [
          {
            propertyName: "lastmodifieddate",
            operator: "GTE",
            value: String(Date.parse("2024-05-01T08:59:30.000Z")),
          },
          {
            propertyName: "lastmodifieddate",
            operator: "LTE",
            value: String(Date.parse("2024-05-01T09:05:00.000Z")),
          },
        ],
      },
    ],
    sorts: [{ propertyName: "lastmodifieddate", direction: "ASCENDING" }],
    // A contact read with its email asks its additional emails too (a Lead may hold one of them).
    properties: ["email", "firstname", "lastname", "jobtitle", "hs_additional_emails", "lastmodifieddate"],
    limit: 200,
  });
  expect(pages).toHaveLength(1);
  expect(pages[0]!.records).toEqual([
    {
      object: "contacts",
      id: "51",
      fields: { email: "maria.garcia@example.com", firstname: "María", lastname: "García", jobtitle: null },
      modifiedAt: "2024-05-01T09:00:02.000Z",
    },
    {
      object: "contacts",
      id: "101",
      fields: { email: "jan.novak@example.org", firstname: "Jan", lastname: null, jobtitle: "Head of Ops" },
      modifiedAt: "2024-05-01T09:00:03.250Z",
    },
  ]);
  expect(pages[0]!.cursor).toEqual({ modifiedAt: "2024-05-01T09:00:03.250Z", lastId: "101" });
  expect(hubspot.apiCalls()).toBe(1);
});

it("maps a recorded 207: the input named in errors fails, the others succeed, in input order", async () => {
  const multi = recorded("post", "/crm/v3/objects/contacts/batch/update");
  nock(BASE)
    .post("/crm/v3/objects/contacts/batch/update")
    .reply(multi.status, multi.body as Nock.Body, multi.headers);

  const outcomes = await adapter().write("contacts", [
    { ref: "a", id: "201", fields: { hs_lead_status: "OPEN" } },
    { ref: "b", id: "202", fields: { hs_lead_status: "OPEN" } },
    { ref: "c", id: "203", fields: { hs_lead_status: "CONNECTED" } },
  ]);

  expect(outcomes).toEqual([
    { ref: "a", ok: true, id: "201", created: false },
    {
      ref: "b",
      ok: false,
      error: {
        errorClass: "data",
        code: "OBJECT_NOT_FOUND",
        message:
          "Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.",
      },
    },
    { ref: "c", ok: true, id: "203", created: false },
  ]);
});

it("bisects a batch HubSpot refuses whole (400) until the bad record is alone", async () => {
  const refused = recorded("post", "/crm/v3/objects/contacts/batch/create");
  const sizes: number[] = [];
  let nextId = 900;
  nock(BASE)
    .post("/crm/v3/objects/contacts/batch/create")
    .times(5)
    // nock 15 hands a reply function the fetch Request; its body is read asynchronously.
    .reply(async (request: Request) => {
      const { inputs } = (await request.json()) as { inputs: { properties: Record<string, string> }[] };
      sizes.push(inputs.length);
      if (inputs.some((i) => i.properties.lifecyclestage === "Zmanjšan")) {
        return [refused.status, refused.body as Nock.Body, refused.headers];
      }
      const results = inputs.map((i) => ({
        id: String(nextId++),
        properties: { ...i.properties, hs_object_id: String(nextId) },
        createdAt: "2024-05-01T09:20:00.000Z",
        updatedAt: "2024-05-01T09:20:00.000Z",
        archived: false,
      }));
      return [
        201,
        {
          status: "COMPLETE",
          results,
          startedAt: "2024-05-01T09:20:00.000Z",
          completedAt: "2024-05-01T09:20:00.050Z",
        },
      ];
    });

  const hubspot = adapter();
  const outcomes = await hubspot.write(
    "contacts",
    ["lead", "subscriber", "Zmanjšan", "lead"].map((stage, i) => ({
      ref: `r${i}`,
      fields: { firstname: `Person ${i}`, lifecyclestage: stage },
    })),
  );

  expect(sizes).toEqual([4, 2, 2, 1, 1]);
  expect(hubspot.apiCalls()).toBe(5);
  expect(outcomes.map((o) => o.ok)).toEqual([true, true, false, true]);
  expect(outcomes[0]).toEqual({ ref: "r0", ok: true, id: "900", created: true });
  expect(outcomes[3]).toEqual({ ref: "r3", ok: true, id: "902", created: true });
  const bad = outcomes[2]!;
  if (bad.ok) throw new Error("expected the bad record to fail");
  expect(bad.error).toMatchObject({
    errorClass: "data",
    code: "VALIDATION_ERROR",
    fields: ["lifecyclestage"],
  });
  expect(bad.error.message).toContain("Zmanjšan was not one of the allowed options");
});

it("stops on a recorded 429 DAILY without retrying, saying the daily limit is spent and when it resets", async () => {
  const daily = recorded("post", "/crm/v3/objects/contacts/batch/read");
  nock(BASE)
    .post("/crm/v3/objects/contacts/batch/read")
    .once()
    .reply(daily.status, daily.body as Nock.Body, daily.headers);

  const hubspot = adapter();
  const err: unknown = await hubspot.readByIds("contacts", ["1"], ["email"]).catch((e: unknown) => e);

  expect(err).toBeInstanceOf(SystemError);
  expect(err).toMatchObject({
    system: "hubspot",
    errorClass: "rate_limited",
    retriable: false,
    code: "429 DAILY",
  });
  expect((err as SystemError).message).toMatch(
    /daily API limit .* spent \(250000 calls a day\).*resets at midnight/,
  );
  expect(hubspot.apiCalls()).toBe(1);
});

it("names the missing scopes of a recorded 403 MISSING_SCOPES", async () => {
  const forbidden = recorded("get", "/crm/v3/owners");
  nock(BASE)
    .get("/crm/v3/owners")
    .query(true)
    .reply(forbidden.status, forbidden.body as Nock.Body, forbidden.headers);

  const hubspot = adapter();
  const err: unknown = await hubspot.listOwners().catch((e: unknown) => e);

  expect(err).toMatchObject({ errorClass: "auth", retriable: false, code: "MISSING_SCOPES" });
  expect((err as SystemError).message).toContain("crm.objects.owners.read");
  expect(hubspot.apiCalls()).toBe(1);
});
