// Drives the real jsforce client against the Salesforce emulator over loopback: the emulator must answer
// what jsforce (and so leadloop's adapter) sees from a real org.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import jsforce, { type Connection } from "jsforce";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { runSoql } from "../../src/sandbox/salesforce/soql-evaluator.js";

interface SaveResult {
  id?: string | null;
  success: boolean;
  errors: { statusCode?: string; errorCode?: string; message: string; fields?: string[] }[];
  created?: boolean;
}

let sf: SalesforceEmulator;
let conn: Connection;

async function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sf.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sf.accessToken}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function rejection(
  promise: PromiseLike<unknown>,
): Promise<{ errorCode?: string; name?: string; message: string; data?: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as { errorCode?: string; message: string };
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  sf = await startSalesforceEmulator();
  conn = new jsforce.Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: "62.0" });
  const base = Date.parse("2025-03-01T00:00:00Z");
  for (let i = 0; i < 2450; i++) {
    sf.data.insert(
      "Lead",
      {
        FirstName: i % 7 === 0 ? null : `Zoë${i}`,
        LastName: `Müller-${String(i).padStart(4, "0")}`,
        Company: i % 3 === 0 ? "Acme GmbH" : "Globex Société",
        Email: `lead${i}@Example.com`,
        Country: i % 2 === 0 ? "DE" : "FR",
        NumberOfEmployees: i,
      },
      new Date(base + i * 60_000),
    );
  }
});

afterAll(async () => {
  await sf.close();
});

