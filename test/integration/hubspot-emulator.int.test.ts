// Drives the real @hubspot/api-client against the HubSpot emulator over loopback, checking the emulator
// answers with HubSpot's documented shapes, limits, partial failures and errors.
import { Client } from "@hubspot/api-client";
import { DEFAULT_SEARCH_LAG_MS, type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { FUNNEL_PROPERTIES } from "../../src/systems/hubspot/leadloop-properties.js";

interface ClientFailure {
  code: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

function clientFor(emulator: HubspotEmulator, accessToken = emulator.accessToken): Client {
  return new Client({
    accessToken,
    basePath: emulator.url,
    numberOfApiCallRetries: 0,
    // The client throttles itself to 9 calls a second by default; the emulator's own limits are under test.
    limiterOptions: { minTime: 0, maxConcurrent: 20 },
  });
}

/** The ApiException a client call fails with (its `code`, parsed `body` and `headers`). */
async function failureOf(call: Promise<unknown>): Promise<ClientFailure> {
  try {
    await call;
  } catch (err) {
    const e = err as { code?: unknown; body?: unknown; headers?: unknown };
    if (typeof e.code !== "number") throw err;
    const body = typeof e.body === "string" ? (JSON.parse(e.body) as Record<string, unknown>) : e.body;
    return {
      code: e.code,
      body: (body ?? {}) as Record<string, unknown>,
      headers: (e.headers ?? {}) as Record<string, string>,
    };
  }
  throw new Error("expected the call to fail");
}

async function raw(
  emulator: HubspotEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${emulator.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${emulator.accessToken}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const LONG_TITLE = `Directrice générale adjointe ${"é".repeat(1500)}`;

describe("HubSpot emulator driven by @hubspot/api-client", () => {
  let emulator: HubspotEmulator;
  let hubspot: Client;

  beforeAll(async () => {
    // These tests search right after writing in real time; the index lag has tests of its own below.
    emulator = await startHubspotEmulator({
      searchLagMs: 0,
      limits: { burstPer10Seconds: 100_000, searchPerSecond: 1000 },
    });
    hubspot = clientFor(emulator);
  });

  afterAll(async () => {
    await emulator.close();
  });

  afterEach(async () => {
    await emulator.control.clearFaults();
  });

  it("refuses a bad token with 401 INVALID_AUTHENTICATION", async () => {
    const failure = await failureOf(clientFor(emulator, "wrong-token").crm.contacts.basicApi.getPage(10));
    expect(failure.code).toBe(401);
    expect(failure.body.category).toBe("INVALID_AUTHENTICATION");
    expect(failure.body.status).toBe("error");
    expect(typeof failure.body.correlationId).toBe("string");
  });

  it("creates a contact with accents and reads it back by email, case-insensitively", async () => {
    const created = await hubspot.crm.contacts.basicApi.create({
      properties: {
        email: "Zoe.Angstrom@Exemple.FR",
        firstname: "Zoë",
        lastname: "Ångström-Núñez",
        jobtitle: LONG_TITLE,
        phone: "",
      },
      associations: [],
    });
    expect(created.properties.email).toBe("zoe.angstrom@exemple.fr");
    expect(created.properties.hs_object_id).toBe(created.id);

    const byEmail = await hubspot.crm.contacts.basicApi.getById(
      "ZOE.ANGSTROM@exemple.fr",
      ["firstname", "lastname", "jobtitle", "phone"],
      undefined,
      undefined,
      false,
      "email",
    );
    expect(byEmail.id).toBe(created.id);
    expect(byEmail.properties.firstname).toBe("Zoë");
    expect(byEmail.properties.lastname).toBe("Ångström-Núñez");
    expect(byEmail.properties.jobtitle).toBe(LONG_TITLE);
    // A blank value is no value: HubSpot answers null for it.
    expect(byEmail.properties.phone).toBeNull();
    expect(byEmail.createdAt).toBeInstanceOf(Date);
  });

  it("answers 409 CONFLICT naming the existing id for a duplicate email in another case", async () => {
    const first = emulator.data.createObject("contacts", {
      email: "marie.curie@radium.example",
      firstname: "Marie",
    });
    const failure = await failureOf(
      hubspot.crm.contacts.basicApi.create({
        properties: { email: "Marie.Curie@RADIUM.example" },
        associations: [],
      }),
    );
    expect(failure.code).toBe(409);
    expect(failure.body.category).toBe("CONFLICT");
    expect(failure.body.message).toBe(`Contact already exists. Existing ID: ${first.id}`);
  });

  it("pages a list with `after` until there is no next page", async () => {
    const names = Array.from({ length: 23 }, (_, i) => `Société ${String(i).padStart(2, "0")} S.A.`);
    for (const name of names)
      emulator.data.createObject("companies", { name, domain: `${name.slice(-5, -4)}.example` });
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await hubspot.crm.companies.basicApi.getPage(10, after, ["name"]);
      pages++;
      seen.push(...page.results.map((r) => r.properties.name ?? ""));
      after = page.paging?.next?.after;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
  });

  it("bumps the modified date on every write, even when the value is unchanged", async () => {
    const at = new Date("2024-03-01T10:00:00.000Z");
    const contact = emulator.data.createObject(
      "contacts",
      { email: "same@value.example", firstname: "Léa" },
      at,
    );
    expect(contact.properties.lastmodifieddate).toBe(at.toISOString());
    const updated = await hubspot.crm.contacts.basicApi.update(contact.id, {
      properties: { firstname: "Léa" },
    });
    expect(updated.properties.firstname).toBe("Léa");
    expect(Date.parse(updated.properties.lastmodifieddate ?? "")).toBeGreaterThan(at.getTime());
    expect(updated.properties.createdate).toBe(at.toISOString());
  });

  it("searches with OR groups, typed comparisons, one sort and offset paging", async () => {
    const base = Date.parse("2025-01-10T00:00:00.000Z");
    const people = [
      ["ana@acme.example", "lead", "9"],
      ["bo@acme.example", "marketingqualifiedlead", "10"],
      ["cy@other.example", "marketingqualifiedlead", "100"],
      ["di@other.example", "customer", "2"],
      ["ed@acme.example", "subscriber", undefined],
    ] as const;
    people.forEach(([email, stage, score], i) => {
      const c = emulator.data.createObject(
        "contacts",
        { email, lifecyclestage: stage, firstname: `Search${i}` },
        new Date(base + i * 3_600_000),
      );
      if (score)
        emulator.data.createObject("companies", { name: `Searchco ${email}`, numberofemployees: score });
      expect(c.properties.createdate).toBe(new Date(base + i * 3_600_000).toISOString());
    });

    const mqlOrAcme = await hubspot.crm.contacts.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: "lifecyclestage", operator: "EQ" as never, value: "marketingqualifiedlead" },
            { propertyName: "firstname", operator: "CONTAINS_TOKEN" as never, value: "search*" },
          ],
        },
        {
          filters: [{ propertyName: "email", operator: "CONTAINS_TOKEN" as never, value: "*@acme.example" }],
        },
      ],
      sorts: [{ propertyName: "createdate", direction: "DESCENDING" }] as unknown as string[],
      properties: ["email", "lifecyclestage"],
      limit: 2,
      after: "0",
    });
    expect(mqlOrAcme.total).toBe(4);
    expect(mqlOrAcme.results.map((r) => r.properties.email)).toEqual(["ed@acme.example", "cy@other.example"]);
    expect(mqlOrAcme.paging?.next?.after).toBe("2");

    const rest = await hubspot.crm.contacts.searchApi.doSearch({
      filterGroups: [],
      query: "acme.example",
      sorts: [{ propertyName: "createdate", direction: "ASCENDING" }] as unknown as string[],
      properties: ["email"],
      limit: 10,
      after: "1",
    });
    expect(rest.results.map((r) => r.properties.email)).toEqual(["bo@acme.example", "ed@acme.example"]);
    expect(rest.paging).toBeUndefined();

    // Dates compare as instants whether the filter gives epoch milliseconds or ISO.
    const since = await hubspot.crm.contacts.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: "createdate", operator: "GTE" as never, value: String(base + 2 * 3_600_000) },
            { propertyName: "createdate", operator: "LT" as never, value: "2025-01-10T04:00:00Z" },
          ],
        },
      ],
      properties: ["email"],
      limit: 10,
    });
    expect(since.results.map((r) => r.properties.email)).toEqual(["cy@other.example", "di@other.example"]);

    // Numbers compare numerically: "9" < "10" < "100".
    const big = await hubspot.crm.companies.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: "numberofemployees", operator: "GT" as never, value: "9" },
            { propertyName: "name", operator: "CONTAINS_TOKEN" as never, value: "searchco" },
          ],
        },
      ],
      sorts: [{ propertyName: "numberofemployees", direction: "ASCENDING" }] as unknown as string[],
      properties: ["numberofemployees"],
      limit: 10,
    });
    expect(big.results.map((r) => r.properties.numberofemployees)).toEqual(["10", "100"]);

    const inAndMissing = await hubspot.crm.contacts.searchApi.doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: "lifecyclestage", operator: "IN" as never, values: ["customer", "lead"] },
            { propertyName: "firstname", operator: "HAS_PROPERTY" as never },
          ],
        },
      ],
      properties: ["email"],
      limit: 10,
    });
    expect(inAndMissing.results.map((r) => r.properties.email).sort()).toEqual([
      "ana@acme.example",
      "di@other.example",
    ]);
  });

  it("refuses searches past the documented limits", async () => {
    const tooManyGroups = Array.from({ length: 6 }, () => ({
      filters: [{ propertyName: "email", operator: "HAS_PROPERTY" as never }],
    }));
    const groups = await failureOf(
      hubspot.crm.contacts.searchApi.doSearch({ filterGroups: tooManyGroups, limit: 1 }),
    );
    expect(groups.code).toBe(400);
    expect(groups.body.category).toBe("VALIDATION_ERROR");
    expect(String(groups.body.message)).toContain("filter groups");

    const bigPage = await failureOf(
      hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 201 }),
    );
    expect(bigPage.code).toBe(400);

    const stringSorts = await raw(emulator, "POST", "/crm/v3/objects/contacts/search", {
      sorts: ["createdate"],
    });
    expect(stringSorts.status).toBe(400);
  });

  it("refuses an IN or NOT_IN filter of more than 100 values, and answers one of 100", async () => {
    // Short addresses, so 101 of them stay within the search's 3,000 characters (tested on its own below).
    const emails = (n: number) => Array.from({ length: n }, (_, i) => `fé${String(i).padStart(3, "0")}@ex.co`);
    for (const operator of ["IN", "NOT_IN"] as const) {
      const tooMany = await raw(emulator, "POST", "/crm/v3/objects/contacts/search", {
        filterGroups: [{ filters: [{ propertyName: "email", operator, values: emails(101) }] }],
        limit: 1,
      });
      expect(tooMany.status).toBe(400);
      const body = (await tooMany.json()) as { category: string; message: string };
      expect(body.category).toBe("VALIDATION_ERROR");
      expect(body.message).toContain("The maximum is 100");
    }
    const hundred = await raw(emulator, "POST", "/crm/v3/objects/contacts/search", {
      filterGroups: [{ filters: [{ propertyName: "email", operator: "IN", values: emails(100) }] }],
      limit: 1,
    });
    expect(hundred.status).toBe(200);
  });

  it("refuses a search body of more than 3,000 characters with 400, and counts only the query when told to", async () => {
    // Look-ups by email of 70-odd characters each: 39 of them are 2,969 characters, 40 are 3,041.
    const emails = Array.from({ length: 40 }, (_, i) => `françoise.dupont-${String(i).padStart(3, "0")}.${"x".repeat(32)}@exämple-long.co`);
    const properties = Array.from({ length: 60 }, (_, i) => `leadloop_field_${String(i).padStart(2, "0")}`);
    const body = (values: string[], props?: string[]) => ({
      filterGroups: [{ filters: [{ propertyName: "email", operator: "IN", values }] }],
      sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
      ...(props ? { properties: props } : {}),
      limit: 10,
    });
    const fits = emails.slice(0, 39);
    expect(JSON.stringify(body(fits)).length).toBeLessThanOrEqual(3_000);
    expect(JSON.stringify(body(emails)).length).toBeGreaterThan(3_000);

    expect((await raw(emulator, "POST", "/crm/v3/objects/contacts/search", body(fits))).status).toBe(200);
    for (const tooLong of [body(emails), body(fits, properties)]) {
      const answer = await raw(emulator, "POST", "/crm/v3/objects/contacts/search", tooLong);
      expect(answer.status).toBe(400);
      const refusal = (await answer.json()) as { category: string; message: string };
      expect(refusal.category).toBe("VALIDATION_ERROR");
      expect(refusal.message).toContain("3000");
    }

    const lenient = await startHubspotEmulator({ searchLagMs: 0, searchLimitCounts: "query" });
    try {
      expect((await raw(lenient, "POST", "/crm/v3/objects/contacts/search", body(fits, properties))).status).toBe(200);
      expect((await raw(lenient, "POST", "/crm/v3/objects/contacts/search", body(emails))).status).toBe(400);
    } finally {
      await lenient.close();
    }
  });

  it("answers records tied on the sort in no id order it promises: highest id first, or lowest with searchTies: \"id\"", async () => {
    const at = new Date(Date.UTC(2025, 5, 2, 9, 30, 0, 250));
    const ids = ["Zoé", "Ana", "Étienne"].map(
      (firstname, i) => emulator.data.createObject("companies", { name: `${firstname} Électricité ${i}`, domain: `tie-${i}.example` }, at).id,
    );
    const window = {
      filterGroups: [
        {
          filters: [
            { propertyName: "hs_lastmodifieddate", operator: "GTE", value: String(at.getTime()) },
            { propertyName: "hs_lastmodifieddate", operator: "LTE", value: String(at.getTime()) },
          ],
        },
      ],
      sorts: [{ propertyName: "hs_lastmodifieddate", direction: "ASCENDING" }],
      limit: 2,
    };
    // Through the modified-date index (a change window) and through a plain filter: the same order.
    const byDomain = {
      filterGroups: [{ filters: [{ propertyName: "domain", operator: "CONTAINS_TOKEN", value: "tie-*" }] }],
      sorts: [{ propertyName: "hs_lastmodifieddate", direction: "ASCENDING" }],
      limit: 2,
    };
    const idsOf = async (target: HubspotEmulator, body: unknown): Promise<string[]> => {
      const answer = await raw(target, "POST", "/crm/v3/objects/companies/search", body);
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { results: { id: string }[] }).results.map((r) => r.id);
    };
    const highestFirst = [...ids].sort((a, b) => Number(b) - Number(a));
    expect(await idsOf(emulator, window)).toEqual(highestFirst.slice(0, 2));
    expect(await idsOf(emulator, { ...window, after: "2" })).toEqual(highestFirst.slice(2));
    expect(await idsOf(emulator, byDomain)).toEqual(highestFirst.slice(0, 2));

    const lenient = await startHubspotEmulator({ searchLagMs: 0, searchTies: "id" });
    try {
      const lenientIds = [0, 1, 2].map(
        (i) => lenient.data.createObject("companies", { name: `Tie ${i}`, domain: `tie-${i}.example` }, at).id,
      );
      expect(await idsOf(lenient, window)).toEqual(lenientIds.slice(0, 2));
      expect(await idsOf(lenient, byDomain)).toEqual(lenientIds.slice(0, 2));
    } finally {
      await lenient.close();
    }
  });

  // A client that follows `paging.next` is led to the cap and refused there (activepieces/activepieces
  // #10160: paging "beyond 10k results" keeps failing), not told the results ended.
  it("caps search at 10,000 results: the last page's next leads past it, and paging past it is a 400", async () => {
    for (let i = 0; i < 10_050; i++) emulator.data.createObject("notes", { hs_note_body: `Note n°${i}` });
    const nearEnd = await hubspot.crm.objects.notes.searchApi.doSearch({
      filterGroups: [],
      limit: 200,
      after: "9900",
    });
    expect(nearEnd.total).toBe(10_050);
    expect(nearEnd.results).toHaveLength(100);
    expect(nearEnd.paging?.next?.after).toBe("10000");
    const past = await failureOf(
      hubspot.crm.objects.notes.searchApi.doSearch({ filterGroups: [], limit: 100, after: "10000" }),
    );
    expect(past.code).toBe(400);
    expect(past.body.category).toBe("VALIDATION_ERROR");
  });

  it("refuses a batch of 101 inputs with 400", async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({
      properties: { email: `bulk${i}@cap.example` },
      associations: [],
    }));
    const failure = await failureOf(hubspot.crm.contacts.batchApi.create({ inputs }));
    expect(failure.code).toBe(400);
    expect(failure.body.category).toBe("VALIDATION_ERROR");
    expect(
      emulator.data.listObjects("contacts").some((c) => c.properties.email === "bulk0@cap.example"),
    ).toBe(false);
  });

  // The associations batch read takes up to 1,000 ids (developer changelog, "Bug Fix: Batch Read Limit for
  // HubSpot Associations API", 2025-02-10); the batch associate keeps the batch limit of 100.
  it("reads associations of 1,000 records in one batch and refuses 1,001", async () => {
    const company = emulator.data.createObject("companies", { name: "Société Générale d'Études" });
    const ids = Array.from({ length: 1000 }, (_, i) => {
      const contact = emulator.data.createObject("contacts", { email: `assoc${i}@etudes.example`, firstname: i % 2 ? "Zoé" : "André" });
      if (i % 3 === 0) emulator.data.associate("contacts", contact.id, "companies", company.id);
      return contact.id;
    });
    const read = await raw(emulator, "POST", "/crm/v4/associations/contacts/companies/batch/read", { inputs: ids.map((id) => ({ id })) });
    const body = (await read.json()) as { results: { from: { id: string } }[] };
    expect(body.results).toHaveLength(334);
    const refused = await raw(emulator, "POST", "/crm/v4/associations/contacts/companies/batch/read", {
      inputs: [...ids, "1"].map((id) => ({ id })),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { category: string }).category).toBe("VALIDATION_ERROR");
    const tooMany = await raw(emulator, "POST", "/crm/v4/associations/contacts/companies/batch/associate/default", {
      inputs: ids.slice(0, 101).map((id) => ({ from: { id }, to: { id: company.id } })),
    });
    expect(tooMany.status).toBe(400);
  });

  it("pages each record's associations in a batch read, 100 at a time, with the after of its own page", async () => {
    const company = emulator.data.createObject("companies", { name: "Ørsted Vindkraft A/S" });
    const many = Array.from({ length: 230 }, (_, i) => {
      const contact = emulator.data.createObject("contacts", { email: `vind${i}@orsted.example`, firstname: i % 2 ? "Søren" : "Åse" });
      emulator.data.associate("companies", company.id, "contacts", contact.id);
      return contact.id;
    });
    const few = emulator.data.createObject("companies", { name: "Blåvand Fiskeri" });
    emulator.data.associate("companies", few.id, "contacts", many[0]!);
    type Page = { results: { from: { id: string }; to: { toObjectId: number }[]; paging?: { next: { after: string } } }[] };
    const read = async (inputs: { id: string; after?: string }[]) =>
      (await (await raw(emulator, "POST", "/crm/v4/associations/companies/contacts/batch/read", { inputs })).json()) as Page;
    const first = await read([{ id: company.id }, { id: few.id }]);
    const big = first.results.find((r) => r.from.id === company.id)!;
    expect(big.to).toHaveLength(100);
    expect(first.results.find((r) => r.from.id === few.id)).not.toHaveProperty("paging");
    const seen = big.to.map((t) => String(t.toObjectId));
    let after = big.paging?.next.after;
    while (after) {
      const next = (await read([{ id: company.id, after }])).results[0]!;
      seen.push(...next.to.map((t) => String(t.toObjectId)));
      after = next.paging?.next.after;
    }
    expect(seen.sort()).toEqual([...many].sort());
  });

  // HubSpot's batch create reference: without an objectWriteTraceId on every input, one invalid input
  // refuses the whole batch and nothing is written.
  it("refuses a whole batch create for one invalid input when the inputs carry no trace ids", async () => {
    const failure = await failureOf(
      hubspot.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: "fine1@whole.example", firstname: "Zoë" }, associations: [] },
          { properties: { email: "bad-enum@whole.example", lifecyclestage: "hot_lead" }, associations: [] },
        ],
      }),
    );
    expect(failure.code).toBe(400);
    expect(failure.body.category).toBe("VALIDATION_ERROR");
    expect(JSON.stringify(failure.body)).toContain("hot_lead");
    const emails = emulator.data.listObjects("contacts").map((c) => c.properties.email);
    expect(emails).not.toContain("fine1@whole.example");
  });

  it("refuses a whole batch create with 409 when one contact's email exists", async () => {
    emulator.data.createObject("contacts", { email: "taken@whole.example" });
    const failure = await failureOf(
      hubspot.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: "fresh@whole.example" }, associations: [] },
          { properties: { email: "Taken@Whole.example" }, associations: [] },
        ],
      }),
    );
    expect(failure.code).toBe(409);
    expect(failure.body.category).toBe("CONFLICT");
    expect(emulator.data.listObjects("contacts").map((c) => c.properties.email)).not.toContain("fresh@whole.example");
  });

  it("refuses a whole batch update for one invalid value or an id given twice, and answers 207 for a missing id", async () => {
    const a = emulator.data.createObject("contacts", { email: "a@update.example", firstname: "Ana" });
    const b = emulator.data.createObject("contacts", { email: "b@update.example", firstname: "Bea" });
    const invalid = await failureOf(
      hubspot.crm.contacts.batchApi.update({
        inputs: [
          { id: a.id, properties: { firstname: "Anaïs" }, objectWriteTraceId: "0" },
          { id: b.id, properties: { lifecyclestage: "hot_lead" }, objectWriteTraceId: "1" },
        ],
      }),
    );
    expect(invalid.code).toBe(400);
    expect(emulator.data.getObject("contacts", a.id)?.properties.firstname).toBe("Ana");
    const twice = await failureOf(
      hubspot.crm.contacts.batchApi.update({
        inputs: [
          { id: a.id, properties: { firstname: "Anaïs" } },
          { id: a.id, properties: { lastname: "Nin" } },
        ],
      }),
    );
    expect(twice.code).toBe(400);
    expect(JSON.stringify(twice.body)).toContain("Duplicate IDs");
    const missing = await hubspot.crm.contacts.batchApi.updateWithHttpInfo({
      inputs: [
        { id: a.id, properties: { firstname: "Anaïs" } },
        { id: "99999999", properties: { firstname: "Nobody" } },
      ],
    });
    expect(missing.httpStatusCode).toBe(207);
    expect(emulator.data.getObject("contacts", a.id)?.properties.firstname).toBe("Anaïs");
  });

  it("writes the good records of a batch whose inputs all carry trace ids, and answers 207 with one error per bad record", async () => {
    await emulator.control.addFaults({
      records: [
        {
          object: "contacts",
          field: "company",
          equals: "Poison Pill GmbH",
          message: "Injected: company blocked",
        },
      ],
    });
    const properties: Record<string, string>[] = [
      { email: "good1@batch.example", firstname: "Günther" },
      { email: "bad-prop@batch.example", favourite_colour: "teal" },
      { email: "good2@batch.example", lifecyclestage: "lead" },
      { email: "bad-enum@batch.example", lifecyclestage: "hot_lead" },
      { email: "fault@batch.example", company: "poison pill gmbh" },
      { email: "GOOD3@Batch.example" },
    ];
    const info = await hubspot.crm.contacts.batchApi.createWithHttpInfo({
      inputs: properties.map((p, i) => ({ properties: p, associations: [], objectWriteTraceId: String(i) })),
    });
    expect(info.httpStatusCode).toBe(207);
    const result = info.data;
    expect("numErrors" in result ? result.numErrors : 0).toBe(3);
    expect(result.results.map((r) => r.properties.email).sort()).toEqual([
      "good1@batch.example",
      "good2@batch.example",
      "good3@batch.example",
    ]);
    const errors = "errors" in result ? (result.errors ?? []) : [];
    expect(errors.map((e) => e.category)).toEqual([
      "VALIDATION_ERROR",
      "VALIDATION_ERROR",
      "VALIDATION_ERROR",
    ]);
    expect(errors[0]?.message).toContain('Property \\"favourite_colour\\" does not exist');
    expect(errors[0]?.errors[0]?._in).toBe("inputs[1]");
    expect(errors[1]?.message).toContain("hot_lead was not one of the allowed options");
    expect(errors[1]?.context.propertyName ?? errors[1]?.errors[0]?.context?.propertyName).toEqual([
      "lifecyclestage",
    ]);
    expect(errors[2]?.message).toContain("Injected: company blocked");
    const emails = emulator.data.listObjects("contacts").map((c) => c.properties.email);
    expect(emails).toContain("good3@batch.example");
    expect(emails).not.toContain("bad-enum@batch.example");
    expect(emails).not.toContain("fault@batch.example");
  });

  it("answers 201 for a batch create where every record is good, with v3 associations", async () => {
    const company = emulator.data.createObject("companies", {
      name: "Łódź Logistics",
      domain: "lodz.example",
    });
    const info = await hubspot.crm.contacts.batchApi.createWithHttpInfo({
      inputs: [
        {
          properties: { email: "ola@lodz.example", firstname: "Ola", lifecyclestage: "lead" },
          associations: [
            {
              to: { id: company.id },
              types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 279 }],
            },
          ],
        },
        { properties: { email: "piotr@lodz.example", numemployees: "25-50" }, associations: [] },
      ],
    });
    expect(info.httpStatusCode).toBe(201);
    expect(info.data.status).toBe("COMPLETE");
    expect("numErrors" in info.data ? info.data.numErrors : undefined).toBeUndefined();
    const ola = info.data.results.find((r) => r.properties.email === "ola@lodz.example");
    expect(emulator.data.associationsOf("contacts", ola!.id, "companies").map((l) => l.toId)).toEqual([
      company.id,
    ]);
  });

  it("keeps each property's history and answers it on a batch read, newest first, 50 inputs at most", async () => {
    const created = new Date("2025-03-03T08:00:00.000Z");
    const contact = emulator.data.createObject("contacts", { email: "ines.muller@bergbahn.at", jobtitle: "Einkäuferin" }, created);
    emulator.data.updateObject("contacts", contact.id, { jobtitle: "Leiterin Einkauf" }, new Date("2025-03-04T09:30:00.000Z"));
    await raw(emulator, "PATCH", `/crm/v3/objects/contacts/${contact.id}`, { properties: { jobtitle: "Leiterin Einkauf & Logistik" } });
    emulator.data.updateObject("contacts", contact.id, { hs_analytics_num_page_views: "3" }, undefined, { sourceType: "ANALYTICS" });

    const res = await raw(emulator, "POST", "/crm/v3/objects/contacts/batch/read", {
      inputs: [{ id: contact.id }],
      properties: ["email"],
      propertiesWithHistory: ["jobtitle", "email", "firstname", "no_such_property"],
    });
    expect(res.status).toBe(200);
    const [result] = ((await res.json()) as { results: { propertiesWithHistory: Record<string, unknown[]> }[] }).results;
    const history = result!.propertiesWithHistory;
    expect(Object.keys(history).sort()).toEqual(["email", "firstname", "jobtitle"]);
    expect(history.jobtitle).toEqual([
      { value: "Leiterin Einkauf & Logistik", timestamp: expect.any(String), sourceType: "INTEGRATION", sourceId: expect.any(String) },
      { value: "Leiterin Einkauf", timestamp: "2025-03-04T09:30:00.000Z", sourceType: "CRM_UI", sourceId: expect.any(String) },
      { value: "Einkäuferin", timestamp: "2025-03-03T08:00:00.000Z", sourceType: "CRM_UI", sourceId: expect.any(String) },
    ]);
    // A page view moves the contact's modified date, not the history of its job title.
    expect(history.email).toEqual([expect.objectContaining({ value: "ines.muller@bergbahn.at", timestamp: "2025-03-03T08:00:00.000Z" })]);
    expect(history.firstname).toEqual([]);

    const tooMany = await raw(emulator, "POST", "/crm/v3/objects/contacts/batch/read", {
      inputs: Array.from({ length: 51 }, (_, i) => ({ id: String(10_001 + i) })),
      propertiesWithHistory: ["jobtitle"],
    });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { message: string }).message).toMatch(
      /maximum number of inputs supported in a batch request for property histories is 50/,
    );
  });

  it("upserts by email, updates by id and reads by idProperty, reporting missing ids", async () => {
    const existing = emulator.data.createObject("contacts", {
      email: "upsert.me@batch.example",
      firstname: "Old",
    });
    const upserted = await hubspot.crm.contacts.batchApi.upsert({
      inputs: [
        { id: "UPSERT.ME@batch.example", idProperty: "email", properties: { firstname: "Nouveau" } },
        { id: "brand.new@batch.example", idProperty: "email", properties: { firstname: "Brand" } },
      ],
    });
    const byEmail = new Map(upserted.results.map((r) => [r.properties.email, r]));
    expect(byEmail.get("upsert.me@batch.example")?.id).toBe(existing.id);
    expect(byEmail.get("upsert.me@batch.example")?._new).toBe(false);
    expect(byEmail.get("brand.new@batch.example")?._new).toBe(true);
    expect(emulator.data.getObject("contacts", existing.id)?.properties.firstname).toBe("Nouveau");

    const updated = await hubspot.crm.contacts.batchApi.update({
      inputs: [
        { id: existing.id, properties: { lastname: "Çelik" } },
        { id: "999999999", properties: { lastname: "Nobody" } },
      ],
    });
    expect(updated.results.map((r) => r.properties.lastname)).toEqual(["Çelik"]);
    const updateErrors = "errors" in updated ? (updated.errors ?? []) : [];
    expect(updateErrors.map((e) => e.category)).toEqual(["OBJECT_NOT_FOUND"]);
    expect(updateErrors[0]?.context.ids).toEqual(["999999999"]);

    const read = await hubspot.crm.contacts.batchApi.read({
      inputs: [{ id: "Upsert.Me@Batch.Example" }, { id: "missing@batch.example" }],
      idProperty: "email",
      properties: ["firstname", "lastname"],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.properties.lastname)).toEqual(["Çelik"]);
    const readErrors = "errors" in read ? (read.errors ?? []) : [];
    expect(readErrors[0]?.category).toBe("OBJECT_NOT_FOUND");
    expect(readErrors[0]?.context.ids).toEqual(["missing@batch.example"]);
  });

  it("keeps a unique property's value on one record: a second create or update with it is refused, the holder's own write is not", async () => {
    await hubspot.crm.properties.coreApi.create("contacts", {
      name: "crm_record_id",
      label: "CRM record id",
      type: "string" as never,
      fieldType: "text" as never,
      groupName: "contactinformation",
      hasUniqueValue: true,
    });
    const holder = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "zoé.brunet@unique.example", crm_record_id: "00QAb000001ÉtéAAA" },
      associations: [],
    });
    const second = await failureOf(
      hubspot.crm.contacts.basicApi.create({
        properties: { email: "Noa.Brunet@unique.example", crm_record_id: "00QAb000001ÉtéAAA" },
        associations: [],
      }),
    );
    expect(second.code).toBe(400);
    expect(second.body.category).toBe("VALIDATION_ERROR");
    expect(String(second.body.message)).toContain("INVALID_UNIQUE_VALUE");
    expect(String(second.body.message)).toContain(`contacts ${holder.id}`);

    const other = await hubspot.crm.contacts.basicApi.create({ properties: { email: "noa.brunet@unique.example" }, associations: [] });
    const batch = await failureOf(
      hubspot.crm.contacts.batchApi.update({
        inputs: [
          { id: other.id, properties: { crm_record_id: "00QAb000001ÉtéAAA" } },
          { id: holder.id, properties: { firstname: "Zoé" } },
        ],
      }),
    );
    expect(batch.code).toBe(400);
    expect(emulator.data.getObject("contacts", other.id)?.properties.crm_record_id ?? null).toBeNull();
    expect(emulator.data.getObject("contacts", holder.id)?.properties.firstname ?? null).toBeNull();

    // The holder writes its own value again, and once it gives the value up another record may take it.
    await hubspot.crm.contacts.basicApi.update(holder.id, { properties: { crm_record_id: "00QAb000001ÉtéAAA", firstname: "Zoé" } });
    await hubspot.crm.contacts.basicApi.update(holder.id, { properties: { crm_record_id: "003Ab000002XyzAAA" } });
    await hubspot.crm.contacts.basicApi.update(other.id, { properties: { crm_record_id: "00QAb000001ÉtéAAA" } });
    const found = await raw(emulator, "GET", "/crm/v3/objects/contacts/00QAb000001%C3%89t%C3%A9AAA?idProperty=crm_record_id");
    expect(((await found.json()) as { id: string }).id).toBe(other.id);
  });

  it("lists and reads properties, creates a custom one and refuses it twice", async () => {
    const all = await hubspot.crm.properties.coreApi.getAll("contacts");
    const stage = all.results.find((p) => p.name === "lifecyclestage");
    expect(stage?.type).toBe("enumeration");
    expect(stage?.options.map((o) => o.value)).toContain("marketingqualifiedlead");
    const status = await hubspot.crm.properties.coreApi.getByName("contacts", "hs_lead_status");
    expect(status.options.map((o) => o.value)).toEqual([
      "NEW",
      "OPEN",
      "IN_PROGRESS",
      "OPEN_DEAL",
      "UNQUALIFIED",
      "ATTEMPTED_TO_CONTACT",
      "CONNECTED",
      "BAD_TIMING",
    ]);

    const definition = {
      name: "leadloop_disposition",
      label: "Leadloop disposition",
      type: "enumeration" as never,
      fieldType: "select" as never,
      groupName: "contactinformation",
      options: [
        { label: "Recycle", value: "recycle", hidden: false },
        { label: "Trash", value: "trash", hidden: false },
      ],
    };
    const created = await hubspot.crm.properties.coreApi.create("contacts", definition);
    expect(created.name).toBe("leadloop_disposition");
    const again = await failureOf(hubspot.crm.properties.coreApi.create("contacts", definition));
    expect(again.code).toBe(409);

    const contact = emulator.data.createObject("contacts", { email: "dispo@props.example" });
    const ok = await hubspot.crm.contacts.basicApi.update(contact.id, {
      properties: { leadloop_disposition: "trash" },
    });
    expect(ok.properties.leadloop_disposition).toBe("trash");
    const bad = await failureOf(
      hubspot.crm.contacts.basicApi.update(contact.id, { properties: { leadloop_disposition: "maybe" } }),
    );
    expect(bad.code).toBe(400);
    expect(String(bad.body.message)).toContain("leadloop_disposition");
  });

  it("refuses a property in a group its object does not have, unless told propertyGroups: \"unchecked\"", async () => {
    const definition = (groupName: string) => ({
      name: "leadloop_region",
      label: "Région (leadloop)",
      type: "string" as never,
      fieldType: "text" as never,
      groupName,
    });
    const tasks = await failureOf(hubspot.crm.properties.coreApi.create("contacts", definition("task")));
    expect(tasks.code).toBe(400);
    expect(tasks.body.category).toBe("VALIDATION_ERROR");
    expect(String(tasks.body.message)).toContain("task");
    expect(emulator.data.getProperty("contacts", "leadloop_region")).toBeUndefined();
    const made = await hubspot.crm.properties.coreApi.create("tasks", definition("task"));
    expect(made.groupName).toBe("task");

    const lenient = await startHubspotEmulator({ searchLagMs: 0, propertyGroups: "unchecked" });
    try {
      const anyGroup = await clientFor(lenient).crm.properties.coreApi.create("contacts", definition("leadloop"));
      expect(anyGroup.groupName).toBe("leadloop");
    } finally {
      await lenient.close();
    }
  });

  it("refuses a property whose fieldType its type does not take, and takes every pair leadloop creates", async () => {
    const refused: Array<[string, string]> = [
      ["number", "text"],
      ["date", "text"],
      ["datetime", "textarea"],
      ["bool", "select"],
      ["string", "select"],
      ["enumeration", "text"],
    ];
    for (const [type, fieldType] of refused) {
      const answer = await raw(emulator, "POST", "/crm/v3/properties/contacts", {
        name: `leadloop_pair_${type}_${fieldType}`,
        label: `Paire ${type}/${fieldType} (leadloop)`,
        type,
        fieldType,
        groupName: "contactinformation",
        options: [{ label: "Oui", value: "true" }, { label: "Non", value: "false" }],
      });
      expect([type, fieldType, answer.status]).toEqual([type, fieldType, 400]);
      const refusal = (await answer.json()) as { category: string; message: string };
      expect(refusal.category).toBe("VALIDATION_ERROR");
      expect(refusal.message).toContain(fieldType);
      expect(emulator.data.getProperty("contacts", `leadloop_pair_${type}_${fieldType}`)).toBeUndefined();
    }
    for (const { object, definition } of FUNNEL_PROPERTIES) {
      const answer = await raw(emulator, "POST", `/crm/v3/properties/${object}`, { ...definition, name: `${definition.name}_pair` });
      expect([definition.name, answer.status]).toEqual([definition.name, 201]);
    }
  });

  it("creates a batch of properties in one call, answered with each as made, counted once", async () => {
    const batchCalls = () => emulator.calls.byEndpoint()["POST /crm/v3/properties/:objectType/batch/create"] ?? 0;
    const before = batchCalls();
    const answer = await hubspot.crm.properties.batchApi.create("companies", {
      inputs: [
        { name: "leadloop_secteur", label: "Secteur (leadloop)", type: "enumeration" as never, fieldType: "radio" as never, groupName: "companyinformation", options: [{ label: "Énergie", value: "energie", hidden: false, displayOrder: 0 }] },
        { name: "leadloop_effectif", label: "Effectif (leadloop)", type: "number" as never, fieldType: "number" as never, groupName: "companyinformation" },
      ],
    });
    expect(batchCalls() - before).toBe(1);
    expect(answer.status).toBe("COMPLETE");
    expect(answer.results.map((p) => p.name).sort()).toEqual(["leadloop_effectif", "leadloop_secteur"]);
    expect(emulator.data.getProperty("companies", "leadloop_secteur")).toMatchObject({ type: "enumeration", fieldType: "radio", options: [expect.objectContaining({ value: "energie" })] });
    expect(emulator.data.getProperty("companies", "leadloop_effectif")).toMatchObject({ type: "number", fieldType: "number" });
  });

  it("refuses a whole batch of properties, making none of it, for an input the single create refuses or a name given twice", async () => {
    const good = { name: "leadloop_ville", label: "Ville (leadloop)", type: "string", fieldType: "text", groupName: "contactinformation" };
    emulator.data.createProperty("contacts", { name: "leadloop_deja_la", label: "Déjà là", type: "string", fieldType: "text", groupName: "contactinformation" });
    const refusals: Array<[string, unknown, number, string, string]> = [
      ["no inputs", {}, 400, "VALIDATION_ERROR", "inputs"],
      ["empty inputs", { inputs: [] }, 400, "VALIDATION_ERROR", "inputs"],
      ["a name twice", { inputs: [good, { ...good, label: "Ville encore" }] }, 400, "VALIDATION_ERROR", "leadloop_ville"],
      ["an existing name", { inputs: [good, { ...good, name: "leadloop_deja_la" }] }, 409, "OBJECT_ALREADY_EXISTS", "leadloop_deja_la"],
      ["a bad fieldType", { inputs: [good, { ...good, name: "leadloop_taille", type: "number", fieldType: "text" }] }, 400, "VALIDATION_ERROR", "fieldType 'text'"],
      ["an enumeration without options", { inputs: [good, { ...good, name: "leadloop_choix", type: "enumeration", fieldType: "select" }] }, 400, "VALIDATION_ERROR", "options"],
      ["a group the object lacks", { inputs: [good, { ...good, name: "leadloop_tache", groupName: "task" }] }, 400, "VALIDATION_ERROR", "task"],
      ["a bad name", { inputs: [good, { ...good, name: "Leadloop Ville" }] }, 400, "VALIDATION_ERROR", "name"],
    ];
    for (const [why, body, status, category, named] of refusals) {
      const answer = await raw(emulator, "POST", "/crm/v3/properties/contacts/batch/create", body);
      const refusal = (await answer.json()) as { category: string; message: string };
      expect([why, answer.status, refusal.category]).toEqual([why, status, category]);
      expect([why, refusal.message]).toEqual([why, expect.stringContaining(named)]);
      expect([why, emulator.data.getProperty("contacts", "leadloop_ville")]).toEqual([why, undefined]);
    }
  });

  it("answers 207 for the inputs it refuses and makes the others, with propertyBatchRefusals \"per input\"", async () => {
    const lenient = await startHubspotEmulator({ searchLagMs: 0, propertyBatchRefusals: "per input" });
    try {
      lenient.data.createProperty("deals", { name: "leadloop_deja_la", label: "Déjà là", type: "string", fieldType: "text", groupName: "dealinformation" });
      const good = { name: "leadloop_canal", label: "Canal (leadloop)", type: "string", fieldType: "text", groupName: "dealinformation" };
      const answer = await raw(lenient, "POST", "/crm/v3/properties/deals/batch/create", {
        inputs: [{ ...good, name: "leadloop_deja_la" }, good, { ...good, name: "leadloop_taille", type: "number" }],
      });
      expect(answer.status).toBe(207);
      const body = (await answer.json()) as { results: { name: string }[]; numErrors: number; errors: { category: string; errors: { in: string }[] }[] };
      expect(body.results.map((p) => p.name)).toEqual(["leadloop_canal"]);
      expect(body.numErrors).toBe(2);
      expect(body.errors.map((e) => [e.category, e.errors[0]!.in])).toEqual([
        ["OBJECT_ALREADY_EXISTS", "inputs[0]"],
        ["VALIDATION_ERROR", "inputs[2]"],
      ]);
      expect(lenient.data.getProperty("deals", "leadloop_canal")).toBeDefined();
      // A name given twice is still refused whole.
      const twice = await raw(lenient, "POST", "/crm/v3/properties/deals/batch/create", { inputs: [{ ...good, name: "leadloop_x" }, { ...good, name: "leadloop_x" }] });
      expect(twice.status).toBe(400);
      expect(lenient.data.getProperty("deals", "leadloop_x")).toBeUndefined();
    } finally {
      await lenient.close();
    }
  });

  it("keeps a date property's value at midnight UTC and refuses any other time of day with INVALID_DATE", async () => {
    await hubspot.crm.properties.coreApi.create("contacts", {
      name: "renewal_day",
      label: "Renewal day",
      type: "date" as never,
      fieldType: "date" as never,
      groupName: "contactinformation",
    });
    const contact = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "renée.dupré@midnight.example", renewal_day: "2025-03-31" },
      associations: [],
    });
    const renewalDay = () => emulator.data.getObject("contacts", contact.id)!.properties.renewal_day;
    expect(renewalDay()).toBe("2025-03-31");
    await hubspot.crm.contacts.basicApi.update(contact.id, {
      properties: { renewal_day: String(Date.UTC(2025, 3, 30)) },
    });
    expect(renewalDay()).toBe("2025-04-30");
    // A Salesforce dateTime written unchanged, and one UTC day given with an offset, are not midnight UTC.
    for (const notMidnight of ["2025-05-01T14:30:00.000Z", "2025-05-01T00:00:00+02:00", String(Date.UTC(2025, 4, 1, 0, 0, 0, 1))]) {
      const failure = await failureOf(
        hubspot.crm.contacts.basicApi.update(contact.id, { properties: { renewal_day: notMidnight } }),
      );
      expect(failure.code).toBe(400);
      expect(failure.body.category).toBe("VALIDATION_ERROR");
      expect(String(failure.body.message)).toContain("INVALID_DATE");
      expect(String(failure.body.message)).toContain("not midnight");
    }
    expect(renewalDay()).toBe("2025-04-30");
  });

  it("lists owners by email and pages, and refuses an unknown owner id on a write", async () => {
    const owners = [
      emulator.data.addOwner({ email: "ines.garcia@sales.example", firstName: "Inés", lastName: "García" }),
      emulator.data.addOwner({ email: "tom.oneil@sales.example", firstName: "Tom", lastName: "O'Neil" }),
      emulator.data.addOwner({ email: "yuki.sato@sales.example", firstName: "Yuki", lastName: "Satō" }),
    ];
    expect(owners.every((o) => /^\d+$/.test(o.id))).toBe(true);
    const found = await hubspot.crm.owners.ownersApi.getPage("tom.oneil@sales.example");
    expect(found.results.map((o) => o.id)).toEqual([owners[1]!.id]);
    const first = await hubspot.crm.owners.ownersApi.getPage(undefined, undefined, 2);
    expect(first.results).toHaveLength(2);
    const second = await hubspot.crm.owners.ownersApi.getPage(undefined, first.paging?.next?.after, 2);
    expect(second.results.map((o) => o.lastName)).toEqual(["Satō"]);
    const one = await hubspot.crm.owners.ownersApi.getById(Number(owners[0]!.id));
    expect(one.firstName).toBe("Inés");

    const contact = emulator.data.createObject("contacts", { email: "owned@owners.example" });
    const assigned = await hubspot.crm.contacts.basicApi.update(contact.id, {
      properties: { hubspot_owner_id: owners[2]!.id },
    });
    expect(assigned.properties.hubspot_owner_id).toBe(owners[2]!.id);
    const unknown = await failureOf(
      hubspot.crm.contacts.basicApi.update(contact.id, { properties: { hubspot_owner_id: "1" } }),
    );
    expect(unknown.code).toBe(400);
    expect(String(unknown.body.message)).toContain("hubspot_owner_id");
  });

  it("lists a deactivated user's owner only with archived=true, keeps it on its records, and refuses it on a write", async () => {
    // A portal of its own: the owners listed here are all its owners.
    const portal = await startHubspotEmulator({ searchLagMs: 0 });
    try {
      const client = clientFor(portal);
      const staying = portal.data.addOwner({ email: "ines.garcia@sales.example", firstName: "Inés", lastName: "García" });
      const leaving = portal.data.addOwner({ email: "tom.oneil@sales.example", firstName: "Tom", lastName: "O'Neil" });
      const account = portal.data.createObject("companies", { name: "Brauerei Köhler", hubspot_owner_id: leaving.id });
      await portal.control.call("POST", `/owners/${leaving.id}/deactivate`);

      const active = await client.crm.owners.ownersApi.getPage(undefined, undefined, 100, false);
      expect(active.results.map((o) => o.id)).toEqual([staying.id]);
      expect((await client.crm.owners.ownersApi.getPage("tom.oneil@sales.example")).results).toEqual([]);
      const archived = await client.crm.owners.ownersApi.getPage(undefined, undefined, 100, true);
      expect(archived.results.map((o) => [o.id, o.archived, o.userId, o.userIdIncludingInactive])).toEqual([
        [leaving.id, true, null, leaving.userId],
      ]);
      expect((await failureOf(client.crm.owners.ownersApi.getById(Number(leaving.id)))).code).toBe(404);
      expect((await client.crm.owners.ownersApi.getById(Number(leaving.id), "id", true)).email).toBe("tom.oneil@sales.example");

      // The account keeps its owner; a write cannot give a record to the deactivated user.
      expect(portal.data.getObject("companies", account.id)!.properties.hubspot_owner_id).toBe(leaving.id);
      const contact = portal.data.createObject("contacts", { email: "sabine@brauerei-koehler.example" });
      const refused = await failureOf(
        client.crm.contacts.basicApi.update(contact.id, { properties: { hubspot_owner_id: leaving.id } }),
      );
      expect(refused.code).toBe(400);
      expect(String(refused.body.message)).toContain("INVALID_OWNER_ID");
      expect(portal.data.getObject("contacts", contact.id)!.properties.hubspot_owner_id).toBeUndefined();
    } finally {
      await portal.close();
    }

    const lenient = await startHubspotEmulator({ searchLagMs: 0, archivedOwners: "assignable" });
    try {
      const leaving = lenient.data.addOwner({ email: "tom.oneil@sales.example", firstName: "Tom", lastName: "O'Neil" });
      lenient.data.deactivateOwner(leaving.id);
      const contact = lenient.data.createObject("contacts", { email: "sabine@brauerei-koehler.example" });
      const assigned = await clientFor(lenient).crm.contacts.basicApi.update(contact.id, {
        properties: { hubspot_owner_id: leaving.id },
      });
      expect(assigned.properties.hubspot_owner_id).toBe(leaving.id);
    } finally {
      await lenient.close();
    }
  });

  it("associates records on create, with v4 default associations, and reads them back", async () => {
    const company = emulator.data.createObject("companies", {
      name: "Müller & Söhne KG",
      domain: "mueller.example",
    });
    const contact = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "hans@mueller.example" },
      associations: [
        {
          to: { id: company.id },
          types: [{ associationCategory: "HUBSPOT_DEFINED" as never, associationTypeId: 279 }],
        },
      ],
    });
    const deal = emulator.data.createObject("deals", { dealname: "Müller renewal", amount: "12000.50" });
    const made = await hubspot.crm.associations.v4.basicApi.createDefault(
      "deals",
      deal.id,
      "contacts",
      contact.id,
    );
    expect(made.results[0]?.associationSpec.associationTypeId).toBe(3);

    const companies = await hubspot.crm.associations.v4.basicApi.getPage("contacts", contact.id, "companies");
    expect(companies.results.map((r) => String(r.toObjectId))).toEqual([company.id]);
    // The contact's first company becomes its primary one: the unlabeled association and Primary (1).
    expect(companies.results[0]?.associationTypes.map((t) => t.typeId)).toEqual([279, 1]);
    const read = await hubspot.crm.contacts.basicApi.getById(contact.id, ["associatedcompanyid"]);
    expect(read.properties.associatedcompanyid).toBe(company.id);

    const batch = await hubspot.crm.associations.v4.batchApi.getPage("contacts", "deals", {
      inputs: [{ id: contact.id }],
    });
    expect(batch.results[0]?.to.map((t) => String(t.toObjectId))).toEqual([deal.id]);
    expect(batch.results[0]?.to[0]?.associationTypes[0]?.typeId).toBe(4);

    const withAssoc = await hubspot.crm.contacts.basicApi.getById(contact.id, undefined, undefined, [
      "companies",
      "deals",
    ]);
    // v3 lists an associated record once per association type (here the unlabeled one and Primary).
    expect([...new Set(withAssoc.associations?.companies?.results.map((r) => r.id))]).toEqual([company.id]);
    expect(withAssoc.associations?.deals?.results.map((r) => r.type)).toEqual(["contact_to_deal"]);

    const other = emulator.data.createObject("companies", { name: "Other AG" });
    await hubspot.crm.associations.v4.batchApi.createDefault("companies", "contacts", {
      inputs: [{ _from: { id: other.id }, to: { id: contact.id } }],
    });
    expect(emulator.data.associationsOf("contacts", contact.id, "companies").map((l) => l.toId)).toEqual([
      company.id,
      other.id,
    ]);
  });

  it("serves contact activity events with filters and `after` paging", async () => {
    const contact = emulator.data.createObject("contacts", { email: "visitor@events.example" });
    const day = Date.parse("2025-02-01T09:00:00.000Z");
    for (let i = 0; i < 3; i++) {
      await emulator.control.call("POST", `/contacts/${contact.id}/page-views`, {
        url: `https://www.example.com/pricing?v=${i}`,
        title: "Tarifs — Pricing",
        occurredAt: new Date(day + i * 60_000).toISOString(),
      });
    }
    const submitted = await emulator.control.call<{ contact: { properties: Record<string, string> } }>(
      "POST",
      `/contacts/${contact.id}/form-submissions`,
      {
        pageTitle: "Demo request",
        fields: { jobtitle: "VP Marketing", firstname: "Chloé" },
        occurredAt: new Date(day + 10 * 60_000).toISOString(),
      },
    );
    expect(submitted.contact.properties.num_conversion_events).toBe("1");
    expect(submitted.contact.properties.recent_conversion_event_name).toBe("Demo request");
    expect(submitted.contact.properties.jobtitle).toBe("VP Marketing");
    expect(submitted.contact.properties.hs_analytics_num_page_views).toBe("3");
    emulator.data.addEvent({
      contactId: contact.id,
      eventType: "e_clicked_email",
      occurredAt: new Date(day - 86_400_000),
      properties: { hs_url: "https://www.example.com/webinar" },
    });

    const types = await hubspot.events.eventsApi.getTypes();
    expect(types.eventTypes).toEqual(expect.arrayContaining(["e_visited_page", "e_submitted_form"]));

    const pageViews: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await hubspot.events.eventsApi.getPage(
        "contact",
        "e_visited_page",
        after,
        undefined,
        2,
        undefined,
        undefined,
        undefined,
        Number(contact.id),
      );
      pages++;
      pageViews.push(...page.results.map((e) => e.properties?.hs_url ?? ""));
      after = page.paging?.next?.after;
    } while (after);
    expect(pages).toBe(2);
    expect(pageViews).toEqual([0, 1, 2].map((i) => `https://www.example.com/pricing?v=${i}`));

    const recent = await hubspot.events.eventsApi.getPage(
      "contact",
      undefined,
      undefined,
      undefined,
      10,
      undefined,
      new Date(day + 60_000),
      undefined,
      Number(contact.id),
    );
    expect(recent.results.map((e) => e.eventType)).toEqual(["e_visited_page", "e_submitted_form"]);
  });

  it("lists every contact's events without objectId, oldest first, each naming its contact, with `after` paging", async () => {
    const at = Date.parse("2031-03-01T09:00:00.000Z"); // after every other test's events
    const people = ["zoé@bulk.example", "ANDRÉ@bulk.example", "li@bulk.example"].map((email) =>
      emulator.data.createObject("contacts", { email }),
    );
    people.forEach((p, i) =>
      emulator.data.addEvent({
        contactId: p.id,
        eventType: "e_visited_page",
        occurredAt: new Date(at + (2 - i) * 60_000),
        properties: { hs_url: `https://www.example.com/p${i}` },
      }),
    );
    const seen: { objectId: string; url: string }[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ objectType: "contact", occurredAfter: new Date(at - 1).toISOString(), limit: "2" });
      if (after) qs.set("after", after);
      const res = await raw(emulator, "GET", `/events/v3/events/?${qs}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as {
        results: { objectId: string; properties: Record<string, string> }[];
        paging?: { next?: { after: string } };
      };
      pages++;
      seen.push(...page.results.map((e) => ({ objectId: e.objectId, url: e.properties.hs_url! })));
      after = page.paging?.next?.after;
    } while (after);
    expect(pages).toBe(2);
    expect(seen).toEqual([2, 1, 0].map((i) => ({ objectId: people[i]!.id, url: `https://www.example.com/p${i}` })));
    // objectId names one record of objectType: alone it is refused (Events API reference).
    const bare = await raw(emulator, "GET", `/events/v3/events/?objectId=${people[0]!.id}`);
    expect(bare.status).toBe(400);
    const badCursor = await raw(emulator, "GET", "/events/v3/events/?objectType=contact&after=not-a-cursor");
    expect(badCursor.status).toBe(400);
  });

  it("refuses a read of events naming no record with eventsObjectId required, as HubSpot's OpenAPI spec words objectId, and answers one naming a contact", async () => {
    const strict = await startHubspotEmulator({ eventsObjectId: "required" });
    try {
      const zoe = strict.data.createObject("contacts", { email: "Zoë.Ångström@strict.example" });
      strict.data.addEvent({
        contactId: zoe.id,
        eventType: "e_visited_page",
        occurredAt: new Date("2031-04-01T08:00:00.000Z"),
        properties: { hs_url: "https://www.example.com/préços" },
      });
      for (const qs of ["objectType=contact&occurredAfter=2031-01-01T00:00:00.000Z", "eventType=e_visited_page", "limit=1"]) {
        const res = await raw(strict, "GET", `/events/v3/events/?${qs}`);
        expect(res.status).toBe(400);
        const body = (await res.json()) as { status: string; category: string; message: string; correlationId: string; errors: { in: string }[] };
        expect(body).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
        expect(body.message).toContain("objectId");
        expect(body.message).toContain("objectProperty");
        expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
        expect(body.errors.map((e) => e.in)).toEqual(["objectId"]);
      }
      const one = await raw(strict, "GET", `/events/v3/events/?objectType=contact&objectId=${zoe.id}`);
      expect(one.status).toBe(200);
      expect(((await one.json()) as { results: { properties: Record<string, string> }[] }).results.map((e) => e.properties.hs_url)).toEqual([
        "https://www.example.com/préços",
      ]);
      // objectProperty names the record instead of its id: the spec's other way, not refused for want of objectId.
      const byEmail = await raw(strict, "GET", "/events/v3/events/?objectType=contact&objectProperty.email=zo%C3%AB.%C3%A5ngstr%C3%B6m%40strict.example");
      expect(byEmail.status).toBe(200);
      expect(((await byEmail.json()) as { results: { objectId: string }[] }).results.map((e) => e.objectId)).toEqual([zoe.id]);
      const nobody = await raw(strict, "GET", "/events/v3/events/?objectType=contact&objectProperty.email=nobody%40strict.example");
      expect(((await nobody.json()) as { results: unknown[] }).results).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it("pages events by position: events recorded between pages neither repeat nor shift, in either order, inside the window", async () => {
    const at = Date.parse("2032-05-01T09:00:00.000Z"); // after every other test's events
    const [ana, joão] = ["ana@window.example", "JOÃO@window.example"].map((email) =>
      emulator.data.createObject("contacts", { email }),
    );
    const add = (who: { id: string }, minute: number, eventType = "e_visited_page"): void => {
      emulator.data.addEvent({
        contactId: who.id,
        eventType,
        occurredAt: new Date(at + minute * 60_000),
        properties: { hs_url: `https://www.example.com/m${minute}` },
      });
    };
    // Back-dated and out of order, with two events at the same instant.
    for (const [who, m] of [[joão, 5], [ana, 1], [ana, 3], [joão, 3], [ana, 9]] as const) add(who!, m);
    add(ana!, 4, "e_clicked_email");
    type Page = { results: { eventType: string; properties: Record<string, string> }[]; paging?: { next?: { after: string } } };
    const read = async (extra: Record<string, string>, between?: () => void): Promise<string[]> => {
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const qs = new URLSearchParams({
          objectType: "contact",
          occurredAfter: new Date(at + 60_000).toISOString(), // strictly after minute 1
          occurredBefore: new Date(at + 9 * 60_000).toISOString(), // strictly before minute 9
          limit: "2",
          ...extra,
        });
        if (after) qs.set("after", after);
        const res = await raw(emulator, "GET", `/events/v3/events/?${qs}`);
        expect(res.status).toBe(200);
        const page = (await res.json()) as Page;
        seen.push(...page.results.map((e) => `${e.eventType === "e_visited_page" ? "" : "click "}${e.properties.hs_url!.slice(-2)}`));
        after = page.paging?.next?.after;
        between?.();
        between = undefined;
      } while (after);
      return seen;
    };
    // An event landing before the cursor while paging does not push a seen one onto the next page.
    expect(await read({}, () => add(joão!, 2))).toEqual(["m3", "m3", "click m4", "m5"]);
    expect(await read({ sort: "DESCENDING" })).toEqual(["m5", "click m4", "m3", "m3", "m2"]);
    expect(await read({ eventType: "e_visited_page" })).toEqual(["m2", "m3", "m3", "m5"]);
    expect(await read({ eventType: "e_visited_page", objectId: ana!.id })).toEqual(["m3"]);
  });

  it("merges contacts into a new record with a new id: both old ids and emails answer it", async () => {
    const primary = emulator.data.createObject("contacts", { email: "jo@merge.example", firstname: "Jo" });
    const dupe = emulator.data.createObject("contacts", {
      email: "jo.smith@merge.example",
      firstname: "Joséphine",
      lastname: "Smith",
    });
    await emulator.control.call("POST", "/contacts/merge", { primaryId: primary.id, mergedId: dupe.id });
    const viaOldId = await hubspot.crm.contacts.basicApi.getById(dupe.id, [
      "hs_merged_object_ids",
      "firstname",
      "lastname",
      "email",
    ]);
    expect([primary.id, dupe.id]).not.toContain(viaOldId.id);
    expect(viaOldId.properties.hs_merged_object_ids).toBe(`${primary.id};${dupe.id}`);
    // The primary's values win; the merged contact's fill what the primary lacks.
    expect(viaOldId.properties).toMatchObject({ firstname: "Jo", lastname: "Smith", email: "jo@merge.example" });
    expect((await hubspot.crm.contacts.basicApi.getById(primary.id)).id).toBe(viaOldId.id);
    const viaOldEmail = await hubspot.crm.contacts.basicApi.getById(
      "jo.smith@merge.example",
      undefined,
      undefined,
      undefined,
      false,
      "email",
    );
    expect(viaOldEmail.id).toBe(viaOldId.id);
  });

  it("keeps both merged contacts' property histories on the new record, each value at its own time", async () => {
    // Knowledge Base, "What happens when I merge two contacts?": "The history of property values from both
    // contact records can still be found in Property History". A rebuild reads a merged contact's history to
    // place its MQLs and verdicts: the merge's own time on every old value put them all at once.
    const primary = emulator.data.createObject("contacts", { email: "renee.oeuvray@exemple.fr", lifecyclestage: "marketingqualifiedlead" }, new Date("2026-12-06T18:43:02.000Z"));
    emulator.data.updateObject("contacts", primary.id, { lifecyclestage: "lead", hs_lead_status: "BAD_TIMING" }, new Date("2026-12-08T10:15:00.000Z"));
    const dupe = emulator.data.createObject("contacts", { email: "r.oeuvray@exemple-sa.fr", jobtitle: "Directrice Marketing – Europe" }, new Date("2026-12-10T09:00:00.000Z"));
    emulator.data.updateObject("contacts", dupe.id, { hs_lead_status: "NEW" }, new Date("2026-12-11T09:00:00.000Z"));
    await emulator.control.call("POST", "/contacts/merge", { primaryId: primary.id, mergedId: dupe.id });
    const res = await raw(emulator, "POST", "/crm/v3/objects/contacts/batch/read", {
      inputs: [{ id: primary.id }],
      properties: ["hs_lead_status"],
      propertiesWithHistory: ["lifecyclestage", "jobtitle", "hs_lead_status"],
    });
    const [result] = ((await res.json()) as { results: { properties: Record<string, string>; propertiesWithHistory: Record<string, { value: string; timestamp: string }[]> }[] }).results;
    const history = (name: string) => result!.propertiesWithHistory[name]!.map((e) => `${e.value} ${e.timestamp}`);
    expect(history("lifecyclestage")).toEqual(["lead 2026-12-08T10:15:00.000Z", "marketingqualifiedlead 2026-12-06T18:43:02.000Z"]);
    expect(history("jobtitle")).toEqual(["Directrice Marketing – Europe 2026-12-10T09:00:00.000Z"]);
    // The primary's value wins the merge although the other's was written later: the merge logs it at its own time.
    expect(result!.properties.hs_lead_status).toBe("BAD_TIMING");
    expect(history("hs_lead_status").slice(1)).toEqual(["NEW 2026-12-11T09:00:00.000Z", "BAD_TIMING 2026-12-08T10:15:00.000Z"]);
    expect(history("hs_lead_status")[0]).toMatch(/^BAD_TIMING /);
  });

  it("merges a contact a deactivated user still owns, keeping that owner", async () => {
    // A rep leaves (their user deactivated: the owner archived) before a marketer merges one of their
    // contacts with a duplicate. Before, the merge was refused with INVALID_OWNER_ID, as a write giving a
    // record that owner is.
    const leaver = emulator.data.addOwner({ email: "ines.garcia@leadloop-demo.com", firstName: "Inès", lastName: "García" });
    const primary = emulator.data.createObject("contacts", { email: "joao.pereira@exemplo.pt", firstname: "João", hubspot_owner_id: leaver.id });
    const dupe = emulator.data.createObject("contacts", { email: "j.pereira@exemplo.pt", lastname: "Pereira" });
    emulator.data.deactivateOwner(leaver.id);
    const merged = emulator.data.mergeContacts(primary.id, dupe.id);
    expect(merged.properties).toMatchObject({ hubspot_owner_id: leaver.id, firstname: "João", lastname: "Pereira" });
    // A write still may not give a record that owner.
    expect(() => emulator.data.createObject("contacts", { email: "nova@exemplo.pt", hubspot_owner_id: leaver.id })).toThrow(/not a valid owner id/);
  });

  it("merges over HTTP with the client's merge call, moving associations to the new record", async () => {
    const company = emulator.data.createObject("companies", { name: "Fusion SARL" });
    const primary = emulator.data.createObject("contacts", { email: "p@fusion.example" });
    const other = emulator.data.createObject("contacts", { email: "o@fusion.example", jobtitle: "CFO" });
    emulator.data.associate("contacts", other.id, "companies", company.id);
    const merged = await hubspot.crm.contacts.basicApi.merge({
      primaryObjectId: primary.id,
      objectIdToMerge: other.id,
    });
    expect([primary.id, other.id]).not.toContain(merged.id);
    expect(emulator.data.getObject("contacts", merged.id)?.properties.jobtitle).toBe("CFO");
    expect(emulator.data.associationsOf("companies", company.id, "contacts").map((l) => l.toId)).toEqual([
      merged.id,
    ]);
    // The merged-away email still belongs to the merged record, so a new contact with it conflicts.
    const failure = await failureOf(
      hubspot.crm.contacts.basicApi.create({ properties: { email: "O@Fusion.example" }, associations: [] }),
    );
    expect(failure.body.message).toBe(`Contact already exists. Existing ID: ${merged.id}`);
  });

  it("merges companies over HTTP into a new record that both old ids answer, with the contacts of both", async () => {
    const primary = emulator.data.createObject("companies", { name: "Müller GmbH", website: "https://www.mueller-maschinenbau.de" });
    const other = emulator.data.createObject("companies", { name: "Mueller GmbH", city: "Muenchen" });
    const person = emulator.data.createObject("contacts", { email: "juergen.weiss@mueller-gruppe.de" });
    emulator.data.associate("contacts", person.id, "companies", other.id);
    const merged = await hubspot.crm.companies.basicApi.merge({ primaryObjectId: primary.id, objectIdToMerge: other.id });
    expect([primary.id, other.id]).not.toContain(merged.id);
    // The primary's values win, the other's fill the blanks.
    expect(emulator.data.getObject("companies", merged.id)?.properties).toEqual(expect.objectContaining({ name: "Müller GmbH", city: "Muenchen" }));
    for (const old of [primary.id, other.id]) expect(emulator.data.getObject("companies", old)?.id).toBe(merged.id);
    expect(emulator.data.associationsOf("contacts", person.id, "companies").map((l) => l.toId)).toEqual([merged.id]);
  });

  it("validates in-process writes like API writes, but lets the seed set read-only values", () => {
    expect(() =>
      emulator.data.createObject("contacts", { email: "x@inproc.example", shoe_size: "42" }),
    ).toThrow(/shoe_size/);
    const seeded = emulator.data.createObject("contacts", {
      email: "seed@inproc.example",
      hs_analytics_source: "ORGANIC_SEARCH",
    });
    expect(seeded.properties.hs_analytics_source).toBe("ORGANIC_SEARCH");
  });

  it("refuses read-only values on API writes", async () => {
    const failure = await failureOf(
      hubspot.crm.contacts.basicApi.create({
        properties: { email: "ro@api.example", hs_analytics_source: "ORGANIC_SEARCH" },
        associations: [],
      }),
    );
    expect(failure.code).toBe(400);
    expect(String(failure.body.message)).toContain("READ_ONLY_VALUE");
  });

  it("refuses a text value longer than 65,536 characters, counting UTF-16 units, and keeps one of 65,536", async () => {
    // "é" is one UTF-16 unit, "😀" two: 32,768 emoji are 65,536 units.
    const longest = "é".repeat(65_536);
    const ok = await hubspot.crm.contacts.basicApi.create({
      properties: { email: "long.text@exämple.example", address: longest },
      associations: [],
    });
    expect(emulator.data.getObject("contacts", ok.id)!.properties.address).toHaveLength(65_536);
    for (const tooLong of ["é".repeat(65_537), "😀".repeat(32_769)]) {
      const failure = await failureOf(
        hubspot.crm.contacts.basicApi.update(ok.id, { properties: { address: tooLong } }),
      );
      expect(failure.code).toBe(400);
      expect(failure.body.category).toBe("VALIDATION_ERROR");
      expect(String(failure.body.message)).toContain("65536");
    }
    expect(emulator.data.getObject("contacts", ok.id)!.properties.address).toBe(longest);
  });

  it("archives a record: reads answer 404, archived lists show it", async () => {
    const deal = emulator.data.createObject("deals", { dealname: "À supprimer", dealstage: "closedlost" });
    await hubspot.crm.deals.basicApi.archive(deal.id);
    const gone = await failureOf(hubspot.crm.deals.basicApi.getById(deal.id));
    expect(gone.code).toBe(404);
    expect(gone.body.category).toBe("OBJECT_NOT_FOUND");
    const archived = await hubspot.crm.deals.basicApi.getPage(
      100,
      undefined,
      ["dealname"],
      undefined,
      undefined,
      true,
    );
    expect(archived.results.map((r) => r.id)).toContain(deal.id);
  });

  it("keeps an archived record in the recycle bin for 90 days: listed and read with archived=true until then, gone after", async () => {
    let t = Date.parse("2026-03-02T09:00:00.000Z");
    const emulator = await startHubspotEmulator({ now: () => new Date(t) });
    try {
      const early = emulator.data.createObject("contacts", { email: "gwenaelle.le-bihan@kernevez.example", firstname: "Gwenaëlle" });
      const late = emulator.data.createObject("contacts", { email: "yannick.queffelec@kernevez.example", firstname: "Yannick" });
      const live = emulator.data.createObject("contacts", { email: "maiwenn.tanguy@kernevez.example", firstname: "Maïwenn" });
      emulator.data.updateObject("contacts", late.id, { firstname: "Yannick-Érwan" });
      emulator.data.archiveObject("contacts", early.id);
      t += 2 * 86_400_000;
      emulator.data.archiveObject("contacts", late.id);
      const listed = async () => {
        const res = await raw(emulator, "GET", "/crm/v3/objects/contacts?archived=true&limit=100&properties=email");
        return ((await res.json()) as { results: { id: string; archivedAt: string }[] }).results.map((r) => r.id);
      };
      // The batch read with archived=true: the bin's records only, with their histories; a live id is missing.
      const batchRead = async (ids: string[], archived: boolean) => {
        const res = await raw(emulator, "POST", `/crm/v3/objects/contacts/batch/read${archived ? "?archived=true" : ""}`, {
          inputs: ids.map((id) => ({ id })),
          propertiesWithHistory: ["firstname"],
        });
        const body = (await res.json()) as { results: { id: string; propertiesWithHistory: Record<string, { value: string }[]> }[]; errors?: { context: { ids: string[] } }[] };
        return { read: body.results.map((r) => [r.id, r.propertiesWithHistory.firstname!.map((e) => e.value)]), missing: body.errors?.[0]?.context.ids ?? [] };
      };
      t += 87 * 86_400_000;
      expect(await listed()).toEqual([early.id, late.id]);
      expect(await batchRead([late.id, live.id], true)).toEqual({ read: [[late.id, ["Yannick-Érwan", "Yannick"]]], missing: [live.id] });
      expect(await batchRead([late.id, live.id], false)).toEqual({ read: [[live.id, ["Maïwenn"]]], missing: [late.id] });
      t += 2 * 86_400_000;
      expect(await listed()).toEqual([late.id]);
      expect((await batchRead([early.id], true)).missing).toEqual([early.id]);
      expect((await raw(emulator, "GET", `/crm/v3/objects/contacts/${early.id}?archived=true`)).status).toBe(404);
      expect((await raw(emulator, "GET", `/crm/v3/objects/contacts/${late.id}?archived=true`)).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it("restores an archived contact from the recycle bin: the same id, her task's association back, her modified date the restore's; refused once her email is taken or her 90 days are past", async () => {
    let t = Date.parse("2026-03-02T09:00:00.000Z");
    const emulator = await startHubspotEmulator({ now: () => new Date(t) });
    const restore = (id: string) => raw(emulator, "POST", `/__control/objects/contacts/${id}/restore`);
    try {
      const contact = emulator.data.createObject("contacts", { email: "Soizic.Le-Floch@Kernevez.example", firstname: "Soizic", lastname: "Le Floc'h" });
      const task = emulator.data.createObject("tasks", { hs_task_subject: "Rappeler Soizic", hs_timestamp: "2026-03-03T09:00:00.000Z" });
      emulator.data.associate("tasks", task.id, "contacts", contact.id);
      emulator.data.archiveObject("contacts", contact.id);
      // Archived: the task stays, associated with no live contact.
      expect(emulator.data.getObject("tasks", task.id)).toBeDefined();
      expect(emulator.data.associationsOf("tasks", task.id, "contacts")).toEqual([]);
      t += 86_400_000;
      const restored = await restore(contact.id);
      expect(restored.status).toBe(200);
      expect((await raw(emulator, "GET", `/crm/v3/objects/contacts/${contact.id}`)).status).toBe(200);
      expect(emulator.data.associationsOf("tasks", task.id, "contacts").map((a) => a.toId)).toEqual([contact.id]);
      expect(emulator.data.getObject("contacts", contact.id)!.updatedAt.toISOString()).toBe(new Date(t).toISOString());
      // A live record is in no bin.
      expect((await restore(contact.id)).status).toBe(404);

      // Archived again; meanwhile another contact takes her email: the restore is refused.
      emulator.data.archiveObject("contacts", contact.id);
      const other = emulator.data.createObject("contacts", { email: "soizic.le-floch@kernevez.example", firstname: "Soizic" });
      const taken = await restore(contact.id);
      expect(taken.status).toBe(409);
      expect(((await taken.json()) as { message: string }).message).toContain(other.id);
      emulator.data.archiveObject("contacts", other.id);
      // Past her 90 days in the bin, she is gone for good.
      t += 91 * 86_400_000;
      expect((await restore(contact.id)).status).toBe(404);
    } finally {
      await emulator.close();
    }
  });

  it("deletes a contact for good on a GDPR delete: not in the recycle bin, its associations gone, its email blocklisted in the app but not over the API", async () => {
    const company = emulator.data.createObject("companies", { name: "Kernévez Conserverie", domain: "kernevez.example" });
    const gone = emulator.data.createObject("contacts", {
      email: "Maiwenn.Le-Goff@Kernevez.example",
      firstname: "Maïwenn",
      lastname: "Le Goff",
      hs_additional_emails: "maiwenn@perso.example",
    });
    emulator.data.associate("contacts", gone.id, "companies", company.id);
    const deleted = await raw(emulator, "POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: gone.id });
    expect(deleted.status).toBe(204);

    expect((await raw(emulator, "GET", `/crm/v3/objects/contacts/${gone.id}`)).status).toBe(404);
    expect((await raw(emulator, "GET", `/crm/v3/objects/contacts/${gone.id}?archived=true`)).status).toBe(404);
    const bin = await raw(emulator, "GET", "/crm/v3/objects/contacts?archived=true&limit=100");
    expect(((await bin.json()) as { results: { id: string }[] }).results.map((r) => r.id)).not.toContain(gone.id);
    const byEmail = await raw(emulator, "GET", "/crm/v3/objects/contacts/maiwenn.le-goff@kernevez.example?idProperty=email");
    expect(byEmail.status).toBe(404);
    expect(emulator.data.associationsOf("companies", company.id, "contacts")).toEqual([]);
    // A second delete of the same id finds nothing.
    expect((await raw(emulator, "POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: gone.id })).status).toBe(404);

    // The app cannot add either email back; an integration's create can (Knowledge Base, "Perform a permanent delete").
    expect(emulator.data.isBlocklisted("MAIWENN@perso.example")).toBe(true);
    expect(() => emulator.data.createObject("contacts", { email: "maiwenn.le-goff@kernevez.example" })).toThrow(/permanently deleted/);
    const again = await raw(emulator, "POST", "/crm/v3/objects/contacts", { properties: { email: "Maiwenn.Le-Goff@Kernevez.example" } });
    expect(again.status).toBe(201);

    // By email: an address no contact holds is blocklisted all the same.
    const unknown = await raw(emulator, "POST", "/crm/v3/objects/contacts/gdpr-delete", { objectId: "Ewen.Tanguy@Kernevez.example", idProperty: "email" });
    expect(unknown.status).toBe(204);
    expect(emulator.data.isBlocklisted("ewen.tanguy@kernevez.example")).toBe(true);
  });

  it("answers a malformed body with 400 VALIDATION_ERROR", async () => {
    const res = await raw(emulator, "POST", "/crm/v3/objects/contacts", { props: { email: "x@y.example" } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.category).toBe("VALIDATION_ERROR");
    expect(body.status).toBe("error");
  });

  it("lets a marketer edit a record from the control API, bumping its modified date", async () => {
    const at = new Date("2024-06-01T00:00:00.000Z");
    const contact = emulator.data.createObject("contacts", { email: "edit@control.example" }, at);
    await emulator.control.call("PATCH", `/objects/contacts/${contact.id}`, {
      properties: { lifecyclestage: "marketingqualifiedlead" },
    });
    const after = emulator.data.getObject("contacts", contact.id);
    expect(after?.properties.lifecyclestage).toBe("marketingqualifiedlead");
    expect(after!.updatedAt.getTime()).toBeGreaterThan(at.getTime());
    const dump = await emulator.control.call<{ results: Array<{ id: string }> }>("GET", "/objects/contacts");
    expect(dump.results.map((r) => r.id)).toContain(contact.id);
  });

  it("sends the X-HubSpot-RateLimit headers, except on search", async () => {
    const info = await hubspot.crm.contacts.basicApi.getPageWithHttpInfo(1);
    expect(info.headers["x-hubspot-ratelimit-max"]).toBe("100000");
    expect(info.headers["x-hubspot-ratelimit-interval-milliseconds"]).toBe("10000");
    expect(info.headers["x-hubspot-ratelimit-daily"]).toBe("1000000");
    expect(Number(info.headers["x-hubspot-ratelimit-remaining"])).toBeLessThan(100_000);
    expect(info.headers["x-hubspot-ratelimit-secondly"]).toBe("10000");
    const search = await hubspot.crm.contacts.searchApi.doSearchWithHttpInfo({ filterGroups: [], limit: 1 });
    expect(search.headers["x-hubspot-ratelimit-max"]).toBeUndefined();
  });

  it("answers an injected rate_limit fault with 429 and Retry-After", async () => {
    await emulator.control.addFaults({ requests: [{ kind: "rate_limit", times: 1, retryAfterSeconds: 3 }] });
    const limited = await failureOf(hubspot.crm.contacts.basicApi.getPage(1));
    expect(limited.code).toBe(429);
    expect(limited.headers["retry-after"]).toBe("3");
    expect(limited.body.errorType).toBe("RATE_LIMIT");
    const next = await hubspot.crm.contacts.basicApi.getPage(1);
    expect(next.results).toHaveLength(1);
  });

  it("answers an injected 503, and a dropped connection fails the call", async () => {
    await emulator.control.addFaults({
      requests: [{ kind: "status", status: 503, times: 1, path: "/crm/v3/objects/deals" }],
    });
    const unavailable = await failureOf(hubspot.crm.deals.basicApi.getPage(1));
    expect(unavailable.code).toBe(503);
    expect(unavailable.body.status).toBe("error");

    await emulator.control.addFaults({
      requests: [{ kind: "drop", times: 1, path: "/crm/v3/objects/deals" }],
    });
    await expect(hubspot.crm.deals.basicApi.getPage(1)).rejects.toThrow();
    const recovered = await hubspot.crm.deals.basicApi.getPage(1);
    expect(Array.isArray(recovered.results)).toBe(true);
  });
});

describe("HubSpot emulator limits", () => {
  it("answers 429 TEN_SECONDLY_ROLLING once the burst is spent", async () => {
    const emulator = await startHubspotEmulator({ limits: { burstPer10Seconds: 5 } });
    try {
      const hubspot = clientFor(emulator);
      for (let i = 0; i < 5; i++) await hubspot.crm.contacts.basicApi.getPage(1);
      const limited = await failureOf(hubspot.crm.contacts.basicApi.getPage(1));
      expect(limited.code).toBe(429);
      expect(limited.body.policyName).toBe("TEN_SECONDLY_ROLLING");
      expect(limited.body.errorType).toBe("RATE_LIMIT");
      expect(limited.headers["x-hubspot-ratelimit-remaining"]).toBe("0");
    } finally {
      await emulator.close();
    }
  });

  it("limits search per second on its own, and the day as a whole", async () => {
    const emulator = await startHubspotEmulator({ limits: { searchPerSecond: 2, daily: 4 } });
    try {
      const hubspot = clientFor(emulator);
      await hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 });
      await hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 });
      const secondly = await failureOf(
        hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 }),
      );
      expect(secondly.code).toBe(429);
      expect(secondly.body.policyName).toBe("SECONDLY");
      await hubspot.crm.contacts.basicApi.getPage(1);
      const info = await hubspot.crm.contacts.basicApi.getPageWithHttpInfo(1);
      expect(info.headers["x-hubspot-ratelimit-daily-remaining"]).toBe("0");
      const daily = await failureOf(hubspot.crm.contacts.basicApi.getPage(1));
      expect(daily.body.policyName).toBe("DAILY");
    } finally {
      await emulator.close();
    }
  });

  it("answers an injected rate_limit fault on a search endpoint as the search limit: no rate-limit headers, no Retry-After; bare, no policy named", async () => {
    const emulator = await startHubspotEmulator({ rateLimitBodies: "bare" });
    try {
      const hubspot = clientFor(emulator);
      await emulator.control.addFaults({ requests: [{ kind: "rate_limit", times: 1, path: "/crm/v3/objects/contacts/search" }] });
      const limited = await failureOf(hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 }));
      expect(limited.code).toBe(429);
      expect(limited.body).toMatchObject({ status: "error", category: "RATE_LIMITS", message: "You have reached your secondly limit." });
      expect(limited.body.policyName).toBeUndefined();
      expect(limited.body.errorType).toBeUndefined();
      expect(limited.headers["retry-after"]).toBeUndefined();
      expect(limited.headers["x-hubspot-ratelimit-max"]).toBeUndefined();
      expect((await hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 1 })).results).toEqual([]);
    } finally {
      await emulator.close();
    }
  });

  it("hides a write from search for the index lag by default, while reads by id, batch read and associations see it at once", async () => {
    // Search is eventually consistent: a write shows there seconds later (https://blog.sequin.io/building-a-sync-on-hubspots-api/;
    // https://docs.locoia.com/connectors/connectors/hubspot, "Propagation Time"); reads by id do not lag.
    let t = Date.parse("2026-03-02T09:00:00.000Z");
    const emulator = await startHubspotEmulator({ now: () => new Date(t) });
    try {
      const hubspot = clientFor(emulator);
      const search = () =>
        hubspot.crm.contacts.searchApi.doSearch({
          filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ" as never, value: "Fresh.Lag@Example.com" }] }],
          properties: ["jobtitle"],
          limit: 10,
        });
      const created = await hubspot.crm.contacts.basicApi.create({ properties: { email: "fresh.lag@example.com", jobtitle: "Analyste" } });
      const company = emulator.data.createObject("companies", { name: "Fjord Analytics" });
      emulator.data.associate("contacts", created.id, "companies", company.id);
      t += DEFAULT_SEARCH_LAG_MS - 1;
      expect((await search()).total).toBe(0);
      expect((await hubspot.crm.contacts.basicApi.getById(created.id)).id).toBe(created.id);
      const batch = await hubspot.crm.contacts.batchApi.read({ inputs: [{ id: created.id }], properties: [], propertiesWithHistory: [] });
      expect(batch.results.map((r) => r.id)).toEqual([created.id]);
      const links = await raw(emulator, "POST", "/crm/v4/associations/contacts/companies/batch/read", { inputs: [{ id: created.id }] });
      expect(JSON.stringify(await links.json())).toContain(company.id);
      t += 1;
      expect((await search()).results.map((r) => r.properties.jobtitle)).toEqual(["Analyste"]);

      // A change reaches search only after the lag again.
      await hubspot.crm.contacts.basicApi.update(created.id, { properties: { jobtitle: "Directrice" } });
      expect((await search()).total).toBe(0);
      t += DEFAULT_SEARCH_LAG_MS;
      expect((await search()).results.map((r) => r.properties.jobtitle)).toEqual(["Directrice"]);
    } finally {
      await emulator.close();
    }
  });

  it("turns the lag off with searchLagMs: 0", async () => {
    const emulator = await startHubspotEmulator({ searchLagMs: 0 });
    try {
      emulator.data.createObject("contacts", { email: "fresh@lag.example" });
      const found = await clientFor(emulator).crm.contacts.searchApi.doSearch({ filterGroups: [], limit: 10 });
      expect(found.total).toBe(1);
    } finally {
      await emulator.close();
    }
  });
});

