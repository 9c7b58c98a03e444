// The Salesforce adapter against recorded REST API responses (test/fixtures/salesforce-recorded, laid out as
// <METHOD>/<path>.json): a query page with nextRecordsUrl, describes asked in one composite call, a
// collections upsert with per-record errors, and a 401 INVALID_SESSION_ID. nock intercepts jsforce 3.10.16's
// HTTP: jsforce sends through node-fetch 2 (jsforce src/request.ts), which uses node:http, so undici's
// MockAgent is not needed. Every mock must be used.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type Nock from "nock";
import { z } from "zod";
import { SystemError } from "../../src/sync/system-error.js";
import type { ChangePage } from "../../src/sync/system-port.js";
import { createSalesforceAdapter } from "../../src/systems/salesforce/index.js";
import { useRecordedHttp } from "../support/recorded-http.js";

const BASE = "https://leadloop-example.my.salesforce.com";
const FIXTURES = fileURLToPath(new URL("../fixtures/salesforce-recorded/", import.meta.url));
const RETRY = { patienceMs: 2_000, minTimeoutMs: 10, maxTimeoutMs: 20 };

const fixtureSchema = z.strictObject({
  request: z
    .strictObject({
      query: z.record(z.string(), z.string()).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    })
    .optional(),
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
});

/** Registers the recorded answer for METHOD path; the request must match what the fixture says was sent. */
function replay(method: "GET" | "PATCH" | "POST", path: string): void {
  const fixture = fixtureSchema.parse(JSON.parse(readFileSync(`${FIXTURES}${method}${path}.json`, "utf8")));
  const scope = nock(BASE);
  for (const [name, value] of Object.entries(fixture.request?.headers ?? {})) scope.matchHeader(name, value);
  const interceptor = scope.intercept(
    path,
    method,
    fixture.request?.body as Nock.RequestBodyMatcher | undefined,
  );
  if (fixture.request?.query) interceptor.query(fixture.request.query);
  interceptor.reply(fixture.status, fixture.body as Nock.Body, fixture.headers);
}

function adapter() {
  return createSalesforceAdapter({
    connection: { instanceUrl: BASE, accessToken: "recorded-token", apiVersion: "62.0" },
    retry: RETRY,
    // The recorded query is the strict compound window, which the reader sends without a look-back.
    lookbackMs: 0,
  });
}

const nock = useRecordedHttp();

it("reads a query page, follows nextRecordsUrl and returns canonical values", async () => {
  replay("GET", "/services/data/v62.0/query");
  replay("GET", "/services/data/v62.0/query/01gRO0000016PIAYA2-2000");
  const sf = await adapter();
  const pages: ChangePage[] = [];
  const from = { modifiedAt: "2026-11-21T10:00:00.000Z", lastId: "00Q5g00000LlAaAEAV" };
  const fields = ["Email", "NumberOfEmployees", "IsConverted", "Owner.Email"];
  for await (const page of sf.readChanges("Lead", fields, from, "2026-11-23T12:00:00.000Z")) pages.push(page);

  expect(pages.map((p) => p.records.map((r) => r.id))).toEqual([
    ["00Q5g00000LlBbBEAV", "00Q5g00000LlCcCEAV"],
    ["00Q5g00000LlDdDEAV"],
  ]);
  expect(pages[0]!.records[0]).toEqual({
    object: "Lead",
    id: "00Q5g00000LlBbBEAV",
    modifiedAt: "2026-11-21T10:00:00.000Z",
    fields: {
      Email: "Renee.Dupre@Example.fr",
      NumberOfEmployees: "250",
      IsConverted: "false",
      "Owner.Email": "rep.one@example.com",
    },
  });
  expect(pages[0]!.records[1]!.fields).toEqual({
    Email: null,
    NumberOfEmployees: null,
    IsConverted: "true",
    "Owner.Email": null,
  });
  expect(pages[1]!.cursor).toEqual({ modifiedAt: "2026-11-22T08:05:59.000Z", lastId: "00Q5g00000LlDdDEAV" });
  expect(sf.limitInfo()).toEqual({ used: 1205, max: 15000 });
  expect(sf.apiCalls()).toBe(2);
});

it("turns per-record errors of a collections upsert into failed outcomes and keeps the rest", async () => {
  // The objects a sync describes are asked in one composite call; here only Lead answers.
  replay("POST", "/services/data/v62.0/composite");
  replay("PATCH", "/services/data/v62.0/composite/sobjects/Lead/HubSpot_Contact_Id__c");
  const sf = await adapter();
  const description = await sf.describe("Lead");
  const status = description.fields.find((f) => f.name === "Status")!;
  expect(status).toMatchObject({
    type: "picklist",
    required: false,
    picklistValues: ["Open - Not Contacted", "Working - Contacted"],
  });
  expect(description.fields.find((f) => f.name === "LastName")).toMatchObject({ required: true, length: 80 });

  const upsertOn = "HubSpot_Contact_Id__c";
  const outcomes = await sf.write("Lead", [
    {
      ref: "a",
      upsertOn,
      fields: {
        HubSpot_Contact_Id__c: "hs-101",
        LastName: "Dupré",
        Company: "Société Générale de Test",
        NumberOfEmployees: "250",
        HasOptedOutOfEmail: "false",
        Email: " ",
      },
    },
    {
      ref: "b",
      upsertOn,
      fields: {
        HubSpot_Contact_Id__c: "hs-102",
        LastName: "O'Brien",
        Company: "Acme",
        NumberOfEmployees: "",
        HasOptedOutOfEmail: "TRUE",
        Email: "j.obrien@example.ie",
      },
    },
    {
      ref: "c",
      upsertOn,
      fields: {
        HubSpot_Contact_Id__c: "hs-103",
        LastName: "Nakamura",
        Company: "",
        NumberOfEmployees: "3",
        HasOptedOutOfEmail: "false",
        Email: "k.nakamura@example.jp",
      },
    },
  ]);
  expect(outcomes).toEqual([
    { ref: "a", ok: true, id: "00Q5g00000LlEeEEAV", created: true },
    {
      ref: "b",
      ok: false,
      error: {
        errorClass: "conflict",
        code: "DUPLICATES_DETECTED",
        message: expect.stringContaining(
          'Standard_Rule_for_Leads_with_Duplicate_Leads matched Lead 00Q5g00000LlDdDEAV ("Use one of these records?")',
        ),
      },
    },
    {
      ref: "c",
      ok: false,
      error: {
        errorClass: "data",
        code: "REQUIRED_FIELD_MISSING",
        message: "Required fields are missing: [Company]",
        fields: ["Company"],
      },
    },
  ]);
});

it("reports a 401 INVALID_SESSION_ID on a fixed token as an auth error, sent once", async () => {
  replay("GET", "/services/data/v62.0/sobjects/Campaign/describe");
  const sf = await adapter();
  const err = await sf.describe("Campaign").then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SystemError);
  expect(err).toMatchObject({ errorClass: "auth", code: "INVALID_SESSION_ID", retriable: false });
  expect((err as SystemError).message).toMatch(/cannot be refreshed/);
  expect(sf.apiCalls()).toBe(1);
});