describe("SOQL query", () => {
  it("pages past 2,000 rows with nextRecordsUrl and queryMore", async () => {
    const first = await conn.query<{ Id: string }>("SELECT Id FROM Lead");
    expect(first.totalSize).toBe(2450);
    expect(first.done).toBe(false);
    expect(first.records).toHaveLength(2000);
    // jsforce turns the locator into an absolute URL; the raw answer is checked below.
    expect(first.nextRecordsUrl).toMatch(/\/services\/data\/v62\.0\/query\/01g[0-9a-f]{15}-2000$/);
    const second = await conn.queryMore<{ Id: string }>(first.nextRecordsUrl!);
    expect(second.done).toBe(true);
    expect(second.records).toHaveLength(450);
    expect(second.nextRecordsUrl).toBeUndefined();
    const ids = new Set([...first.records, ...second.records].map((r) => r.Id));
    expect(ids.size).toBe(2450);
    const rawFirst = await raw(
      "GET",
      `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Lead")}`,
    );
    expect(rawFirst.body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[0-9a-f]{15}-2000$/);
    const rawNext = await raw("GET", rawFirst.body.nextRecordsUrl);
    expect(rawNext.body).toMatchObject({ totalSize: 2450, done: true });
    const stale = await raw("GET", rawFirst.body.nextRecordsUrl);
    expect(stale.status).toBe(400);
    expect(stale.body[0].errorCode).toBe("INVALID_QUERY_LOCATOR");
  });

  it("answers a locator once, and not after 15 minutes idle; with queryLocatorLifetime twoDays, again and for two days", async () => {
    const clock = { t: Date.parse("2026-04-07T09:00:00Z") };
    const open = async (lifetime?: "twoDays") => {
      const org = await startSalesforceEmulator({ now: () => new Date(clock.t), ...(lifetime ? { queryLocatorLifetime: lifetime } : {}) });
      for (let i = 0; i < 450; i++) org.data.insert("Lead", { LastName: `Kowalska-${i}`, Company: "Łódź Tekstylia", Email: `k${i}@lodz-tekstylia.example` });
      const get = async (path: string, headers: Record<string, string> = {}) => {
        const res = await fetch(`${org.url}${path}`, { headers: { authorization: `Bearer ${org.accessToken}`, ...headers } });
        // A page ({ nextRecordsUrl, … }) or Salesforce's error list ([{ errorCode, … }]).
        return { status: res.status, body: (await res.json()) as { nextRecordsUrl: string } & Record<number, { errorCode: string }> };
      };
      const first = await get(`/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Lead")}`, { "Sforce-Query-Options": "batchSize=200" });
      return { org, get, next: first.body.nextRecordsUrl as string };
    };

    const strict = await open();
    try {
      const second = await strict.get(strict.next);
      expect(second.status).toBe(200);
      // The same locator again: used once already.
      expect((await strict.get(strict.next)).body[0]!.errorCode).toBe("INVALID_QUERY_LOCATOR");
      clock.t += 15 * 60_000 + 1000;
      expect((await strict.get(second.body.nextRecordsUrl)).body[0]!.errorCode).toBe("INVALID_QUERY_LOCATOR");
    } finally {
      await strict.org.close();
    }

    const lenient = await open("twoDays");
    try {
      expect((await lenient.get(lenient.next)).status).toBe(200);
      clock.t += 24 * 3_600_000;
      const again = await lenient.get(lenient.next);
      expect(again.status).toBe(200);
      clock.t += 25 * 3_600_000;
      expect((await lenient.get(again.body.nextRecordsUrl)).body[0]!.errorCode).toBe("INVALID_QUERY_LOCATOR");
    } finally {
      await lenient.org.close();
    }
  });

  it("honours Sforce-Query-Options batchSize and jsforce autoFetch with maxFetch", async () => {
    const res = await raw(
      "GET",
      `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Lead")}`,
      undefined,
      {
        "Sforce-Query-Options": "batchSize=500",
      },
    );
    expect(res.body.records).toHaveLength(500);
    const tiny = await raw(
      "GET",
      `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Lead")}`,
      undefined,
      {
        "Sforce-Query-Options": "batchSize=10",
      },
    );
    expect(tiny.body.records).toHaveLength(200);
    const fetched = await conn.query("SELECT Id, Email FROM Lead").run({ autoFetch: true, maxFetch: 2300 });
    expect(fetched.records).toHaveLength(2300);
  });

  it("filters, orders, limits and nests relationship fields", async () => {
    const res = await conn.query<Record<string, unknown>>(
      "SELECT LastName, email, Owner.Email, Owner.Name FROM Lead WHERE Company = 'ACME gmbh' AND (Country IN ('DE') OR NumberOfEmployees < 5) AND NOT LastName LIKE '%0000' ORDER BY NumberOfEmployees DESC LIMIT 3",
    );
    expect(res.totalSize).toBe(3);
    expect(res.records.map((r) => r.LastName)).toEqual(["Müller-2448", "Müller-2442", "Müller-2436"]);
    const first = res.records[0]!;
    expect(Object.keys(first)).toEqual(["attributes", "LastName", "Email", "Owner"]);
    expect(first.attributes).toEqual({
      type: "Lead",
      url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Lead\/00Q\w{15}$/),
    });
    expect(first.Owner).toEqual({
      attributes: { type: "User", url: expect.stringContaining("/sobjects/User/005") },
      Email: "integration@leadloop.sandbox",
      Name: "Integration User",
    });
  });

  it("sorts nulls first by default and last when asked, and counts with COUNT()", async () => {
    const nullsFirst = await conn.query<{ FirstName: string | null }>(
      "SELECT FirstName FROM Lead ORDER BY FirstName LIMIT 2",
    );
    expect(nullsFirst.records.map((r) => r.FirstName)).toEqual([null, null]);
    const nullsLast = await conn.query<{ FirstName: string | null }>(
      "SELECT FirstName FROM Lead ORDER BY FirstName DESC NULLS LAST LIMIT 1 OFFSET 0",
    );
    expect(nullsLast.records[0]!.FirstName).toBe("Zoë999");
    const count = await conn.query("SELECT COUNT() FROM Lead WHERE FirstName = null");
    expect(count.totalSize).toBe(350);
    expect(count.records).toEqual([]);
    // COUNT() takes a LIMIT but no ORDER BY (SOQL and SOSL Reference, "COUNT() and COUNT(fieldName)").
    expect((await conn.query("SELECT COUNT() FROM Lead WHERE FirstName = null LIMIT 20")).totalSize).toBe(20);
    const ordered = await rejection(conn.query("SELECT COUNT() FROM Lead ORDER BY LastName"));
    expect(ordered.errorCode).toBe("MALFORMED_QUERY");
  });

  it("filters SystemModstamp with datetime literals (Z and offset) and rejects quoted or date-only values", async () => {
    const res = await conn.query<{ LastName: string }>(
      "SELECT LastName, SystemModstamp FROM Lead WHERE SystemModstamp >= 2025-03-01T01:00:00Z AND SystemModstamp < 2025-03-01T03:02:00+02:00 ORDER BY SystemModstamp",
    );
    expect(res.records.map((r) => r.LastName)).toEqual(["Müller-0060", "Müller-0061"]);
    expect(res.records[0]).toMatchObject({ SystemModstamp: "2025-03-01T01:00:00.000+0000" });
    const quoted = await rejection(
      conn.query("SELECT Id FROM Lead WHERE SystemModstamp > '2025-03-01T00:00:00Z'"),
    );
    expect(quoted.errorCode).toBe("INVALID_FIELD");
    expect(quoted.message).toContain("must be of type dateTime and should not be enclosed in quotes");
    const dateOnly = await rejection(conn.query("SELECT Id FROM Lead WHERE SystemModstamp > 2025-03-01"));
    expect(dateOnly.errorCode).toBe("INVALID_FIELD");
  });

  it("keeps dateTimes to the second and compares them without milliseconds, as Salesforce does", async () => {
    const { id } = await sf.control.call<{ id: string }>("POST", "/records/Lead", {
      fields: {
        LastName: "Sørensen",
        Company: "Fjord Analytics ApS",
        Email: "mette.sorensen@fjord-analytics.dk",
        Leadloop_MQL_Date__c: "2025-06-02T10:14:59.999Z",
      },
      at: "2025-06-02T10:15:30.789Z",
    });
    const created = await conn.sobject("Lead").retrieve(id);
    expect(created).toMatchObject({
      SystemModstamp: "2025-06-02T10:15:30.000+0000",
      LastModifiedDate: "2025-06-02T10:15:30.000+0000",
      CreatedDate: "2025-06-02T10:15:30.000+0000",
      Leadloop_MQL_Date__c: "2025-06-02T10:14:59.000+0000",
    });
    const ids = async (where: string) =>
      (await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE ${where}`)).records.map((r) => r.Id);
    // Literals with milliseconds, as a real org takes them (the emulator's lenient `soqlDateTimes`).
    sf.data.soqlDateTimes = "fractional";
    try {
      expect(await ids("SystemModstamp = 2025-06-02T10:15:30.900Z")).toEqual([id]);
      expect(await ids("SystemModstamp >= 2025-06-02T10:15:30.999Z")).toEqual([id]);
      expect(await ids("SystemModstamp > 2025-06-02T10:15:30.001Z")).toEqual([]);
      expect(await ids("SystemModstamp > 2025-06-02T10:15:29.999Z")).toEqual([id]);
    } finally {
      sf.data.soqlDateTimes = "documented";
    }
  });

  it("answers MALFORMED_QUERY, INVALID_FIELD and INVALID_TYPE like Salesforce", async () => {
    const malformed = await rejection(conn.query("SELECT Id FROM Lead WHERE"));
    expect(malformed.errorCode).toBe("MALFORMED_QUERY");
    expect(malformed.message).toContain("ERROR at Row:1:Column:26");
    const field = await rejection(conn.query("SELECT Id, Favourite_Colour__c FROM Lead"));
    expect(field.errorCode).toBe("INVALID_FIELD");
    expect(field.message).toContain("No such column 'Favourite_Colour__c' on entity 'Lead'");
    const type = await rejection(conn.query("SELECT Id FROM Leed"));
    expect(type.errorCode).toBe("INVALID_TYPE");
    const relation = await rejection(conn.query("SELECT Boss.Email FROM Lead"));
    expect(relation.message).toContain("Didn't understand relationship 'Boss'");
  });

  it("refuses a string of more than 4,000 characters in WHERE, and a statement of more than 100,000 characters", async () => {
    // ASCII, so the URI stays under 16,384 bytes (4,000 "é" would be 24,000 bytes URL-encoded: 414 first).
    const longest = "x".repeat(4_000);
    const ok = await conn.query(`SELECT Id FROM Lead WHERE LastName = '${longest}'`);
    expect(ok.totalSize).toBe(0);
    const tooLong = await rejection(conn.query(`SELECT Id FROM Lead WHERE LastName = '${longest}x'`));
    expect(tooLong.errorCode).toBe("MALFORMED_QUERY");
    // A GET URI stops at 16,384 bytes, so a 100,000-character statement is met in process, as a
    // statement sent in a request body (Composite) would be.
    const ids = Array.from({ length: 5_000 }, (_, i) => `00Q${String(i).padStart(15, "0")}`);
    const statement = `SELECT Id FROM Lead WHERE Id IN (${ids.map((id) => `'${id}'`).join(", ")})`;
    expect(statement.length).toBeGreaterThan(100_000);
    expect(() => runSoql(sf.data.store, statement, { includeDeleted: false, version: "62.0" })).toThrow(
      "SOQL statements can not be longer than 100000 characters",
    );
    const within = `SELECT Id FROM Lead WHERE Id IN (${ids.slice(0, 4_500).map((id) => `'${id}'`).join(", ")})`;
    expect(within.length).toBeLessThanOrEqual(100_000);
    expect(runSoql(sf.data.store, within, { includeDeleted: false, version: "62.0" }).totalSize).toBe(0);
  });

  // The SOQL reference lists dateTime literals to the second ("Date Formats and Date Literals in WHERE");
  // a literal with milliseconds is refused by default, taken with soqlDateTimes: "fractional".
  it("takes a dateTime literal to the second and refuses one with milliseconds, unless told to take it", async () => {
    const id = sf.data.insert("Lead", { LastName: "Ñúñez", Company: "Fécula SA", Email: "nunez@fecula.es" });
    const stamp = String(sf.data.get("Lead", id)!.SystemModstamp).slice(0, 19);
    const second = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Id = '${id}' AND SystemModstamp >= ${stamp}Z`);
    expect(second.records.map((r) => r.Id)).toEqual([id]);
    const offset = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Id = '${id}' AND SystemModstamp >= ${stamp}+00:00`);
    expect(offset.totalSize).toBe(1);
    const fractional = await rejection(conn.query(`SELECT Id FROM Lead WHERE Id = '${id}' AND SystemModstamp >= ${stamp}.000Z`));
    expect(fractional.errorCode).toBe("MALFORMED_QUERY");
    sf.data.soqlDateTimes = "fractional";
    try {
      expect((await conn.query(`SELECT Id FROM Lead WHERE Id = '${id}' AND SystemModstamp >= ${stamp}.000Z`)).totalSize).toBe(1);
    } finally {
      sf.data.soqlDateTimes = "documented";
    }
  });

  it("refuses a filter value that is no record id on an id or lookup field, failing the whole query", async () => {
    const id = sf.data.insert("Lead", { LastName: "Ida", Company: "Ids Ltd", Email: "ida@ids.io" });
    const both = await conn.query<{ Id: string }>(`SELECT Id FROM Lead WHERE Id IN ('${id}', '${id.slice(0, 15)}')`);
    expect(both.records.map((r) => r.Id)).toEqual([id]);
    for (const where of [`Id IN ('${id}', 'not-an-id')`, "Id = '12345'", `OwnerId = 'n/a'`, `Id IN ('${id} ')`]) {
      const refused = await rejection(conn.query(`SELECT Id FROM Lead WHERE ${where}`));
      expect(refused.errorCode).toBe("INVALID_QUERY_FILTER_OPERATOR");
      expect(refused.message).toContain("invalid ID field");
    }
    // A well-formed id of no record, or of another object, finds nothing.
    const none = await conn.query(`SELECT Id FROM Lead WHERE Id = '001000000000000AAA'`);
    expect(none.totalSize).toBe(0);
  });

  it("sees deleted records only through queryAll", async () => {
    const id = sf.data.insert("Lead", { LastName: "Gone", Company: "Ghost Inc", Email: "gone@ghost.io" });
    await conn.sobject("Lead").destroy(id);
    const live = await conn.query("SELECT Id FROM Lead WHERE Email = 'gone@ghost.io'");
    expect(live.totalSize).toBe(0);
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>(
      "SELECT Id, IsDeleted FROM Lead WHERE Email = 'gone@ghost.io'",
      { scanAll: true },
    );
    expect(all.records).toEqual([expect.objectContaining({ Id: id, IsDeleted: true })]);
  });
});

describe("describe", () => {
  it("describes Lead with standard and leadloop custom fields", async () => {
    const d = await conn.sobject("Lead").describe();
    expect(d.name).toBe("Lead");
    expect(d.keyPrefix).toBe("00Q");
    const byName = new Map(d.fields.map((f) => [f.name, f]));
    expect(byName.get("LastName")).toMatchObject({
      type: "string",
      length: 80,
      nillable: false,
      createable: true,
    });
    expect(byName.get("Status")).toMatchObject({
      type: "picklist",
      restrictedPicklist: true,
      defaultedOnCreate: true,
    });
    expect(byName.get("Status")!.picklistValues).toContainEqual(
      expect.objectContaining({ value: "Open - Not Contacted", defaultValue: true, active: true }),
    );
    expect(byName.get("HubSpot_Contact_Id__c")).toMatchObject({
      externalId: true,
      unique: true,
      custom: true,
      length: 255,
    });
    expect(byName.get("Leadloop_Reasons__c")).toMatchObject({ type: "textarea", length: 32768 });
    expect(byName.get("Leadloop_MQL_Date__c")).toMatchObject({ type: "datetime" });
    expect(byName.get("OwnerId")).toMatchObject({
      type: "reference",
      referenceTo: ["User"],
      relationshipName: "Owner",
    });
    expect(byName.get("IsConverted")).toMatchObject({ createable: false, updateable: false });
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        "Lead",
        "Contact",
        "Account",
        "Opportunity",
        "Task",
        "User",
        "Campaign",
        "CampaignMember",
      ]),
    );
  });

  it("shows a field added with addField", async () => {
    sf.data.addField("Contact", { name: "Leadloop_Segment__c", type: "string", length: 40 });
    const d = await raw("GET", "/services/data/v62.0/sobjects/Contact/describe");
    expect(d.body.fields.find((f: { name: string }) => f.name === "Leadloop_Segment__c")).toMatchObject({
      length: 40,
      custom: true,
    });
  });

  it("takes away a field deleted with deleteField: its describe, its values, and any query or write naming it", async () => {
    // An org of its own: the shared one's Leads are counted by other tests.
    const org = await startSalesforceEmulator();
    try {
      const own = new jsforce.Connection({ instanceUrl: org.url, accessToken: org.accessToken, version: "62.0" });
      const id = org.data.insert("Lead", {
        LastName: "Núñez",
        Company: "Ébénisterie Núñez",
        Leadloop_Disposition_Reason__c: "Rappeler après l'été",
      });
      org.data.deleteField("Lead", "leadloop_disposition_reason__c");
      const described = await own.sobject("Lead").describe();
      expect(described.fields.some((f) => f.name === "Leadloop_Disposition_Reason__c")).toBe(false);
      expect(org.data.get("Lead", id)).not.toHaveProperty("Leadloop_Disposition_Reason__c");
      const read = await rejection(own.query("SELECT Id, Status, Leadloop_Disposition_Reason__c FROM Lead"));
      expect(read.errorCode).toBe("INVALID_FIELD");
      expect(read.message).toContain("No such column 'Leadloop_Disposition_Reason__c' on entity 'Lead'");
      const write = await rejection(own.sobject("Lead").update({ Id: id, Leadloop_Disposition_Reason__c: null }));
      expect(write.errorCode).toBe("INVALID_FIELD");
      expect(write.message).toBe("No such column 'Leadloop_Disposition_Reason__c' on sobject of type Lead");
      expect(() => org.data.deleteField("Lead", "HubSpot_Contact_Id__c")).toThrow(/indexed/);
      expect(() => org.data.deleteField("Lead", "Status")).toThrow(/no custom field/);
    } finally {
      await org.close();
    }
  });
});

describe("field history", () => {
  it("writes a LeadHistory row for each change of a tracked field, queryable by SOQL, and none for others", async () => {
    const id = sf.data.insert(
      "Lead",
      { LastName: "Ní Bhriain", Company: "Cló Iar-Chonnacht", Title: "Bainisteoir" },
      new Date(Date.now() - 60_000),
    );
    const patched = await raw("PATCH", `/services/data/v62.0/sobjects/Lead/${id}`, { Title: "Príomhfheidhmeannach", City: "Indreabhán" });
    expect(patched.status).toBe(204);
    const rows = await conn.query<Record<string, unknown>>(
      `SELECT LeadId, Field, OldValue, NewValue, CreatedDate FROM LeadHistory WHERE LeadId = '${id}' ORDER BY CreatedDate DESC`,
    );
    expect(rows.records.map((r) => [r.Field, r.OldValue, r.NewValue])).toEqual([
      ["Title", "Bainisteoir", "Príomhfheidhmeannach"],
      ["created", null, null],
    ]);
    expect(rows.records[0]!.CreatedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
  });

  it("tracks the fields an admin chose, at most 20 an object", async () => {
    const id = sf.data.insert("Lead", { LastName: "Ó Súilleabháin", Company: "Cork Cheese Co", Title: "Buyer" });
    sf.data.trackHistory("Lead", ["Phone"]);
    try {
      sf.data.update("Lead", id, { Title: "Head Buyer", Phone: "+353 21 490 1234" });
      const rows = sf.data.query(`SELECT Field FROM LeadHistory WHERE LeadId = '${id}'`).records;
      expect(rows.map((r) => r.Field).sort()).toEqual(["Phone", "created"]);
      expect(() => sf.data.trackHistory("Lead", Array.from({ length: 21 }, () => "Title"))).toThrow(/at most 20/);
      expect(() => sf.data.trackHistory("Task", ["Subject"])).toThrow(/no field history/);
    } finally {
      sf.data.trackHistory("Lead", ["Title", "Phone", "MobilePhone", "Email", "Status"]);
    }
  });

  it("tracks an address as its compound field: one row naming Address, without values, for a change of any part", async () => {
    const id = sf.data.insert("Lead", { LastName: "Ní Bhriain", Company: "Gaillimh Teo", City: "Gaillimh", Street: "Sráid na Siopaí 1" });
    expect(() => sf.data.trackHistory("Lead", ["City"])).toThrow(/part of its address: track Address/);
    sf.data.trackHistory("Lead", ["Address"]);
    try {
      sf.data.update("Lead", id, { City: "Baile Átha Cliath", Street: "Sráid Grafton 7" });
      sf.data.update("Lead", id, { Title: "Ceannaitheoir" });
      const rows = sf.data.query(`SELECT Field, OldValue, NewValue FROM LeadHistory WHERE LeadId = '${id}' AND Field IN ('City', 'Street', 'Address')`).records;
      expect(rows.map((r) => [r.Field, r.OldValue, r.NewValue])).toEqual([["Address", null, null]]);
    } finally {
      sf.data.trackHistory("Lead", ["Title", "Phone", "MobilePhone", "Email", "Status"]);
    }
  });

  it("keeps a lookup's change as two rows, its ids (EntityId) and its records' names (Text), under the relationship's name", async () => {
    // An org of its own: the users it adds would be other tests' users.
    const org = await startSalesforceEmulator({ trackedFields: { Lead: ["OwnerId", "Title"] } });
    try {
      const siobhan = org.data.insert("User", { Username: "siobhan.nic.aodha@example.ie.test", Email: "siobhan.nic.aodha@example.ie", FirstName: "Siobhán", LastName: "Nic Aodha", IsActive: true });
      const padraig = org.data.insert("User", { Username: "padraig.o.se@example.ie.test", Email: "padraig.o.se@example.ie", FirstName: "Pádraig", LastName: "Ó Sé", IsActive: true });
      const id = org.data.insert("Lead", { LastName: "Mac Giolla Phádraig", Company: "Ceardlann na Coille", OwnerId: siobhan });
      org.data.update("Lead", id, { OwnerId: padraig });
      const rows = org.data.query(`SELECT Field, DataType, OldValue, NewValue FROM LeadHistory WHERE LeadId = '${id}' AND Field = 'Owner'`).records;
      expect(rows.map((r) => [r.Field, r.DataType, r.OldValue, r.NewValue]).sort()).toEqual([
        ["Owner", "EntityId", siobhan, padraig],
        ["Owner", "Text", "Siobhán Nic Aodha", "Pádraig Ó Sé"],
      ]);
      expect(org.data.query(`SELECT Id FROM LeadHistory WHERE LeadId = '${id}' AND Field = 'OwnerId'`).records).toEqual([]);
    } finally {
      await org.close();
    }
  });

  it("keeps a long text area's change without its values, and a short field's with them and its DataType", async () => {
    const id = sf.data.insert("Lead", { LastName: "de Búrca", Company: "Aran Sweater Market", Description: "Interested in the spring collection" });
    sf.data.trackHistory("Lead", ["Description", "Title"]);
    try {
      sf.data.update("Lead", id, { Description: "", Title: "Ceannaire Díolacháin" });
      const rows = sf.data.query(`SELECT Field, DataType, OldValue, NewValue FROM LeadHistory WHERE LeadId = '${id}' AND Field != 'created'`).records;
      expect(rows.map((r) => [r.Field, r.DataType, r.OldValue, r.NewValue]).sort()).toEqual([
        ["Description", "TextArea", null, null],
        ["Title", "Text", null, "Ceannaire Díolacháin"],
      ]);
    } finally {
      sf.data.trackHistory("Lead", ["Title", "Phone", "MobilePhone", "Email", "Status"]);
    }
  });
});

describe("sObject rows", () => {
  it("creates (201), reads with fields, updates (204) and deletes (204)", async () => {
    const created = await raw("POST", "/services/data/v62.0/sobjects/Lead", {
      FirstName: "Ångström",
      LastName: "O'Brien",
      Company: "Café Zürich",
      Email: "angstrom@cafe.ch",
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^00Q\w{15}$/), success: true, errors: [] });
    const id = created.body.id as string;
    expect(created.headers.get("sforce-limit-info")).toMatch(/^api-usage=\d+\/100000$/);

    const read = await conn.sobject("Lead").retrieve(id, { fields: ["Name", "Status", "Company"] });
    expect(read).toEqual({
      attributes: { type: "Lead", url: `/services/data/v62.0/sobjects/Lead/${id}` },
      Name: "Ångström O'Brien",
      Status: "Open - Not Contacted",
      Company: "Café Zürich",
    });
    const patched = await raw("PATCH", `/services/data/v62.0/sobjects/Lead/${id}`, {
      Title: "CTO",
      Phone: "",
    });
    expect(patched.status).toBe(204);
    expect(sf.data.get("Lead", id)).toMatchObject({ Title: "CTO", Phone: null });
    const deleted = await raw("DELETE", `/services/data/v62.0/sobjects/Lead/${id}`);
    expect(deleted.status).toBe(204);
    const again = await raw("GET", `/services/data/v62.0/sobjects/Lead/${id}`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual([{ message: "entity is deleted", errorCode: "ENTITY_IS_DELETED" }]);
  });

  it("reports required, unknown, picklist, length, email and unique violations", async () => {
    const missing = await raw("POST", "/services/data/v62.0/sobjects/Lead", { FirstName: "No" });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual([
      {
        errorCode: "REQUIRED_FIELD_MISSING",
        message: "Required fields are missing: [LastName, Company]",
        fields: ["LastName", "Company"],
      },
    ]);
    const unknown = await raw("POST", "/services/data/v62.0/sobjects/Lead", {
      LastName: "X",
      Company: "Y",
      Shoe_Size__c: 9,
    });
    expect(unknown.body[0]).toMatchObject({
      errorCode: "INVALID_FIELD",
      message: "No such column 'Shoe_Size__c' on sobject of type Lead",
    });
    const picklist = await rejection(
      conn.sobject("Lead").create({ LastName: "X", Company: "Y", Status: "Hot Prospect" }),
    );
    expect(picklist.errorCode).toBe("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    const tooLong = await raw("POST", "/services/data/v62.0/sobjects/Lead", {
      LastName: "L".repeat(81),
      Company: "Y",
    });
    expect(tooLong.body[0]).toMatchObject({ errorCode: "STRING_TOO_LONG", fields: ["LastName"] });
    // A non-ASCII local part is refused; the same address spelled in ASCII is fine.
    const accented = await raw("POST", "/services/data/v62.0/sobjects/Lead", {
      LastName: "Krämer",
      Company: "Y",
      Email: "jürgen.krämer@example.de",
    });
    expect(accented.body[0]).toMatchObject({ errorCode: "INVALID_EMAIL_ADDRESS", fields: ["Email"] });
    const ascii = await raw("POST", "/services/data/v62.0/sobjects/Lead", {
      LastName: "Krämer",
      Company: "Y",
      Email: "juergen.kraemer@example.de",
    });
    expect(ascii.status).toBe(201);
    await conn.sobject("Contact").create({ LastName: "Uniq", HubSpot_Contact_Id__c: "hs-777" });
    const dup = await rejection(
      conn.sobject("Contact").create({ LastName: "Uniq2", HubSpot_Contact_Id__c: "HS-777" }),
    );
    expect(dup.errorCode).toBe("DUPLICATE_VALUE");
  });

  it("refuses a date-time or a day the calendar has not in a date field (JSON_PARSER_ERROR), rather than cut it to its day", async () => {
    const lead = sf.data.insert("Lead", { LastName: "Ferreira", Company: "Vinhos do Douro Lda", Email: "ana.ferreira@douro.example" });
    for (const day of ["2026-03-02T15:30:00Z", "2026-03-02T00:00:00.000+0000", "2026-02-30", "02/03/2026"]) {
      const refused = await raw("POST", "/services/data/v62.0/sobjects/Task", { Subject: "Call", WhoId: lead, ActivityDate: day });
      expect([day, refused.status, refused.body[0].errorCode]).toEqual([day, 400, "JSON_PARSER_ERROR"]);
    }
    const taken = await raw("POST", "/services/data/v62.0/sobjects/Task", { Subject: "Call", WhoId: lead, ActivityDate: "2026-03-02" });
    expect(taken.status).toBe(201);
    expect(sf.data.get("Task", taken.body.id)?.ActivityDate).toBe("2026-03-02");
  });

  it("refuses a Task Priority the org has no TaskPriority for, as it refuses such a Status", async () => {
    const lead = sf.data.insert("Lead", { LastName: "Jovanović", Company: "Beograd Softver d.o.o.", Email: "n.jovanovic@bg-softver.example" });
    for (const [field, value] of [["Priority", "Urgent"], ["Status", "Done"]] as const) {
      const refused = await raw("POST", "/services/data/v62.0/sobjects/Task", { Subject: "Call", WhoId: lead, [field]: value });
      expect(refused.body).toEqual([
        { errorCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", message: `${field}: bad value for restricted picklist field: ${value}`, fields: [field] },
      ]);
    }
    const taken = await raw("POST", "/services/data/v62.0/sobjects/Task", { Subject: "Call", WhoId: lead, Priority: "High" });
    expect(taken.status).toBe(201);
    const described = await conn.sobject("Task").describe();
    expect(described.fields.find((f) => f.name === "Priority")?.restrictedPicklist).toBe(true);
  });

  it("refuses a Task whose Name is a Lead and that is related to another record (FIELD_INTEGRITY_EXCEPTION)", async () => {
    const lead = sf.data.insert("Lead", { LastName: "Østergaard", Company: "Nordlys Energi", Email: "m.ostergaard@nordlys.example" });
    const account = sf.data.insert("Account", { Name: "Nordlys Energi A/S" });
    const refused = await raw("POST", "/services/data/v62.0/sobjects/Task", { Subject: "Call", WhoId: lead, WhatId: account });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual([expect.objectContaining({ errorCode: "FIELD_INTEGRITY_EXCEPTION", fields: ["WhoId", "WhatId"] })]);
    // A task on the Lead alone is taken; relating it afterwards is refused the same way.
    const task = await raw("POST", "/services/data/v62.0/sobjects/Task", { Subject: "Call", WhoId: lead });
    expect(task.status).toBe(201);
    const related = await raw("PATCH", `/services/data/v62.0/sobjects/Task/${task.body.id}`, { WhatId: account });
    expect(related.body).toEqual([expect.objectContaining({ errorCode: "FIELD_INTEGRITY_EXCEPTION" })]);
    // A Contact's task may be related to its Account.
    const contact = sf.data.insert("Contact", { LastName: "Østergaard", AccountId: account });
    const onContact = await raw("POST", "/services/data/v62.0/sobjects/Task", { Subject: "Call", WhoId: contact, WhatId: account });
    expect(onContact.status).toBe(201);
  });

  it("refuses to give a Lead or Task to a deactivated user (INACTIVE_OWNER_OR_USER), and keeps what they own", async () => {
    // An org of its own: the user it adds would be other tests' users.
    const org = await startSalesforceEmulator();
    const post = (type: string, body: unknown, method = "POST", id = "") =>
      fetch(`${org.url}/services/data/v62.0/sobjects/${type}${id ? `/${id}` : ""}`, {
        method,
        headers: { authorization: `Bearer ${org.accessToken}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: await res.json() }));
    try {
    const leaver = org.data.insert("User", { Username: "bjorn.lindqvist@example.se.test", Email: "bjorn.lindqvist@example.se", FirstName: "Björn", LastName: "Lindqvist", IsActive: true });
    const lead = org.data.insert("Lead", { LastName: "Nakamura", Company: "Kōbe Steel Works", Email: "h.nakamura@kobe-steel.example", OwnerId: leaver });
    org.data.update("User", leaver, { IsActive: false });

    const created = await post("Lead", { LastName: "Dubois", Company: "Maison Lumière", OwnerId: leaver });
    expect(created.status).toBe(400);
    expect(created.body).toEqual([
      {
        errorCode: "INACTIVE_OWNER_OR_USER",
        message: `operation performed with inactive user [${leaver}] as owner of lead`,
        fields: ["OwnerId"],
      },
    ]);
    const task = await post("Task", { Subject: "Call", WhoId: lead, OwnerId: leaver });
    expect(task.body).toEqual([expect.objectContaining({ errorCode: "INACTIVE_OWNER_OR_USER", message: expect.stringMatching(/as owner of task$/) })]);
    const moved = await post("Lead", { OwnerId: leaver }, "PATCH", lead);
    expect(moved.body).toEqual([expect.objectContaining({ errorCode: "INACTIVE_OWNER_OR_USER" })]);
    // Deactivating the user does not take their records from them.
    expect(org.data.get("Lead", lead)?.OwnerId).toBe(leaver);
    } finally {
      await org.close();
    }
  });

  it("updates a record a deactivated user owns only to give it to an active user (INACTIVE_OWNER_OR_USER), or as the org allows", async () => {
    for (const inactiveOwnerUpdates of ["refused", "allowed"] as const) {
      const org = await startSalesforceEmulator({ inactiveOwnerUpdates });
      const patch = (type: string, id: string, body: unknown) =>
        fetch(`${org.url}/services/data/v62.0/sobjects/${type}/${id}`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${org.accessToken}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, body: res.status === 204 ? undefined : await res.json() }));
      try {
        const leaver = org.data.insert("User", { Username: "siobhan.oneill@example.ie.test", Email: "siobhan.oneill@example.ie", FirstName: "Siobhán", LastName: "O'Neill", IsActive: true });
        const stayer = org.data.insert("User", { Username: "ines.moreau@example.fr.test", Email: "ines.moreau@example.fr", FirstName: "Inès", LastName: "Moreau", IsActive: true });
        const lead = org.data.insert("Lead", { FirstName: "Łukasz", LastName: "Wiśniewski", Company: "Żabka Polska sp. z o.o.", Email: "l.wisniewski@zabka.example", OwnerId: leaver });
        org.data.update("User", leaver, { IsActive: false });

        const scored = await patch("Lead", lead, { Title: "Kierownik Zakupów — Region Północ" });
        if (inactiveOwnerUpdates === "refused") {
          expect(scored.body).toEqual([{ errorCode: "INACTIVE_OWNER_OR_USER", message: `operation performed with inactive user [${leaver}] as owner of lead` }]);
          expect(org.data.get("Lead", lead)?.Title).toBeNull();
        } else {
          expect(scored.status).toBe(204);
        }
        // Giving the Lead to an active rep is how an admin puts it right, with other fields in the same save.
        const moved = await patch("Lead", lead, { OwnerId: stayer, Title: "Kierownik Zakupów" });
        expect(moved.status).toBe(204);
        expect(org.data.get("Lead", lead)).toEqual(expect.objectContaining({ OwnerId: stayer, Title: "Kierownik Zakupów" }));
      } finally {
        await org.close();
      }
    }
  });

  it("refuses any update of a record an approval process locked (ENTITY_IS_LOCKED) until it is unlocked, or as the org allows", async () => {
    for (const lockedRecordUpdates of ["refused", "allowed"] as const) {
      const org = await startSalesforceEmulator({ lockedRecordUpdates });
      const patch = (body: unknown) =>
        fetch(`${org.url}/services/data/v62.0/sobjects/Lead/${lead}`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${org.accessToken}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, body: res.status === 204 ? undefined : await res.json() }));
      const lead = org.data.insert("Lead", { FirstName: "Łukasz", LastName: "Wiśniewski", Company: "Żabka Polska sp. z o.o.", Email: "l.wisniewski@zabka.example" });
      try {
        org.data.lock("Lead", lead);
        const locked = await patch({ Title: "Kierownik Zakupów — Region Północ" });
        if (lockedRecordUpdates === "refused") {
          expect(locked.body).toEqual([{ errorCode: "ENTITY_IS_LOCKED", message: "the entity is locked for editing" }]);
          expect(org.data.get("Lead", lead)?.Title).toBeNull();
        } else {
          expect(locked.status).toBe(204);
        }
        org.data.unlock("Lead", lead);
        expect((await patch({ Title: "Kierownik Zakupów" })).status).toBe(204);
        expect(org.data.get("Lead", lead)?.Title).toBe("Kierownik Zakupów");
      } finally {
        await org.close();
      }
    }
  });

  it("matches people by first name, last name and company under the standard Lead and Contact rules, or by email alone", async () => {
    for (const duplicateMatching of ["standard", "email"] as const) {
      const org = await startSalesforceEmulator({ duplicateMatching });
      const post = (type: string, body: unknown) =>
        fetch(`${org.url}/services/data/v62.0/sobjects/${type}`, {
          method: "POST",
          headers: { authorization: `Bearer ${org.accessToken}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as Refusal }));
      type Refusal = { errorCode: string; duplicateResut: { matchResults: { matchRecords: { record: { Id: string } }[] }[] } }[];
      try {
        const jose = org.data.insert("Lead", { FirstName: "José", LastName: "García", Company: "Acme, Inc.", Email: "jose.garcia@acme.example" });
        // Case, accents, punctuation and the legal form differ; the names are swapped; the email is another.
        const twin = await post("Lead", { FirstName: "GARCIA", LastName: "jose", Company: "ACME Inc", Email: "jgarcia@acme-logistics.example" });
        const otherCompany = await post("Lead", { FirstName: "José", LastName: "García", Company: "Acme Logistics", Email: "jose@acme-logistics.example" });
        const noFirstName = await post("Lead", { LastName: "García", Company: "Acme", Email: "garcia@acme.example" });
        expect(otherCompany.status).toBe(201);
        expect(noFirstName.status).toBe(201);
        const account = org.data.insert("Account", { Name: "Société Générale d'Optique S.A." });
        org.data.insert("Contact", { FirstName: "Anaïs", LastName: "Bérenger-Duval", AccountId: account, Email: "anais@sgo-optique.fr" });
        const other = org.data.insert("Account", { Name: "societe generale d optique" });
        const contact = await post("Contact", { FirstName: "Anais", LastName: "Berenger Duval", AccountId: other, Email: "a.berenger@gmail.example" });
        if (duplicateMatching === "standard") {
          expect(twin.status).toBe(400);
          expect(twin.body[0]!.errorCode).toBe("DUPLICATES_DETECTED");
          expect(twin.body[0]!.duplicateResut).toEqual(
            expect.objectContaining({ duplicateRule: "Standard_Rule_for_Leads_with_Duplicate_Leads", duplicateRuleEntityType: "Lead" }),
          );
          expect(twin.body[0]!.duplicateResut.matchResults[0]!.matchRecords.map((m) => m.record.Id)).toEqual([jose]);
          expect(contact.status).toBe(400);
          expect(contact.body[0]!.duplicateResut).toEqual(
            expect.objectContaining({ duplicateRule: "Standard_Rule_for_Contacts_with_Duplicate_Contacts", duplicateRuleEntityType: "Contact" }),
          );
        } else {
          expect([twin.status, contact.status]).toEqual([201, 201]);
          expect((await post("Lead", { LastName: "Twin", Company: "Dup Co", Email: "JOSE.garcia@acme.example" })).status).toBe(400);
        }
      } finally {
        await org.close();
      }
    }
  });

  it("refuses a new Account of the same name in the same billing city under the standard Account rule, and saves its edits", async () => {
    for (const duplicateMatching of ["standard", "email"] as const) {
      const org = await startSalesforceEmulator({ duplicateMatching });
      const call = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
        fetch(`${org.url}/services/data/v62.0/sobjects/${path}`, {
          method,
          headers: { authorization: `Bearer ${org.accessToken}`, "content-type": "application/json", ...headers },
          body: JSON.stringify(body),
        }).then(async (res) => ({ status: res.status, body: res.status === 204 ? undefined : ((await res.json()) as Refusal) }));
      type Refusal = {
        errorCode: string;
        duplicateResut: { duplicateRule: string; matchResults: { rule: string; matchRecords: { record: { Id: string } }[] }[] };
      }[];
      try {
        const muller = org.data.insert("Account", { Name: "Müller GmbH", BillingCity: "München", Website: "https://www.mueller-maschinenbau.de" });
        // Umlaut spelled out, legal form in capitals, the city spelled out too: the same company to the rule.
        const twin = await call("POST", "Account", { Name: "MUELLER Gmbh", BillingCity: "Muenchen" });
        // A subsidiary elsewhere, a name with no city, another name in the city: none is matched.
        const vienna = await call("POST", "Account", { Name: "Müller GmbH", BillingCity: "Wien", Website: "mueller.at" });
        const noCity = await call("POST", "Account", { Name: "Müller GmbH" });
        const other = await call("POST", "Account", { Name: "Müller Logistik GmbH", BillingCity: "München" });
        expect([vienna.status, noCity.status, other.status]).toEqual([201, 201, 201]);
        if (duplicateMatching === "email") {
          expect(twin.status).toBe(201);
          continue;
        }
        expect(twin.status).toBe(400);
        expect(twin.body![0]!.errorCode).toBe("DUPLICATES_DETECTED");
        expect(twin.body![0]!.duplicateResut).toEqual(
          expect.objectContaining({ duplicateRule: "Standard_Account_Duplicate_Rule", duplicateRuleEntityType: "Account" }),
        );
        expect(twin.body![0]!.duplicateResut.matchResults[0]!.rule).toBe("Standard_Account_Match_Rule_v1_0");
        expect(twin.body![0]!.duplicateResut.matchResults[0]!.matchRecords.map((m) => m.record.Id)).toEqual([muller]);
        // The header saves past the alert; an edit that makes a namesake is only reported, so it saves too.
        const allowed = await call("POST", "Account", { Name: "Mueller GmbH", BillingCity: "München" }, { "Sforce-Duplicate-Rule-Header": "allowSave=true" });
        expect(allowed.status).toBe(201);
        const renamed = await call("PATCH", `Account/${String((other.body as unknown as { id: string }).id)}`, { Name: "Müller G.m.b.H." });
        expect(renamed.status).toBe(204);
      } finally {
        await org.close();
      }
    }
  });

  it("blocks a second Lead with the same email under the standard duplicate rule, spelled duplicateResut", async () => {
    const res = await raw("POST", "/services/data/v62.0/sobjects/Lead", {
      LastName: "Twin",
      Company: "Dup Co",
      Email: "LEAD5@example.COM",
    });
    expect(res.status).toBe(400);
    expect(res.body[0].errorCode).toBe("DUPLICATES_DETECTED");
    expect(res.body[0].duplicateResut.matchResults[0].matchRecords[0].record.Id).toBe(
      sf.data.query("SELECT Id FROM Lead WHERE Email = 'lead5@example.com'").records[0]!.Id,
    );
    expect(res.body[0].duplicateResult).toBeUndefined();
    const allowed = await raw(
      "POST",
      "/services/data/v62.0/sobjects/Lead",
      { LastName: "Twin", Company: "Dup Co", Email: "LEAD5@example.COM" },
      { "Sforce-Duplicate-Rule-Header": "allowSave=true" },
    );
    expect(allowed.status).toBe(201);
  });

  it("upserts by external id: 201 created, then 200 with created false", async () => {
    const first = await raw("PATCH", "/services/data/v62.0/sobjects/Account/HubSpot_Company_Id__c/hs-co-1", {
      Name: "Nordwind AG",
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^001/),
      success: true,
      errors: [],
      created: true,
    });
    const second = (await conn
      .sobject("Account")
      .upsert(
        { HubSpot_Company_Id__c: "hs-co-1", Name: "Nordwind AG (DE)" },
        "HubSpot_Company_Id__c",
      )) as SaveResult;
    expect(second).toEqual({ id: first.body.id, success: true, errors: [], created: false });
    expect(sf.data.get("Account", first.body.id)).toMatchObject({
      Name: "Nordwind AG (DE)",
      HubSpot_Company_Id__c: "hs-co-1",
    });
    const wrongField = await raw("PATCH", "/services/data/v62.0/sobjects/Account/Name/x", { Name: "x" });
    expect(wrongField.status).toBe(404);
  });
});

describe("sObject Collections", () => {
  const leads = () => [
    { LastName: "Batch-A", Company: "Alpha", Email: "batch-a@alpha.io" },
    { LastName: "Batch-B", Company: "Beta", Status: "Not A Status" },
    { LastName: "Batch-C", Company: "Gamma" },
  ];

  it("saves the valid records when allOrNone is false", async () => {
    const results = (await conn.sobject("Lead").create(leads(), { allOrNone: false })) as SaveResult[];
    expect(results.map((r) => r.success)).toEqual([true, false, true]);
    expect(results[1]!.errors[0]).toMatchObject({
      statusCode: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
      fields: ["Status"],
    });
    expect(sf.data.query("SELECT Id FROM Lead WHERE LastName LIKE 'Batch-_'").totalSize).toBe(2);
  });

  it("rolls everything back when allOrNone is true", async () => {
    const batch = leads().map((l) => ({ ...l, LastName: `${l.LastName}-all`, Email: undefined }));
    const res = await raw("POST", "/services/data/v62.0/composite/sobjects", {
      allOrNone: true,
      records: batch.map((r) => ({ attributes: { type: "Lead" }, ...r })),
    });
    expect(res.status).toBe(200);
    expect(res.body[0]).toEqual({
      id: null,
      success: false,
      errors: [
        {
          statusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
          message:
            "Record rolled back because not all records were valid and the request was using AllOrNone header",
          fields: [],
        },
      ],
    });
    expect(res.body[1].errors[0].statusCode).toBe("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    expect(sf.data.query("SELECT Id FROM Lead WHERE LastName LIKE '%-all'").totalSize).toBe(0);
  });

  it("applies an injected per-record validation fault to just that record", async () => {
    await sf.control.addFaults({
      records: [{ object: "Lead", field: "Company", equals: "poison ltd", message: "Company is blocked" }],
    });
    const results = (await conn.sobject("Lead").create([
      { LastName: "Fine", Company: "Okay Ltd" },
      { LastName: "Bad", Company: "Poison Ltd" },
    ])) as SaveResult[];
    await sf.control.clearFaults();
    expect(results[0]!.success).toBe(true);
    expect(results[1]).toEqual({
      id: null,
      success: false,
      errors: [
        {
          statusCode: "FIELD_CUSTOM_VALIDATION_EXCEPTION",
          message: "Company is blocked",
          fields: ["Company"],
        },
      ],
    });
  });

  it("updates, upserts with created flags, retrieves and deletes in collections", async () => {
    const created = (await conn.sobject("Contact").create([
      { LastName: "Coll-1", Email: "c1@x.io" },
      { LastName: "Coll-2", Email: "c2@x.io" },
    ])) as SaveResult[];
    const [id1, id2] = created.map((r) => r.id!);
    const updated = (await conn.sobject("Contact").update([
      { Id: id1!, Title: "VP Sales" },
      { Id: "003000000000000AAA", Title: "Nobody" },
    ])) as SaveResult[];
    expect(updated[0]).toEqual({ id: id1, success: true, errors: [] });
    expect(updated[1]!.success).toBe(false);

    const upserted = (await conn.sobject("Contact").upsert(
      [
        { HubSpot_Contact_Id__c: "hs-c-1", LastName: "Up-1" },
        { HubSpot_Contact_Id__c: "hs-c-2", LastName: "Up-2" },
      ],
      "HubSpot_Contact_Id__c",
    )) as SaveResult[];
    expect(upserted.map((r) => r.created)).toEqual([true, true]);
    const again = (await conn.sobject("Contact").upsert(
      [
        { HubSpot_Contact_Id__c: "hs-c-1", LastName: "Up-1b" },
        { HubSpot_Contact_Id__c: "hs-c-3", LastName: "Up-3" },
      ],
      "HubSpot_Contact_Id__c",
    )) as SaveResult[];
    expect(again.map((r) => [r.success, r.created])).toEqual([
      [true, false],
      [true, true],
    ]);
    expect(again[0]!.id).toBe(upserted[0]!.id);

    const fetched = await conn
      .sobject("Contact")
      .retrieve([id1!, "003000000000000AAA"], { fields: ["LastName", "Title"] });
    expect(fetched[0]).toMatchObject({ LastName: "Coll-1", Title: "VP Sales" });
    expect(fetched[1]).toBeNull();
    const viaGet = await raw(
      "GET",
      `/services/data/v62.0/composite/sobjects/Contact?ids=${id2}&fields=LastName`,
    );
    expect(viaGet.body).toEqual([
      { attributes: expect.objectContaining({ type: "Contact" }), LastName: "Coll-2" },
    ]);

    const removed = (await conn.sobject("Contact").destroy([id1!, id2!])) as SaveResult[];
    expect(removed.map((r) => r.success)).toEqual([true, true]);
  });

  it("refuses an upsert whose records lack attributes.type or name another type, writing none of them", async () => {
    const url = "/services/data/v62.0/composite/sobjects/Contact/HubSpot_Contact_Id__c";
    const bare = await raw("PATCH", url, { allOrNone: false, records: [{ HubSpot_Contact_Id__c: "hs-bare-1", LastName: "Ó Dónaill" }] });
    expect(bare.status).toBe(400);
    expect(bare.body[0].errorCode).toBe("INVALID_TYPE");
    const mixed = await raw("PATCH", url, {
      allOrNone: false,
      records: [
        { attributes: { type: "Contact" }, HubSpot_Contact_Id__c: "hs-mixed-1", LastName: "Ní Mhurchú" },
        { attributes: { type: "Lead" }, HubSpot_Contact_Id__c: "hs-mixed-2", LastName: "Mac Giolla", Company: "Cló Iar-Chonnacht" },
      ],
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body[0].errorCode).toBe("INVALID_TYPE");
    expect(sf.data.query("SELECT Id FROM Contact WHERE HubSpot_Contact_Id__c IN ('hs-bare-1', 'hs-mixed-1')").records).toEqual([]);
  });

  it("refuses more than 200 records a call", async () => {
    const records = Array.from({ length: 201 }, (_, i) => ({
      attributes: { type: "Task" },
      Subject: `T${i}`,
    }));
    const res = await raw("POST", "/services/data/v62.0/composite/sobjects", { allOrNone: false, records });
    expect(res.status).toBe(400);
    expect(res.body[0].errorCode).toBe("EXCEEDED_ID_LIMIT");
  });
});

describe("replication: getUpdated and getDeleted", () => {
  it("lists ids updated and deleted in a window", async () => {
    const start = new Date(Date.now() - 60_000);
    const a = sf.data.insert("Account", { Name: "Repl A" });
    const b = sf.data.insert("Account", { Name: "Repl B" }, new Date("2024-01-01T00:00:00Z"));
    sf.data.delete("Account", a);
    const end = new Date(Date.now() + 60_000);
    const updated = await conn.sobject("Account").updated(start.toISOString(), end.toISOString());
    expect(updated.ids).not.toContain(b);
    const deleted = await conn.sobject("Account").deleted(start.toISOString(), end.toISOString());
    expect(deleted.deletedRecords).toEqual([{ id: a, deletedDate: expect.stringMatching(/\+0000$/) }]);
    const all = await conn.sobject("Account").updated(new Date("2023-12-31T00:00:00Z"), end);
    expect(all.ids).toContain(b);
  });

  // "sObject Get Updated": seconds are ignored, and the window must span more than one minute.
  it("refuses a window of one minute or less, counting whole minutes", async () => {
    // 45 seconds into a minute, an hour ago: within the 30 days a start may reach back.
    const t = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000 + 45_000;
    const window = (from: number, to: number) =>
      raw(
        "GET",
        `/services/data/v62.0/sobjects/Account/deleted?start=${new Date(from).toISOString()}&end=${new Date(to).toISOString()}`,
      );
    const tooShort = await window(t, t + 50_000); // 10:00:45 → 10:01:35 is 10:00 → 10:01
    expect(tooShort.status).toBe(400);
    expect(tooShort.body[0].errorCode).toBe("INVALID_REPLICATION_DATE");
    expect((await window(t, t + 90_000)).status).toBe(200); // 10:00 → 10:02
  });

  // getDeleted's start reaches back 30 days at most, and its answer holds the deletions of the last 15
  // days (SOAP API Developer Guide, "getDeleted()", Rules and Guidelines; "sObject Get Deleted").
  it("refuses a start more than 30 days back, and lists the deletions of the last 15 days only", async () => {
    const day = 86_400_000;
    const now = Date.now();
    const deleted = async (from: number) =>
      raw(
        "GET",
        `/services/data/v62.0/sobjects/Contact/deleted?start=${new Date(from).toISOString()}&end=${new Date(now + 60_000).toISOString()}`,
      );
    const recent = sf.data.insert("Contact", { LastName: "Nørgaard", Email: "recent@fjord-data.dk" });
    const old = sf.data.insert("Contact", { LastName: "Ångström", Email: "old@fjord-data.dk" });
    sf.data.delete("Contact", recent, new Date(now - 3 * day));
    sf.data.delete("Contact", old, new Date(now - 20 * day));
    const tooOld = await deleted(now - 31 * day);
    expect(tooOld.status).toBe(400);
    expect(tooOld.body[0].errorCode).toBe("INVALID_REPLICATION_DATE");
    const month = await deleted(now - 29 * day);
    expect(month.status).toBe(200);
    const ids = (month.body.deletedRecords as { id: string }[]).map((d) => d.id);
    expect(ids).toContain(recent);
    expect(ids).not.toContain(old);
  });

  // A record emptied from the Recycle Bin (by hand, or 15 days on) is gone from queryAll ("emptyRecycleBin()":
  // "for some time", at its shortest). getDeleted answers less "if an administrator has purged the Recycle
  // Bin" ("sObject Get Deleted"): by default it no longer lists an emptied record; `emptiedDeletions:
  // "listed"`, the lenient org, still does.
  it.each(["unlisted", "listed"] as const)("keeps an emptied record out of queryAll; with emptiedDeletions %s, getDeleted lists it or not", async (setting) => {
    const listsEmptied = setting === "listed";
    const org = setting === "unlisted" ? sf : await startSalesforceEmulator({ emptiedDeletions: setting });
    const orgConn = setting === "unlisted" ? conn : new jsforce.Connection({ instanceUrl: org.url, accessToken: org.accessToken, version: "62.0" });
    try {
      const day = 86_400_000;
      const now = Date.now();
      const binned = org.data.insert("Lead", { LastName: "Çelik", Company: "Kuzey Ltd", HubSpot_Contact_Id__c: "hs-7001" });
      const emptied = org.data.insert("Lead", { LastName: "Ólafsdóttir", Company: "Hekla ehf", HubSpot_Contact_Id__c: "hs-7002" });
      const expired = org.data.insert("Lead", { LastName: "Şahin", Company: "Kuzey Ltd", HubSpot_Contact_Id__c: "hs-7003" });
      org.data.delete("Lead", binned);
      org.data.delete("Lead", emptied);
      org.data.emptyRecycleBin("Lead", emptied);
      org.data.delete("Lead", expired, new Date(now - 16 * day));
      const stamps = await orgConn.query<Record<string, unknown>>(
        `SELECT Id, HubSpot_Contact_Id__c FROM Lead WHERE Id IN ('${binned}', '${emptied}', '${expired}') AND IsDeleted = true`,
        { scanAll: true },
      );
      expect(stamps.records.map((r) => r.HubSpot_Contact_Id__c)).toEqual(["hs-7001"]);
      const listed = await orgConn.sobject("Lead").deleted(new Date(now - 60 * 60_000).toISOString(), new Date(now + 60_000).toISOString());
      const mine = new Set([binned, emptied, expired]);
      expect(listed.deletedRecords.map((d) => d.id).filter((id) => mine.has(id)).sort()).toEqual((listsEmptied ? [binned, emptied] : [binned]).sort());
      expect(() => org.data.emptyRecycleBin("Lead", emptied)).toThrow(/not in the Recycle Bin/);
    } finally {
      if (org !== sf) await org.close();
    }
  });

  // Deleting an Account takes its Contacts and Opportunities to the Recycle Bin with it (Apex Developer
  // Guide, "Deleting Records": cascading deletions; Salesforce Help, "Delete Accounts"), through the REST
  // API as through the UI; emptying the Account's entry empties theirs ("emptyRecycleBin()").
  it("deletes an Account's Contacts and Opportunities with it, into the bin and the delete log", async () => {
    const now = Date.now();
    const account = sf.data.insert("Account", { Name: "Société Lumière SARL", HubSpot_Company_Id__c: "hs-co-81" });
    const other = sf.data.insert("Account", { Name: "Fjällräven Data AB" });
    const contact = sf.data.insert("Contact", { LastName: "Lefèvre", Email: "a.lefevre@lumiere.fr", AccountId: account });
    const opportunity = sf.data.insert("Opportunity", { Name: "Lumière – Pilote", StageName: "Prospecting", CloseDate: "2026-12-31", AccountId: account });
    const elsewhere = sf.data.insert("Opportunity", { Name: "Fjällräven renewal", StageName: "Prospecting", CloseDate: "2026-12-31", AccountId: other });
    const res = await raw("DELETE", `/services/data/v62.0/sobjects/Account/${account}`);
    expect(res.status).toBe(204);
    const live = (object: string, id: string) => sf.data.list(object).some((r) => r.Id === id);
    expect([live("Contact", contact), live("Opportunity", opportunity), live("Opportunity", elsewhere)]).toEqual([false, false, true]);
    const window = [new Date(now - 60 * 60_000).toISOString(), new Date(now + 120_000).toISOString()] as const;
    for (const [object, id] of [["Contact", contact], ["Opportunity", opportunity]] as const) {
      const listed = await conn.sobject(object).deleted(...window);
      expect(listed.deletedRecords.map((d) => d.id)).toContain(id);
      const binned = await conn.query(`SELECT Id FROM ${object} WHERE Id = '${id}' AND IsDeleted = true`, { scanAll: true });
      expect(binned.records).toHaveLength(1);
    }
    sf.data.emptyRecycleBin("Account", account);
    const left = await conn.query(`SELECT Id FROM Opportunity WHERE Id IN ('${opportunity}', '${elsewhere}')`, { scanAll: true });
    expect(left.records.map((r) => r.Id)).toEqual([elsewhere]);
    expect(() => sf.data.emptyRecycleBin("Contact", contact)).toThrow(/not in the Recycle Bin/);
  });

  // A Task's completion time is its own (Task object reference, CompletedDateTime): a later edit moves
  // LastModifiedDate and SystemModstamp, not it. A follow-up dated by the last change would move with them.
  it("stamps a Task's CompletedDateTime when it is saved closed, keeps it through later edits, clears it on reopening", async () => {
    const lead = sf.data.insert("Lead", { LastName: "Nørgaard", Company: "Fjord Analytics ApS", Email: "mette@fjord-analytics.dk" });
    const t0 = new Date(Date.now() - 3 * 3_600_000);
    const id = sf.data.insert("Task", { WhoId: lead, Subject: "Rappel de découverte", Status: "Not Started" }, t0);
    const read = () => sf.data.get("Task", id)!;
    expect(read().CompletedDateTime).toBeNull();
    const done = new Date(t0.getTime() + 3_600_000);
    sf.data.update("Task", id, { Status: "Completed" }, done);
    const completedAt = read().CompletedDateTime;
    expect(completedAt).toBe(read().SystemModstamp);
    sf.data.update("Task", id, { Description: "Notes ajoutées après l'appel" }, new Date(done.getTime() + 3_600_000));
    expect(read().CompletedDateTime).toBe(completedAt);
    expect(read().SystemModstamp).not.toBe(completedAt);
    sf.data.update("Task", id, { Status: "In Progress" });
    expect(read().CompletedDateTime).toBeNull();
    const queried = await conn.query(`SELECT CompletedDateTime FROM Task WHERE Id = '${id}'`);
    expect(queried.records[0]).toMatchObject({ CompletedDateTime: null });
  });

  // A Lead's activities go with it (Salesforce Help, "Mass Delete Records": deleting leads deletes their
  // activities); a merge moves them to the master instead. A task left pointing at a deleted Lead would let
  // a connector find and re-point a follow-up task the rep can no longer see.
  it("deletes a Lead's tasks with it, and a merged-away Lead's tasks move to the master", async () => {
    const now = Date.now();
    const lead = sf.data.insert("Lead", { LastName: "Ødegård", Company: "Nordlys AS", Email: "ingrid@nordlys.no" });
    const master = sf.data.insert("Lead", { LastName: "Ødegård", Company: "Nordlys AS", Email: "i.odegard@nordlys.no" });
    const merged = sf.data.insert("Lead", { LastName: "Odegard", Company: "NORDLYS", Email: "ingrid.o@gmail.com" });
    const task = (whoId: string, subject: string) => sf.data.insert("Task", { WhoId: whoId, Subject: subject, Status: "Not Started" });
    const followUp = task(lead, "New MQL: follow up within 4h");
    const call = task(merged, "Call Ingrid");
    const res = await raw("DELETE", `/services/data/v62.0/sobjects/Lead/${lead}`);
    expect(res.status).toBe(204);
    const mine = new Set([followUp, call]);
    expect(sf.data.list("Task").map((t) => String(t.Id)).filter((id) => mine.has(id))).toEqual([call]);
    const listed = await conn.sobject("Task").deleted(new Date(now - 3_600_000).toISOString(), new Date(now + 120_000).toISOString());
    expect(listed.deletedRecords.map((d) => d.id)).toContain(followUp);
    sf.data.merge("Lead", master, [merged]);
    expect(sf.data.list("Task").filter((t) => mine.has(String(t.Id))).map((t) => [t.Id, t.WhoId])).toEqual([[call, master]]);
  });
  // "If more than 600,000 IDs are found, EXCEEDED_ID_LIMIT is returned. You can correct the error by
  // choosing start and end dates that are closer together" ("sObject Get Updated", "sObject Get Deleted").
  // The limit lowered to 2 here, as the emulator's option `replicationIdLimit` does.
  it("refuses a window listing more ids than its limit with EXCEEDED_ID_LIMIT, and answers a narrower one", async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const names = ["Bâtiments Lefèvre", "ACME gmbh", "Øresund Logistik"];
    const kept = names.map((Name, i) => sf.data.insert("Account", { Name }, new Date(minute - (50 - i * 10) * 60_000)));
    const ids = names.map((Name) => sf.data.insert("Account", { Name: `${Name} (ancien)` }, new Date(minute - 55 * 60_000)));
    ids.forEach((id, i) => sf.data.delete("Account", id, new Date(minute - (20 - i * 5) * 60_000)));
    const ask = (resource: string, fromMinutes: number, toMinutes: number) =>
      raw(
        "GET",
        `/services/data/v62.0/sobjects/Account/${resource}?start=${new Date(minute - fromMinutes * 60_000).toISOString()}&end=${new Date(minute - toMinutes * 60_000).toISOString()}`,
      );
    sf.data.replicationIdLimit = 2;
    try {
      for (const resource of ["updated", "deleted"]) {
        const refused = await ask(resource, 52, 2);
        expect(refused.status).toBe(400);
        expect(refused.body[0].errorCode).toBe("EXCEEDED_ID_LIMIT");
      }
      expect((await ask("updated", 52, 35)).body.ids).toEqual(kept.slice(0, 2));
      expect((await ask("deleted", 22, 12)).body.deletedRecords.map((d: { id: string }) => d.id)).toEqual(ids.slice(0, 2));
    } finally {
      sf.data.replicationIdLimit = 600_000;
    }
  });
});

describe("lead conversion and merge", () => {
  it("sets the conversion fields and creates the records", async () => {
    const leadId = sf.data.insert("Lead", {
      FirstName: "Chloé",
      LastName: "Dubois",
      Company: "Équipe Rouge SA",
      Email: "chloe@equipe-rouge.fr",
      HubSpot_Contact_Id__c: "hs-901",
      Country: "FR",
    });
    const call = await sf.control.call<{ id: string }>("POST", "/calls", {
      whoId: leadId,
      description: "Left voicemail",
    });
    const result = await sf.control.call<{ accountId: string; contactId: string; opportunityId: string }>(
      "POST",
      `/leads/${leadId}/convert`,
      { opportunityName: "Équipe Rouge - Pilot" },
    );
    const res = await conn.query<Record<string, unknown>>(
      `SELECT IsConverted, Status, ConvertedDate, ConvertedContactId, ConvertedContact.Email, ConvertedAccount.Name, ConvertedOpportunity.StageName FROM Lead WHERE Id = '${leadId}'`,
    );
    expect(res.records[0]).toMatchObject({
      IsConverted: true,
      Status: "Closed - Converted",
      ConvertedDate: new Date().toISOString().slice(0, 10),
      ConvertedContactId: result.contactId,
      ConvertedContact: expect.objectContaining({ Email: "chloe@equipe-rouge.fr" }),
      ConvertedAccount: expect.objectContaining({ Name: "Équipe Rouge SA" }),
      ConvertedOpportunity: expect.objectContaining({ StageName: "Prospecting" }),
    });
    // No admin mapped the Lead's custom fields in this org: the Contact does not get the HubSpot id.
    expect(sf.data.get("Contact", result.contactId)).toMatchObject({
      HubSpot_Contact_Id__c: null,
      Email: "chloe@equipe-rouge.fr",
      AccountId: result.accountId,
    });
    expect(sf.data.get("Opportunity", result.opportunityId)).toMatchObject({
      Name: "Équipe Rouge - Pilot",
      IsClosed: false,
      AccountId: result.accountId,
    });
    const roles = await conn.query<Record<string, unknown>>(
      `SELECT ContactId, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = '${result.opportunityId}'`,
    );
    expect(roles.records).toEqual([expect.objectContaining({ ContactId: result.contactId, IsPrimary: true })]);
    expect(sf.data.get("Task", call.id)).toMatchObject({
      WhoId: result.contactId,
      WhatId: result.opportunityId,
      Status: "Completed",
      TaskSubtype: "Call",
    });
    const edit = await rejection(conn.sobject("Lead").update({ Id: leadId, Title: "CEO" }));
    expect(edit.errorCode).toBe("CANNOT_UPDATE_CONVERTED_LEAD");
    // Nor may a new activity name the converted Lead: a follow-up task goes on the Contact it became.
    const task = await rejection(conn.sobject("Task").create({ Subject: "Rappel : démo", WhoId: leadId, Status: "Not Started" }));
    expect(task).toMatchObject({ errorCode: "CANNOT_UPDATE_CONVERTED_LEAD", message: "cannot reference converted lead" });
    const onContact = await conn.sobject("Task").create({ Subject: "Rappel : démo", WhoId: result.contactId, Status: "Not Started" });
    expect(onContact.success).toBe(true);
  });

  it("stamps a change with the user who made it: the integration user for the API, the rep for their work in the UI", async () => {
    // An org of its own: the users added here would otherwise be every later test's too.
    const sf = await startSalesforceEmulator();
    const conn = new jsforce.Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: "62.0" });
    try {
      // The session's user, as the token response's identity URL (its last segment) and UserInfo name it.
      const info = await fetch(`${sf.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${sf.accessToken}` } });
      const integration = String(((await info.json()) as { user_id: string }).user_id);
      const token = await fetch(`${sf.url}/services/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: sf.clientId, client_secret: sf.clientSecret }).toString(),
      });
      expect(((await token.json()) as { id: string }).id).toMatch(new RegExp(`/id/00D\\w+/${integration}$`));
      const rep = sf.data.insert("User", { Username: "ines.moreau@example.com.sandbox", Email: "ines.moreau@example.com", LastName: "Moreau", IsActive: true });
      const other = sf.data.insert("User", { Username: "kofi.mensah@example.com.sandbox", Email: "kofi.mensah@example.com", LastName: "Mensah", IsActive: true });
      const created = await conn.sobject("Lead").create({ LastName: "Lefèvre", Company: "Atelier Lefèvre", Email: "amelie@atelier-lefevre.fr", OwnerId: rep });
      const leadId = String((created as SaveResult).id);
      const stamps = async (object: string, id: string) =>
        (await conn.query<{ CreatedById: string; LastModifiedById: string }>(`SELECT CreatedById, LastModifiedById FROM ${object} WHERE Id = '${id}'`)).records[0];
      expect(await stamps("Lead", leadId)).toMatchObject({ CreatedById: integration, LastModifiedById: integration });
      // The rep works their own Lead: a status, then a conversion (what it creates is theirs too).
      await sf.control.call("POST", `/leads/${leadId}/status`, { status: "Working - Contacted" });
      expect(await stamps("Lead", leadId)).toMatchObject({ CreatedById: integration, LastModifiedById: rep });
      const converted = await sf.control.call<{ opportunityId: string; contactId: string }>("POST", `/leads/${leadId}/convert`, {});
      expect(await stamps("Lead", leadId)).toMatchObject({ LastModifiedById: rep });
      expect(await stamps("Opportunity", converted.opportunityId)).toMatchObject({ CreatedById: rep, LastModifiedById: rep });
      expect(await stamps("Contact", converted.contactId)).toMatchObject({ CreatedById: rep, LastModifiedById: rep });
      // Someone else closes the deal when named; leadloop's API write afterwards is the integration user's again.
      await sf.control.call("PATCH", `/records/Opportunity/${converted.opportunityId}`, { fields: { StageName: "Closed Won" }, by: other });
      expect(await stamps("Opportunity", converted.opportunityId)).toMatchObject({ CreatedById: rep, LastModifiedById: other });
      await conn.sobject("Opportunity").update({ Id: converted.opportunityId, Description: "synced" });
      expect(await stamps("Opportunity", converted.opportunityId)).toMatchObject({ LastModifiedById: integration });
      const counted = await conn.query(
        `SELECT COUNT() FROM Lead WHERE LastModifiedDate >= ${new Date(Date.now() - 60_000).toISOString().slice(0, 19)}Z AND LastModifiedById != '${integration}'`,
      );
      expect(counted.totalSize).toBe(1);
      // A user that does not exist is refused, naming it.
      const refused = await fetch(`${sf.url}/__control/leads/${leadId}/status`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ status: "Working - Contacted", by: "005000000000000AAA" }),
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(await refused.text()).toContain("005000000000000AAA");
    } finally {
      await sf.close();
    }
  });

  it("saves the Lead's activities, open and logged, on the conversion: moved to the Contact and Opportunity, modified then and by the rep", async () => {
    // An emulator of its own: the rep it adds is no user the other tests' sessions expect.
    const org = await startSalesforceEmulator();
    try {
      const before = new Date(Date.now() - 3 * 86_400_000);
      const leadId = org.data.insert("Lead", { FirstName: "Åsa", LastName: "Lindqvist", Company: "Fjäll AB", Email: "asa@fjall.se" });
      const call = org.data.insert("Task", { Subject: "Call", WhoId: leadId, Status: "Completed", TaskSubtype: "Call" }, before);
      const open = org.data.insert("Task", { Subject: "Follow up", WhoId: leadId, Status: "Not Started" }, before);
      const calledAt = org.data.get("Task", call)!.CompletedDateTime;
      const rep = org.data.insert("User", { LastName: "Rep", Email: "rep@fjall-sales.io", Username: "rep@fjall-sales.io" });
      const since = Date.now() - 1000;
      const made = await org.control.call<{ contactId: string; opportunityId: string }>("POST", `/leads/${leadId}/convert`, { by: rep });
      for (const id of [call, open]) {
        const task = org.data.get("Task", id)!;
        expect([task.WhoId, task.WhatId, task.LastModifiedById]).toEqual([made.contactId, made.opportunityId, rep]);
        expect(Date.parse(String(task.SystemModstamp))).toBeGreaterThanOrEqual(Math.floor(since / 1000) * 1000);
      }
      // The call's completion is its own, not the conversion's.
      expect(org.data.get("Task", call)!.CompletedDateTime).toBe(calledAt);
      // Without an Opportunity, an activity is related to nothing but the Contact.
      const other = org.data.insert("Lead", { LastName: "Berg", Company: "Fjäll AB", Email: "berg@fjall.se" });
      const note = org.data.insert("Task", { Subject: "Call", WhoId: other, Status: "Completed" }, before);
      const bare = await org.control.call<{ contactId: string }>("POST", `/leads/${other}/convert`, { doNotCreateOpportunity: true });
      expect(org.data.get("Task", note)).toMatchObject({ WhoId: bare.contactId, WhatId: null });
    } finally {
      await org.close();
    }
  });

  it("carries a custom field over only where an admin mapped it, and refuses a status that is not a converted one", async () => {
    const mapped = await startSalesforceEmulator({ mappedLeadFields: ["HubSpot_Contact_Id__c"] });
    try {
      const leadId = mapped.data.insert("Lead", {
        LastName: "Ngô",
        Company: "Hà Nội Logistics",
        Email: "Thu.Ngo@HaNoi-Logistics.vn",
        HubSpot_Contact_Id__c: "hs-902",
        Leadloop_Score__c: 72,
      });
      expect(() => mapped.data.convertLead(leadId, { convertedStatus: "Working - Contacted" })).toThrow(
        /INVALID_STATUS/,
      );
      const result = mapped.data.convertLead(leadId, { doNotCreateOpportunity: true });
      // Only the mapped field: the unmapped score stays on the Lead.
      expect(mapped.data.get("Contact", result.contactId)).toMatchObject({
        HubSpot_Contact_Id__c: "hs-902",
        Leadloop_Score__c: null,
      });
      expect(mapped.data.get("Lead", leadId)).toMatchObject({ ConvertedOpportunityId: null });
    } finally {
      await mapped.close();
    }
  });

  it("names the opportunity after the lead's company when no name is given", () => {
    const leadId = sf.data.insert("Lead", { LastName: "Łukasz", Company: "Kraków Tech sp. z o.o." });
    const result = sf.data.convertLead(leadId);
    expect(sf.data.get("Opportunity", result.opportunityId!)?.Name).toBe("Kraków Tech sp. z o.o.");
  });

  it("merges leads: the merged one is deleted with MasterRecordId", async () => {
    const master = sf.data.insert("Lead", { LastName: "Keep", Company: "M Co" });
    const loser = sf.data.insert("Lead", { LastName: "Drop", Company: "M Co" });
    await sf.control.call("POST", "/merge", { sobject: "Lead", masterId: master, mergedIds: [loser] });
    const res = await conn.query<Record<string, unknown>>(
      `SELECT Id, IsDeleted, MasterRecordId FROM Lead WHERE Id = '${loser}'`,
      {
        scanAll: true,
      },
    );
    expect(res.records[0]).toMatchObject({ IsDeleted: true, MasterRecordId: master });
  });

  // "A single update event for the winning record" (Apex Developer Guide, "Triggers and Merge Statements"):
  // the master is saved, so a change read from before the merge lists it.
  it("saves the master at the merge's time", () => {
    const master = sf.data.insert("Lead", { LastName: "Sørensen", Company: "Fjordlys AS" }, new Date("2026-03-02T08:00:00Z"));
    const loser = sf.data.insert("Lead", { LastName: "Sorensen", Company: "FJORDLYS" }, new Date("2026-03-02T08:00:00Z"));
    sf.data.merge("Lead", master, [loser], new Date("2026-03-04T15:30:12Z"));
    const saved = sf.data.get("Lead", master)!;
    expect([saved.LastModifiedDate, saved.SystemModstamp]).toEqual(["2026-03-04T15:30:12.000+0000", "2026-03-04T15:30:12.000+0000"]);
    expect(sf.data.get("Lead", loser)?.MasterRecordId).toBe(master);
  });
});

describe("auth, limits and faults", () => {
  it("answers 401 INVALID_SESSION_ID after sessions expire, and a client-credentials token works", async () => {
    const oldToken = sf.accessToken;
    await sf.control.call("POST", "/sessions/expire");
    const stale = new jsforce.Connection({ instanceUrl: sf.url, accessToken: oldToken, version: "62.0" });
    const err = await rejection(stale.query("SELECT Id FROM User"));
    expect(err.errorCode).toBe("INVALID_SESSION_ID");
    expect(err.message).toBe("Session expired or invalid");

    const bad = new jsforce.Connection({
      oauth2: { loginUrl: sf.url, clientId: "sandbox-client-id", clientSecret: "wrong" },
      version: "62.0",
    });
    const refused = await rejection(bad.authorize({ grant_type: "client_credentials" }));
    expect(refused.name).toBe("invalid_client");

    const fresh = new jsforce.Connection({
      oauth2: { loginUrl: sf.url, clientId: "sandbox-client-id", clientSecret: "sandbox-client-secret" },
      version: "62.0",
    });
    const info = await fresh.authorize({ grant_type: "client_credentials" });
    expect(info.organizationId).toBe("00D5g000004SandAAA");
    expect(fresh.accessToken).toBe(sf.accessToken);
    expect(fresh.accessToken).not.toBe(oldToken);
    expect(fresh.instanceUrl).toBe(sf.url);
    const users = await fresh.query<{ Username: string }>("SELECT Username FROM User");
    expect(users.records[0]!.Username).toBe("integration@leadloop.sandbox");
    conn = new jsforce.Connection({ instanceUrl: sf.url, accessToken: sf.accessToken, version: "62.0" });
  });

  it("counts usage in Sforce-Limit-Info and answers 403 REQUEST_LIMIT_EXCEEDED past the allocation", async () => {
    await sf.control.call("PUT", "/api-usage", { used: 99_998 });
    const limits = await raw("GET", "/services/data/v62.0/limits");
    expect(limits.headers.get("sforce-limit-info")).toBe("api-usage=99999/100000");
    expect(limits.body.DailyApiRequests).toEqual({ Max: 100000, Remaining: 1 });
    const last = await raw("GET", "/services/data/v62.0/sobjects");
    expect(last.status).toBe(200);
    expect(last.headers.get("sforce-limit-info")).toBe("api-usage=100000/100000");
    const over = await raw("GET", "/services/data/v62.0/sobjects");
    expect(over.status).toBe(403);
    expect(over.body).toEqual([
      { message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" },
    ]);
    const err = await rejection(conn.query("SELECT Id FROM Lead LIMIT 1"));
    expect(err.errorCode).toBe("REQUEST_LIMIT_EXCEEDED");
    await sf.control.call("PUT", "/api-usage", { used: 0 });
  });

  it("answers an injected 503 once, then serves the call", async () => {
    await sf.control.addFaults({ requests: [{ kind: "status", status: 503, times: 1, path: "/query" }] });
    const failed = await raw(
      "GET",
      `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM User")}`,
    );
    expect(failed.status).toBe(503);
    expect(failed.body[0].errorCode).toBe("SERVER_UNAVAILABLE");
    const ok = await raw("GET", `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM User")}`);
    expect(ok.status).toBe(200);
    expect(ok.body.totalSize).toBe(1);
  });

  it("answers an injected rate limit with 429, Retry-After and TOO_MANY_REQUESTS", async () => {
    await sf.control.addFaults({ requests: [{ kind: "rate_limit", times: 1, retryAfterSeconds: 3 }] });
    const res = await raw("GET", "/services/data/v62.0/limits");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    expect(res.body[0].errorCode).toBe("TOO_MANY_REQUESTS");
  });

  it("lists versions without auth and 404s an unsupported version", async () => {
    const versions = await fetch(`${sf.url}/services/data`).then(
      (r) => r.json() as Promise<{ version: string }[]>,
    );
    expect(versions.map((v) => v.version)).toContain("62.0");
    const old = await raw("GET", "/services/data/v30.0/sobjects");
    expect(old.status).toBe(404);
  });
});