// Record ids are int64 (FIDELITY.md, "record ids past 2^53"): next to 2^53 neighbouring ids are one double,
// so an emulator comparing them as numbers pages past one, finds two for one, or repeats a record.
describe("a portal whose ids are past 2^53 pages, filters and sorts them digit for digit", () => {
  let emulator: HubspotEmulator;
  const ids: string[] = [];

  beforeAll(async () => {
    emulator = await startHubspotEmulator({ searchLagMs: 0, firstObjectId: "9007199254740991", limits: { searchPerSecond: 100 } });
    const people = ["Zoë Ñúñez", "Jürgen Groß", "Amélie Dupré", "Søren Kierkegård", "Ana-María O'Brien", "Li Wěi"];
    for (const [i, name] of people.entries()) {
      const [first, last] = name.split(" ");
      ids.push(emulator.data.createObject("contacts", { email: `Person.${i}@Größe-Exämple.COM`, firstname: first!, lastname: last! }).id);
    }
    emulator.data.archiveObject("contacts", ids[3]!);
  });
  afterAll(() => emulator.close());

  const live = () => ids.filter((_, i) => i !== 3);

  it("lists every live contact once, page by page, from the `after` it gave", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const res = await raw(emulator, "GET", `/crm/v3/objects/contacts?limit=1${after ? `&after=${after}` : ""}`);
      const body = (await res.json()) as { results: Array<{ id: string }>; paging?: { next: { after: string } } };
      seen.push(...body.results.map((r) => r.id));
      after = body.paging?.next.after;
    } while (after);
    expect(seen).toEqual(live());
  });

  it("pages a search by hs_object_id GT the last id read, and counts what is left", async () => {
    const seen: string[] = [];
    const totals: number[] = [];
    let last = "0";
    for (;;) {
      const res = await raw(emulator, "POST", "/crm/v3/objects/contacts/search", {
        filterGroups: [{ filters: [{ propertyName: "hs_object_id", operator: "GT", value: last }] }],
        sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
        limit: 2,
      });
      const body = (await res.json()) as { total: number; results: Array<{ id: string }> };
      if (body.results.length === 0) break;
      totals.push(body.total);
      seen.push(...body.results.map((r) => r.id));
      last = body.results[body.results.length - 1]!.id;
    }
    expect(seen).toEqual(live());
    expect(totals).toEqual([5, 3, 1]);
  });

  it("finds one contact by its id, and sorts by id descending exactly", async () => {
    const eq = await raw(emulator, "POST", "/crm/v3/objects/contacts/search", {
      filterGroups: [{ filters: [{ propertyName: "hs_object_id", operator: "EQ", value: ids[2] }] }],
    });
    expect(((await eq.json()) as { results: Array<{ id: string }> }).results.map((r) => r.id)).toEqual([ids[2]]);
    const between = await raw(emulator, "POST", "/crm/v3/objects/contacts/search", {
      filterGroups: [
        { filters: [{ propertyName: "hs_object_id", operator: "BETWEEN", value: ids[1], highValue: ids[4] }] },
      ],
      sorts: [{ propertyName: "hs_object_id", direction: "DESCENDING" }],
    });
    expect(((await between.json()) as { results: Array<{ id: string }> }).results.map((r) => r.id)).toEqual([
      ids[4],
      ids[2],
      ids[1],
    ]);
  });
});
