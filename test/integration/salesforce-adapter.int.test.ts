// The Salesforce adapter against the Salesforce emulator over loopback: paging and the compound cursor,
// reads by ids and values, collection writes with per-record failures, auth and refresh, the org's daily
// limit and leadloop's share of it, retried faults, answers that stop after their headers, describe and
// removals.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SalesforceConnection } from "../../src/config/leadloop-config.js";
import type { SourceRecord } from "../../src/core/records.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { emulatorConnection } from "../../src/sandbox/sandbox-config.js";
import { SystemError } from "../../src/sync/system-error.js";
import { salesforceHandoffVocabulary } from "../../src/systems/salesforce/handoff-vocabulary.js";
import type { ChangePage, RecordWrite } from "../../src/sync/system-port.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";
import type { SalesforceAdapterOptions } from "../../src/systems/salesforce/index.js";
import { createSalesforceAdapter, DAILY_LIMIT_MESSAGE, DAILY_LIMIT_RUN_NOTE } from "../../src/systems/salesforce/index.js";
import { FakeClock } from "../support/fake-clock.js";
import { thrown } from "../support/system-error-of.js";

const RETRY: RetryPolicy = { patienceMs: 5_000, minTimeoutMs: 10, maxTimeoutMs: 50 };
const T0 = Date.parse("2026-11-20T08:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const UNTIL = "2026-11-23T12:00:00.000Z";

let emu: SalesforceEmulator;

beforeEach(async () => {
  emu = await startSalesforceEmulator();
});
afterEach(async () => {
  await emu.close();
});

function connection(overrides: Partial<SalesforceConnection> = {}): SalesforceConnection {
  return { instanceUrl: emu.url, accessToken: emu.accessToken, apiVersion: "62.0", ...overrides };
}

function adapter(options: Partial<SalesforceAdapterOptions> = {}) {
  return createSalesforceAdapter({ connection: connection(), retry: RETRY, ...options });
}

async function collect(pages: AsyncIterable<ChangePage>): Promise<ChangePage[]> {
  const out: ChangePage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

function seedLeads(
  count: number,
  when: (i: number) => Date,
  fields: (i: number) => Record<string, unknown> = () => ({}),
) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(
      emu.data.insert(
        "Lead",
        { LastName: `Lead ${i}`, Company: `Company ${i % 37}`, Email: `lead${i}@example.com`, ...fields(i) },
        when(i),
      ),
    );
  }
  return ids;
}

function endpointCalls(suffix: string): number {
  return Object.entries(emu.calls.byEndpoint())
    .filter(([k]) => k.endsWith(suffix))
    .reduce((sum, [, n]) => sum + n, 0);
}

describe("readChanges", () => {
  it("pages a full load of 4,500 Leads at 2,000 a page, with canonical values", async () => {
    const ids = seedLeads(4500, (i) => at(i));
    const messy = emu.data.insert(
      "Lead",
      {
        FirstName: "  Zoë ",
        LastName: "Ñúñez-Ångström",
        Company: "Café Société",
        Email: "Zoe.Nunez@Example.COM",
        Title: "",
        Leadloop_Score__c: 42.5,
        Leadloop_MQL_Date__c: "2026-11-22T09:30:00.000Z",
        HasOptedOutOfEmail: true,
        Leadloop_Reasons__c: "x".repeat(4550),
      },
      at(4550),
    );
    const sf = await adapter();
    emu.calls.reset();
    const fields = [
      "FirstName",
      "LastName",
      "Email",
      "Title",
      "Leadloop_Score__c",
      "Leadloop_MQL_Date__c",
      "HasOptedOutOfEmail",
      "Leadloop_Reasons__c",
      "Owner.Email",
    ];
    const pages = await collect(sf.readChanges("Lead", fields, null, UNTIL));

    expect(pages.map((p) => p.records.length)).toEqual([2000, 2000, 501]);
    const all = pages.flatMap((p) => p.records);
    expect(new Set(all.map((r) => r.id)).size).toBe(4501);
    expect(all.slice(0, 4500).map((r) => r.id)).toEqual(ids);
    expect(endpointCalls("/query")).toBe(1);
    expect(endpointCalls("/query/:locator")).toBe(2);
    expect(pages[0]!.cursor).toEqual({ modifiedAt: all[1999]!.modifiedAt, lastId: all[1999]!.id });

    const zoe = all.find((r) => r.id === messy)!;
    expect(zoe.modifiedAt).toBe(at(4550).toISOString());
    expect(zoe.fields).toEqual({
      FirstName: "  Zoë ",
      LastName: "Ñúñez-Ångström",
      Email: "Zoe.Nunez@Example.COM",
      Title: null,
      Leadloop_Score__c: "42.5",
      Leadloop_MQL_Date__c: "2026-11-22T09:30:00.000Z",
      HasOptedOutOfEmail: "true",
      Leadloop_Reasons__c: "x".repeat(4550),
      "Owner.Email": "integration@leadloop.sandbox",
    });
  });

  it("stops a read whose next page's locator is spent, saying why, after the pages it gave; the read resumes from their cursor", async () => {
    const ids = seedLeads(2300, (i) => at(i), (i) => ({ FirstName: i % 2 ? "Zoë" : "José-Ñuño" }));
    const sf = await adapter();
    // A gateway's 502 after Salesforce answered the second page: its locator is spent, and sent again it
    // answers INVALID_QUERY_LOCATOR (a locator answers once: "QueryLocator").
    emu.faults.add({ requests: [{ kind: "status", status: 502, applied: true, times: 1, path: "/query/01g" }] });
    const pages: ChangePage[] = [];
    const err = await thrown(
      (async () => {
        for await (const page of sf.readChanges("Lead", ["Email", "FirstName"], null, UNTIL)) pages.push(page);
      })(),
    );
    expect(err).toMatchObject({ system: "salesforce", errorClass: "transient", code: "INVALID_QUERY_LOCATOR", retriable: false });
    expect(err.message).toContain("Salesforce no longer answers this query's next page (INVALID_QUERY_LOCATOR");
    expect(err.message).toContain("Work committed so far is kept; the next run resumes from the saved cursors.");
    expect(pages.map((p) => p.records.length)).toEqual([2000]);
    expect(endpointCalls("/query/:locator")).toBe(2);

    const rest = (await collect(sf.readChanges("Lead", ["Email"], pages[0]!.cursor, UNTIL))).flatMap((p) => p.records);
    expect([...pages[0]!.records, ...rest].map((r) => r.id).filter((id, i, all) => all.indexOf(id) === i)).toEqual(ids);
  });

  it("resumes from a page's cursor without skipping records that share a SystemModstamp (no look-back)", async () => {
    const tied = seedLeads(2600, () => at(10));
    const later = seedLeads(30, (i) => at(20 + i));
    const sf = await adapter({ lookbackMs: 0 });

    const first = (await collect(sf.readChanges("Lead", ["Email"], null, UNTIL)))[0]!;
    expect(first.records).toHaveLength(2000);
    expect(first.cursor.modifiedAt).toBe(at(10).toISOString());

    const rest = (await collect(sf.readChanges("Lead", ["Email"], first.cursor, UNTIL))).flatMap(
      (p) => p.records,
    );
    const seen = [...first.records, ...rest].map((r) => r.id);
    expect(new Set(seen).size).toBe(seen.length);
    expect(new Set(seen)).toEqual(new Set([...tied, ...later]));
  });

  it("reads changes stamped 5 s and 120 s before the saved cursor, as far back as the look-back reaches", async () => {
    // Reps' Leads; the first read ends at the last one, and that page's cursor is saved.
    const [ines, bjorn, last] = seedLeads(3, (i) => at(i * 5), () => ({ Status: "Open - Not Contacted" }));
    const first = await collect((await adapter()).readChanges("Lead", ["Status"], null, UNTIL));
    const saved = first[first.length - 1]!.cursor;
    expect(saved).toEqual({ modifiedAt: at(10).toISOString(), lastId: last });

    // Two status changes whose transactions started before the cursor's modstamp but committed after the
    // read, and one ordinary change after it.
    const before = (seconds: number) => new Date(at(10).getTime() - seconds * 1000).toISOString();
    const changeStatus = (id: string, status: string, seconds: number) =>
      emu.control.call("POST", `/leads/${id}/status`, { status, at: before(seconds) });
    await changeStatus(ines!, "Working - Contacted", 5);
    await changeStatus(bjorn!, "Closed - Not Converted", 120);
    const [after] = seedLeads(1, () => at(12), () => ({ Status: "Open - Not Contacted" }));

    const readWith = async (lookbackMs?: number) => {
      const sf = await adapter(lookbackMs === undefined ? {} : { lookbackMs });
      const pages = await collect(sf.readChanges("Lead", ["Status"], saved, UNTIL));
      return new Map(pages.flatMap((p) => p.records).map((r) => [r.id, r.fields.Status]));
    };
    const byDefault = await readWith();
    expect(byDefault.get(ines!)).toBe("Working - Contacted");
    expect(byDefault.get(bjorn!)).toBe("Closed - Not Converted");
    expect(byDefault.get(after!)).toBe("Open - Not Contacted");
    expect([...(await readWith(60_000)).keys()]).toEqual([ines, last, after]);
    expect([...(await readWith(0)).keys()]).toEqual([after]);
  });

  it("with a look-back, a resumed read covers ties again, ends, and never moves its cursor behind the start", async () => {
    const tied = seedLeads(2100, () => at(8));
    const edge = seedLeads(10, () => at(10));
    const sf = await adapter({ lookbackMs: 5 * 60_000 });
    const full = await collect(sf.readChanges("Lead", ["Email"], null, UNTIL));
    const saved = full[full.length - 1]!.cursor;
    expect(saved).toEqual({ modifiedAt: at(10).toISOString(), lastId: edge[9] });

    // Every record of the look-back comes once more: 2,000 at 08:08 (a page that is all re-read) and then
    // the rest. The first page's cursor stays where the read started rather than going back to 08:08.
    const again = await collect(sf.readChanges("Lead", ["Email"], saved, UNTIL));
    expect(again.map((p) => p.records.length)).toEqual([2000, 110]);
    expect(again.map((p) => p.cursor)).toEqual([saved, saved]);
    const ids = again.flatMap((p) => p.records.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set([...tied, ...edge]));

    // Resuming from the first page's cursor of a read cut short reads the same window again.
    const resumed = await collect(sf.readChanges("Lead", ["Email"], again[0]!.cursor, UNTIL));
    expect(resumed.flatMap((p) => p.records.map((r) => r.id))).toEqual(ids);
  });

  it("reads from a modstamp without an id with >=, and never past until", async () => {
    const before = seedLeads(3, (i) => at(i));
    const edge = seedLeads(2, () => at(100));
    seedLeads(3, (i) => at(200 + i));
    const sf = await adapter();

    const from = { modifiedAt: at(100).toISOString(), lastId: null };
    const read = (await collect(sf.readChanges("Lead", [], from, at(150).toISOString()))).flatMap(
      (p) => p.records,
    );
    expect(read.map((r) => r.id)).toEqual(edge);

    const upToEdge = (await collect(sf.readChanges("Lead", [], null, at(100).toISOString()))).flatMap(
      (p) => p.records,
    );
    expect(upToEdge.map((r) => r.id)).toEqual([...before, ...edge]);
  });

  it("says which field is wrong when the mapping names one Salesforce does not have", async () => {
    seedLeads(1, () => at(1));
    const sf = await adapter();
    const err = await thrown(collect(sf.readChanges("Lead", ["No_Such_Field__c"], null, UNTIL)));
    expect(err.errorClass).toBe("config");
    expect(err.retriable).toBe(false);
    expect(err.message).toMatch(/mapping names a field.*No such column 'No_Such_Field__c' on entity 'Lead'/);
    expect(err.message).not.toMatch(/SELECT/);
  });
});

describe("readByIds and findBy", () => {
  it("reads 450 ids in one query and leaves missing ones out", async () => {
    const ids = seedLeads(450, (i) => at(i));
    const sf = await adapter();
    emu.calls.reset();
    const deleted = ids[7]!;
    emu.data.delete("Lead", deleted);
    const records = await sf.readByIds("Lead", ids, ["Email"]);
    expect(records).toHaveLength(449);
    expect(records.some((r) => r.id === deleted)).toBe(false);
    expect(records.find((r) => r.id === ids[0])!.fields.Email).toBe("lead0@example.com");
    // 450 ids fit in one query's URI (QUERY_URI_BUDGET_BYTES): no longer 200 values a query.
    expect(endpointCalls("/query")).toBe(1);
  });

  it("answers a merged-away Lead's id with its master, naming the id asked, from one queryAll", async () => {
    const [kept, loser, master] = seedLeads(3, (i) => at(i));
    emu.data.merge("Lead", master!, [loser!]);
    const sf = await adapter();
    emu.calls.reset();
    const records = await sf.readByIds("Lead", [kept!, loser!], ["Email"]);
    expect(records.map((r) => [r.id, r.askedAs ?? []])).toEqual([
      [kept, []],
      [master, [loser]],
    ]);
    expect(records[1]!.fields.Email).toBe("lead2@example.com");
    expect(endpointCalls("/queryAll")).toBe(1);
    // A read that finds every record asks nothing more.
    emu.calls.reset();
    await sf.readByIds("Lead", [kept!, master!], ["Email"]);
    expect(emu.calls.total()).toBe(1);
  });

  it("reads when fields last changed: tracked fields from LeadHistory, the rest from LastModifiedDate, asked in one call", async () => {
    const lead = emu.data.insert("Lead", { LastName: "Ní Bhriain", Company: "Cló Iar-Chonnacht", Title: "Bainisteoir" }, at(1));
    emu.data.update("Lead", lead, { Title: "Príomhfheidhmeannach" }, at(2));
    // Website is not tracked: only the Lead's last edit tells when it may have changed.
    emu.data.update("Lead", lead, { Website: "https://cic.ie" }, at(4));
    const sf = await adapter();
    emu.calls.reset();
    const times = await sf.fieldChanges("Lead", [lead], ["Title", "Website"]);
    expect(times.get(lead)).toEqual({
      Title: { at: at(2).toISOString(), basis: "field history" },
      Website: { at: at(4).toISOString(), basis: "last edit" },
    });
    // The history's query and the last edit's go together in one composite call.
    expect(endpointCalls("/composite")).toBe(1);
    expect(endpointCalls("/query")).toBe(0);
  });

  it("finds without regard to case and with quotes and backslashes in the value", async () => {
    const ana = emu.data.insert(
      "Lead",
      { LastName: "López", Company: "Acme", Email: "Ana.Lopez@Acme.com" },
      at(1),
    );
    const obrien = emu.data.insert(
      "Lead",
      { LastName: "O'Brien", Company: "Back\\slash Ltd", Email: "ob@x.ie" },
      at(2),
    );
    emu.data.insert("Lead", { LastName: "Obrien", Company: "Other", Email: "other@x.ie" }, at(3));
    const sf = await adapter();

    const byEmail = await sf.findBy("Lead", "Email", ["ana.lopez@ACME.com", "nobody@example.com"], ["Email"]);
    expect(byEmail.map((r: SourceRecord) => r.id)).toEqual([ana]);
    expect(byEmail[0]!.fields.Email).toBe("Ana.Lopez@Acme.com");

    const byName = await sf.findBy("Lead", "LastName", ["o'brien"], ["LastName", "Company"]);
    expect(byName.map((r) => r.id)).toEqual([obrien]);
    const byCompany = await sf.findBy("Lead", "Company", ["Back\\slash Ltd"], ["Company"]);
    expect(byCompany.map((r) => r.fields.Company)).toEqual(["Back\\slash Ltd"]);
  });
});

function leadWrite(i: number, extra: Partial<RecordWrite> = {}): RecordWrite {
  return {
    ref: `ref-${i}`,
    upsertOn: "HubSpot_Contact_Id__c",
    fields: {
      HubSpot_Contact_Id__c: `hs-${i}`,
      LastName: `Müller ${i}`,
      Company: "Ärzte GmbH",
      Email: `p${i}@example.org`,
      Leadloop_Score__c: String(i % 100),
      Leadloop_MQL_Date__c: "2026-11-22T10:00:00.000Z",
      HasOptedOutOfEmail: i % 2 === 0 ? "true" : "false",
      Title: "  ",
    },
    ...extra,
  };
}

describe("write", () => {
  it("upserts 450 records in 3 collection calls, then updates them in 3 more, with typed values", async () => {
    const sf = await adapter();
    await sf.describe("Lead");
    emu.calls.reset();
    const writes = Array.from({ length: 450 }, (_, i) => leadWrite(i));
    const created = await sf.write("Lead", writes);
    expect(created.map((o) => o.ref)).toEqual(writes.map((w) => w.ref));
    expect(created.every((o) => o.ok && o.created)).toBe(true);
    expect(endpointCalls("/composite/sobjects/:type/:field")).toBe(3);

    const stored = emu.data.list("Lead");
    expect(stored).toHaveLength(450);
    const first = stored.find((r) => r.HubSpot_Contact_Id__c === "hs-3")!;
    expect(first).toMatchObject({
      Leadloop_Score__c: 3,
      HasOptedOutOfEmail: false,
      Title: null,
      LastName: "Müller 3",
    });

    const updates: RecordWrite[] = created.map((o, i) => ({
      ref: `u-${i}`,
      id: o.ok ? o.id : "",
      fields: { Title: "VP Ops", Leadloop_Score__c: "" },
    }));
    const updated = await sf.write("Lead", updates);
    expect(updated.every((o) => o.ok && !o.created)).toBe(true);
    expect(endpointCalls("PATCH /services/data/:version/composite/sobjects")).toBe(3);
    expect(emu.data.get("Lead", (updated[5] as { id: string }).id)).toMatchObject({
      Title: "VP Ops",
      Leadloop_Score__c: null,
    });
  });

  it("keeps input order across updates, upserts and plain creates", async () => {
    const existing = seedLeads(1, () => at(1))[0]!;
    const sf = await adapter();
    const outcomes = await sf.write("Lead", [
      leadWrite(1),
      { ref: "plain", fields: { LastName: "Plain", Company: "Co" } },
      { ref: "update", id: existing, fields: { Title: "CEO" } },
    ]);
    expect(outcomes.map((o) => [o.ref, o.ok && o.created])).toEqual([
      ["ref-1", true],
      ["plain", true],
      ["update", false],
    ]);
    expect(outcomes[2]).toMatchObject({ ok: true, id: existing });
  });

  it("isolates per-record failures while the rest of the batch is written", async () => {
    seedLeads(
      1,
      () => at(1),
      () => ({ Email: "taken@example.com" }),
    );
    emu.faults.add({
      records: [
        { object: "Lead", field: "Company", equals: "Rejected Inc", message: "Company is on the block list" },
      ],
    });
    const sf = await adapter();
    const writes = Array.from({ length: 8 }, (_, i) => leadWrite(i));
    writes[1] = leadWrite(1, { fields: { ...leadWrite(1).fields, Company: "Rejected Inc" } });
    writes[3] = leadWrite(3, { fields: { ...leadWrite(3).fields, Email: "TAKEN@example.com" } });
    writes[5] = leadWrite(5, { fields: { HubSpot_Contact_Id__c: "hs-5", Company: "No Name Ltd" } });
    writes[6] = leadWrite(6, { fields: { ...leadWrite(6).fields, Leadloop_Score__c: "forty" } });

    const outcomes = await sf.write("Lead", writes);
    expect(outcomes.map((o) => (o.ok ? "ok" : `${o.error.errorClass}:${o.error.code}`))).toEqual([
      "ok",
      "data:FIELD_CUSTOM_VALIDATION_EXCEPTION",
      "ok",
      "conflict:DUPLICATES_DETECTED",
      "ok",
      "data:REQUIRED_FIELD_MISSING",
      "data:LEADLOOP_INVALID_VALUE",
      "ok",
    ]);
    const duplicate = outcomes[3]!;
    expect(!duplicate.ok && duplicate.error.message).toMatch(/matched Lead 00Q/);
    const missing = outcomes[5]!;
    expect(!missing.ok && missing.error.fields).toEqual(["LastName"]);
    expect(emu.data.list("Lead")).toHaveLength(5);
  });

  it("fails a day the calendar has not (2026-02-30) on its own record, and writes the rest of the batch", async () => {
    const sf = await adapter();
    const deal = (i: number, closeDate: string): RecordWrite => ({
      ref: `deal-${i}`,
      fields: { Name: `Rénovation entrepôt ${i}`, StageName: "Prospecting", CloseDate: closeDate, Amount: "48000" },
    });
    const outcomes = await sf.write("Opportunity", [deal(1, "2026-03-31"), deal(2, "2026-02-30"), deal(3, "2026-06-30T00:00:00.000Z")]);
    expect(outcomes.map((o) => (o.ok ? "ok" : `${o.error.errorClass}:${o.error.code}:${o.error.fields?.join()}`))).toEqual([
      "ok",
      "data:LEADLOOP_INVALID_VALUE:CloseDate",
      "ok",
    ]);
    expect(emu.data.list("Opportunity").map((o) => o.CloseDate).sort()).toEqual(["2026-03-31", "2026-06-30"]);
  });

  it("makes one record when an upsert is retried after a dropped connection and sent again", async () => {
    const sf = await adapter();
    await sf.describe("Lead");
    emu.faults.add({
      requests: [{ kind: "drop", method: "PATCH", path: "/composite/sobjects/Lead/", times: 1 }],
    });
    const [first] = await sf.write("Lead", [leadWrite(42)]);
    const [second] = await sf.write("Lead", [leadWrite(42, { ref: "again" })]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: true, created: false, id: (first as { id: string }).id });
    expect(emu.data.list("Lead").filter((r) => r.HubSpot_Contact_Id__c === "hs-42")).toHaveLength(1);
    expect(endpointCalls("/composite/sobjects/:type/:field")).toBe(3);
  });

  it("refuses an upsert on a field that is not an External ID", async () => {
    const sf = await adapter();
    const err = await thrown(sf.write("Lead", [leadWrite(1, { upsertOn: "Email" })]));
    expect(err.errorClass).toBe("config");
    expect(err.message).toMatch(/Lead\.Email.*External ID/);
  });
});

describe("sessions", () => {
  /** An adapter that logs in with the client-credentials flow rather than a fixed token. */
  const clientCredentialsAdapter = (clientSecret: string) =>
    createSalesforceAdapter({
      connection: connection({ accessToken: undefined, oauth: { loginUrl: emu.url, clientId: "sandbox-client-id", clientSecret } }),
      retry: RETRY,
    });

  it("gets a token with client credentials and refreshes it once after the session expires", async () => {
    seedLeads(3, (i) => at(i));
    const sf = await clientCredentialsAdapter("sandbox-client-secret");
    expect(await sf.readByIds("Lead", [], [])).toEqual([]);
    const before = (await collect(sf.readChanges("Lead", [], null, UNTIL))).flatMap((p) => p.records);
    emu.data.expireSessions();
    const after = (await collect(sf.readChanges("Lead", [], null, UNTIL))).flatMap((p) => p.records);
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(endpointCalls("/services/oauth2/token")).toBe(2);
    // The two token requests are counted apart: the org counts no login against its API allocation.
    expect(sf.apiCalls()).toBe(3);
    expect(sf.authCalls?.()).toBe(2);
    expect(sf.callsMade()).toBe(3);
  });

  it("waits out a 429 from the token endpoint when the session expires mid-run, rather than calling the credentials wrong", async () => {
    seedLeads(2, (i) => at(i));
    const sf = await clientCredentialsAdapter("sandbox-client-secret");
    const before = (await collect(sf.readChanges("Lead", [], null, UNTIL))).flatMap((p) => p.records);
    emu.data.expireSessions();
    emu.faults.add({ requests: [{ kind: "rate_limit", path: "/services/oauth2/token", times: 1, retryAfterSeconds: 1 }] });
    const after = (await collect(sf.readChanges("Lead", [], null, UNTIL))).flatMap((p) => p.records);
    expect(after.map((r) => r.id)).toEqual(before.map((r) => r.id));
    expect(endpointCalls("/services/oauth2/token")).toBe(3);
  });

  // The token response names the instance its session is for; the configured instanceUrl may be a host
  // the org has left (an instance refresh, a My Domain change): API calls follow the token's.
  it("sends its calls to the instance the token response names, not to a configured instanceUrl that no longer answers", async () => {
    const ids = seedLeads(2, (i) => at(i), (i) => ({ LastName: i === 0 ? "Ñúñez-Bérenger" : "  o'Brien " }));
    const gone = createServer();
    await new Promise<void>((resolve) => gone.listen(0, "127.0.0.1", resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise<void>((resolve) => gone.close(() => resolve()));
    const sf = await createSalesforceAdapter({
      connection: connection({
        instanceUrl: `http://127.0.0.1:${port}`,
        accessToken: undefined,
        oauth: { loginUrl: emu.url, clientId: "sandbox-client-id", clientSecret: "sandbox-client-secret" },
      }),
      retry: RETRY,
    });
    const read = (await collect(sf.readChanges("Lead", ["LastName"], null, UNTIL))).flatMap((p) => p.records);
    expect(read.map((r) => [r.id, r.fields.LastName])).toEqual([
      [ids[0], "Ñúñez-Bérenger"],
      [ids[1], "  o'Brien "],
    ]);
    expect(endpointCalls("/services/oauth2/token")).toBe(1);
  });

  it("says so when the client credentials are wrong, on the first call", async () => {
    const sf = await clientCredentialsAdapter("wrong");
    const err = await thrown(sf.describe("Lead"));
    expect(err.errorClass).toBe("auth");
    expect(err.message).toMatch(/refused the client credentials \(invalid_client/);
  });

  it("gives a clear auth error when a fixed access token expires", async () => {
    const sf = await adapter();
    emu.data.expireSessions();
    const err = await thrown(sf.describe("Lead"));
    expect(err.errorClass).toBe("auth");
    expect(err.code).toBe("INVALID_SESSION_ID");
    expect(err.message).toMatch(/fixed salesforce\.accessToken cannot be refreshed/);
    // The objects a sync describes are asked together: one call, refused, not sent again one by one.
    expect(endpointCalls("/composite")).toBe(1);
    expect(endpointCalls("/describe")).toBe(0);
  });
});

describe("API limits", () => {
  it("stops on REQUEST_LIMIT_EXCEEDED with the daily-limit message and no retry", async () => {
    const sf = await adapter();
    await emu.control.call("PUT", "/api-usage", { used: 100_000, max: 100_000 });
    emu.calls.reset();
    const err = await thrown(sf.describe("Lead"));
    expect(err).toMatchObject({
      errorClass: "rate_limited",
      code: "REQUEST_LIMIT_EXCEEDED",
      retriable: false,
    });
    // A sync run it stops says when its work goes on; a command that runs no sync leaves that out.
    expect(err.message).toBe(`${DAILY_LIMIT_MESSAGE} ${DAILY_LIMIT_RUN_NOTE}`);
    expect(err.messageOutsideRun).toBe(DAILY_LIMIT_MESSAGE);
    expect(emu.calls.total()).toBe(1);
  });

  it("stops at leadloop's share of the last 24 hours, counting a run recorded 23 hours earlier", async () => {
    await emu.control.call("PUT", "/api-usage", { used: 0, max: 100 });
    const clock = new FakeClock(T0);
    const sf = await adapter({ clock, apiShare: { share: 0.25, earlier: [{ at: T0 - 23 * HOUR, calls: 20 }] } });
    emu.calls.reset();
    for (let i = 0; i < 5; i++) await sf.readByIds("Opportunity", [`00600000000000${i}`], []);
    expect(sf.limitInfo()).toEqual({ used: 5, max: 100 });
    const err = await thrown(sf.readByIds("Opportunity", ["006000000000009"], []));
    expect(err).toMatchObject({ errorClass: "rate_limited", code: "LEADLOOP_API_SHARE", retriable: false });
    expect(err.message).toMatch(/25 calls, share 0\.25 of 100 = 25/);
    expect(err.message).toContain("the earliest at 2026-11-20T09:00:00.000Z");
    expect(err.message).toMatch(/sync\.salesforceApiShare/);
    expect(err.message.endsWith(DAILY_LIMIT_RUN_NOTE)).toBe(true);
    expect(err.messageOutsideRun).not.toContain("next run");
    expect(emu.calls.total()).toBe(5);

    // An hour later the earlier run's 20 calls are more than 24 hours old: they no longer count.
    clock.advance(HOUR);
    await sf.readByIds("Opportunity", ["006000000000009"], []);
    expect(emu.calls.total()).toBe(6);
    expect(sf.callsMade()).toBe(6);
  });

  it("keeps one long-lived adapter (as a daemon has) to its share per 24 hours, day after day", async () => {
    const clock = new FakeClock(T0);
    const sf = await adapter({ clock, apiShare: { share: 0.25, earlier: [] } });
    for (let day = 0; day < 3; day++) {
      // The org's own rolling count has moved on as well.
      await emu.control.call("PUT", "/api-usage", { used: 0, max: 100 });
      let made = 0;
      let refused: SystemError | undefined;
      while (!refused && made < 100) {
        try {
          await sf.readByIds("Opportunity", [`0060000000000${String(made).padStart(2, "0")}`], []);
          made++;
          clock.advance(5 * MINUTE); // one sync every five minutes
        } catch (e) {
          refused = e as SystemError;
        }
      }
      expect(made).toBe(25);
      expect(refused).toMatchObject({ code: "LEADLOOP_API_SHARE" });
      clock.advance(24 * HOUR);
    }
    expect(sf.callsMade()).toBe(75);
  });
});

describe("faults", () => {
  it("retries an injected 503 and a dropped connection", async () => {
    seedLeads(2, (i) => at(i));
    const sf = await adapter();
    emu.faults.add({
      requests: [
        { kind: "status", status: 503, path: "/query", times: 1 },
        { kind: "drop", path: "/query", times: 1 },
      ],
    });
    emu.calls.reset();
    const read = (await collect(sf.readChanges("Lead", [], null, UNTIL))).flatMap((p) => p.records);
    expect(read).toHaveLength(2);
    expect(emu.calls.total()).toBe(3);
  });

  it("waits for Retry-After on a 429", async () => {
    const sf = await adapter();
    emu.faults.add({ requests: [{ kind: "rate_limit", retryAfterSeconds: 0.3, times: 1 }] });
    const started = Date.now();
    await sf.describe("Lead");
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it("does not resend a plain create that may have reached Salesforce", async () => {
    const sf = await adapter();
    await sf.describe("Lead");
    emu.faults.add({ requests: [{ kind: "drop", method: "POST", path: "/composite/sobjects", times: 1 }] });
    const err = await thrown(sf.write("Lead", [{ ref: "p", fields: { LastName: "X", Company: "Y" } }]));
    expect(err).toMatchObject({ errorClass: "transient", retriable: false });
    expect(err.message).toMatch(/not resent/);
  });
});

describe("answers that stop after their headers", () => {
  // jsforce clears its own timeout once the headers arrive and does not pass on the body's errors, so a
  // server that stalls after them, or a connection cut mid-body, left the call waiting forever.
  const ANSWER = JSON.stringify({ totalSize: 0, done: true, records: [] });
  const ID = "006000000000001AAA";
  let server: Server;
  let requests: number;

  /** A server whose first `bad` answers send their headers and part of the body, then stall or are cut. */
  async function halfAnswering(how: "stall" | "reset", bad: number): Promise<string> {
    requests = 0;
    server = createServer((req, res: ServerResponse) => {
      requests += 1;
      res.writeHead(200, { "content-type": "application/json", "content-length": String(ANSWER.length) });
      if (requests > bad) {
        res.end(ANSWER);
        return;
      }
      res.write(ANSWER.slice(0, 10));
      if (how === "reset") setImmediate(() => req.socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function halfAdapter(url: string, options: Partial<SalesforceAdapterOptions> = {}) {
    return createSalesforceAdapter({
      connection: { instanceUrl: url, accessToken: "token", apiVersion: "62.0" },
      retry: RETRY,
      requestTimeoutMs: 100,
      ...options,
    });
  }

  it.each(["stall", "reset"] as const)(
    "times out a query whose body is cut short (%s) and retries it",
    async (how) => {
      const sf = await halfAdapter(await halfAnswering(how, 1));
      expect(await sf.readByIds("Opportunity", [ID], ["Name"])).toEqual([]);
      expect(requests).toBe(2);
      expect(sf.callsMade()).toBe(2);
    },
  );

  it("stops with a transient timeout when every answer stalls, once the call's patience is spent", async () => {
    const clock = new FakeClock(T0);
    const sf = await halfAdapter(await halfAnswering("stall", Number.POSITIVE_INFINITY), {
      clock,
      retry: { patienceMs: 1_000, minTimeoutMs: 100, maxTimeoutMs: 400 },
    });
    const err = await thrown(sf.readByIds("Opportunity", [ID], ["Name"]));
    expect(err).toMatchObject({ system: "salesforce", errorClass: "transient", code: "TIMEOUT", retriable: false });
    expect(err.message).toMatch(
      /^stopped after 1s of timeouts from Salesforce \(no whole answer within 100 ms\) on GET \/query: \d+ attempts/,
    );
    expect(requests).toBe(clock.slept.length + 1);
    expect(requests).toBeGreaterThan(1);
  });
});

describe("describe", () => {
  it("describes Lead with required fields, types, lengths and external ids", async () => {
    const sf = await adapter();
    const lead = await sf.describe("lead");
    const byName = new Map(lead.fields.map((f) => [f.name, f]));
    expect(lead).toMatchObject({ system: "salesforce", object: "Lead" });
    expect(byName.get("LastName")).toMatchObject({ type: "string", required: true, length: 80 });
    expect(byName.get("Company")).toMatchObject({ required: true });
    expect(byName.get("Email")).toMatchObject({ type: "email", required: false });
    expect(byName.get("HasOptedOutOfEmail")).toMatchObject({ type: "boolean", required: false });
    expect(byName.get("OwnerId")).toMatchObject({ type: "reference", required: false });
    expect(byName.get("Id")).toMatchObject({ type: "id", required: false, createable: false });
    expect(byName.get("HubSpot_Contact_Id__c")).toMatchObject({ externalId: true, unique: true });
    expect(byName.get("Leadloop_Score__c")).toMatchObject({ type: "number" });
    expect(byName.get("Leadloop_MQL_Date__c")).toMatchObject({ type: "datetime" });
    await sf.describe("Lead");
    expect(endpointCalls("/composite")).toBe(1);
  });

  it("describes the objects a sync uses in one call, and any other object on its own", async () => {
    const sf = await adapter();
    emu.calls.reset();
    const described = await Promise.all(["Contact", "account", "Lead", "Opportunity", "Task"].map((o) => sf.describe(o)));
    expect(described.map((d) => d.object)).toEqual(["Contact", "Account", "Lead", "Opportunity", "Task"]);
    expect(described[4]!.fields.map((f) => f.name)).toEqual(expect.arrayContaining(["WhoId", "Leadloop_Activity_Key__c"]));
    expect(emu.calls.total()).toBe(1);
    expect(endpointCalls("/composite")).toBe(1);

    const campaign = await sf.describe("Campaign");
    expect(campaign.object).toBe("Campaign");
    expect(endpointCalls("/describe")).toBe(1);
    const err = await thrown(sf.describe("Widget__c"));
    expect(err.errorClass).toBe("data");
    expect(emu.calls.total()).toBe(3);
  });

  it("describes each object on its own where the Composite resource is missing", async () => {
    emu.faults.add({ requests: [{ kind: "status", status: 404, path: "/composite", method: "POST" }] });
    const sf = await adapter();
    emu.calls.reset();
    expect((await sf.describe("Lead")).object).toBe("Lead");
    expect((await sf.describe("Contact")).object).toBe("Contact");
    expect(endpointCalls("/composite")).toBe(1);
    expect(endpointCalls("/describe")).toBe(2);
  });
});

describe("contact roles", () => {
  // No external id to upsert on: a role sent again (after a crash between the save and leadloop's commit)
  // must come back as the role already made, not as a second role for the same contact.
  it("answers a role create for a contact the Opportunity already has with that role, and sends nothing", async () => {
    const account = emu.data.insert("Account", { Name: "Brasserie Océane" });
    const contact = emu.data.insert("Contact", { LastName: "Rousseau", FirstName: "Maëlle", AccountId: account });
    const opportunity = emu.data.insert("Opportunity", {
      Name: "Brasserie Océane – Pilote",
      StageName: "Prospecting",
      CloseDate: "2026-12-31",
      AccountId: account,
    });
    const sf = await adapter();
    const role = { ref: "role", fields: { OpportunityId: opportunity, ContactId: contact, Role: "Decision Maker" } };
    const [first] = await sf.write("OpportunityContactRole", [role]);
    expect(first).toMatchObject({ ok: true, created: true });
    const [again] = await sf.write("OpportunityContactRole", [role]);
    expect(again).toMatchObject({ ok: true, created: false, id: first!.ok ? first!.id : "" });
    expect(emu.data.list("OpportunityContactRole").filter((r) => r.OpportunityId === opportunity)).toHaveLength(1);
  });
});

describe("readRemovals", () => {
  it("reports deleted and merged records in the window", async () => {
    const [master, loser, gone] = seedLeads(3, (i) => at(i));
    // getDeleted answers in whole minutes up to the last one that ended: these happened 90 s ago.
    const removedAt = new Date(Date.now() - 90_000);
    const since = new Date(Date.now() - 3 * 60_000).toISOString();
    emu.data.delete("Lead", gone!, removedAt);
    emu.data.merge("Lead", master!, [loser!], removedAt);
    const until = new Date(Date.now() + 1000).toISOString();
    const sf = await adapter();
    const removals = await sf.readRemovals("Lead", since, until);
    const byId = new Map(removals.map((r) => [r.id, r]));
    expect(byId.get(gone!)).toMatchObject({ object: "Lead", kind: "deleted", mergedInto: null });
    expect(byId.get(loser!)).toMatchObject({ kind: "merged", mergedInto: master });
    expect(removals).toHaveLength(2);
    expect(byId.get(gone!)!.at).toMatch(/Z$/);
  });

  // getDeleted refuses a window listing more than 600,000 ids (EXCEEDED_ID_LIMIT, "sObject Get Deleted"):
  // a lost store's first read reaches 29 days back, where a large org's deletions may be that many. The
  // window is read in halves instead (here the emulator's limit lowered to 2 ids).
  it("reads a window holding more deletions than getDeleted lists at once in halves, missing none", async () => {
    await emu.close();
    emu = await startSalesforceEmulator({ replicationIdLimit: 2 });
    const names = ["Éloïse Dûpont", "o'BRIEN", "Zoë Ångström", "Nguyễn Thị Lan", "María-José Peña", "X Æ"];
    const ids = seedLeads(names.length, (i) => at(i), (i) => ({ LastName: names[i] }));
    const minuteStart = Math.floor(Date.now() / 60_000) * 60_000;
    // Spread over the last three hours, one every half hour, the last a few minutes ago.
    ids.forEach((id, i) => emu.data.delete("Lead", id, new Date(minuteStart - (6 - i) * 30 * 60_000 + 5 * 60_000)));
    const sf = await adapter();
    const since = new Date(minuteStart - 4 * HOUR).toISOString();
    const removals = await sf.readRemovals("Lead", since, new Date().toISOString());
    expect(removals.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(removals.every((r) => r.kind === "deleted")).toBe(true);
    // Three deletions in one minute cannot be split into windows of more than a minute: the refusal stands.
    const crowded = seedLeads(3, (i) => at(i));
    for (const id of crowded) emu.data.delete("Lead", id, new Date(minuteStart - 10 * MINUTE + 5_000));
    const err = await thrown(sf.readRemovals("Lead", new Date(minuteStart - 11 * MINUTE).toISOString(), new Date(minuteStart - 8 * MINUTE).toISOString()));
    expect(err.code).toBe("EXCEEDED_ID_LIMIT");
  });
});

describe("createDefaults", () => {
  it("answers what Salesforce gives a created Lead: the describe's defaults and the API user as owner", async () => {
    const sf = await adapter();
    const defaults = await sf.createDefaults("Lead");
    // What a Lead created without these fields really gets from the emulator.
    const id = (await sf.write("Lead", [{ ref: "r", fields: { LastName: "Wójcik", Company: "Żabka Polska" } }]))[0]!;
    expect(id.ok).toBe(true);
    const [created] = await sf.readByIds("Lead", [(id as { id: string }).id], ["Status", "OwnerId", "Owner.Email"]);
    expect(defaults).toMatchObject({
      Status: created!.fields.Status,
      OwnerId: created!.fields.OwnerId,
      "Owner.Email": created!.fields["Owner.Email"],
    });
    expect(defaults.Status).toBe("Open - Not Contacted");
    expect(defaults["Owner.Email"]).toBe("integration@leadloop.sandbox");
  });

  it("reads the API user once per adapter, with a GET", async () => {
    const sf = await adapter();
    emu.calls.reset();
    await sf.createDefaults("Lead");
    await sf.createDefaults("Contact");
    expect(emu.calls.byEndpoint()["GET /services/oauth2/userinfo"]).toBe(1);
  });
});

describe("the handoff vocabulary's owners", () => {
  it("names CRM owners by id with their lower-cased email, and leaves out an id no user has", async () => {
    const zoe = emu.data.insert("User", { Username: "zoe.marchand@acme.test", Email: "Zoe.Marchand@Acme-Industrie.fr", FirstName: "Zoé", LastName: "Marchand", IsActive: true });
    const omar = emu.data.insert("User", { Username: "omar.king@acme.test", Email: "omar.king@acme.com", LastName: "King", IsActive: false });
    const emails = await salesforceHandoffVocabulary(await adapter()).ownerEmails([zoe, omar, "005000000000000AAA"]);
    expect(emails).toEqual(new Map([[zoe, "zoe.marchand@acme-industrie.fr"], [omar, "omar.king@acme.com"]]));
  });
});

describe("IN lists as long as a query's URI may be", () => {
  it("finds hundreds of Leads by email in two queries asked in one composite call, and the emulator refuses a URI past 16,384 bytes", async () => {
    const emulator = await startSalesforceEmulator();
    try {
      const emails: string[] = [];
      for (let i = 0; i < 450; i++) {
        // Mixed case in the list, lower case in the org: SOQL compares text without regard to case.
        const email = `Zoe.OBrien-${i}@Example-${i % 7}.COM`;
        emails.push(email);
        if (i % 3 === 0) emulator.data.insert("Lead", { LastName: `Müller ${i}`, Company: "Acme", Email: email.toLowerCase() });
      }
      const adapter = await createSalesforceAdapter({ connection: emulatorConnection(emulator) });
      emulator.calls.reset();
      const found = await adapter.findBy("Lead", "Email", emails, ["Email"]);
      expect(found).toHaveLength(150);
      // 450 addresses in 2 queries: IN lists fill the URI instead of stopping at 200 values, and the two
      // are asked in one composite call, which counts as one toward the org's API limits.
      const calls = emulator.calls.byEndpoint();
      expect(calls["POST /services/data/:version/composite"]).toBe(1);
      expect(calls["GET /services/data/:version/query"]).toBeUndefined();
      const long = `SELECT Id FROM Lead WHERE Email IN (${emails.concat(emails).map((e) => `'${e}'`).join(", ")})`;
      const headers = { authorization: `Bearer ${emulator.accessToken}`, "content-type": "application/json" };
      const res = await fetch(`${emulator.url}/services/data/v62.0/query?q=${encodeURIComponent(long)}`, { headers });
      expect(res.status).toBe(414);
      // Held to the same inside a composite call: that subrequest alone is refused.
      const composite = await fetch(`${emulator.url}/services/data/v62.0/composite`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          compositeRequest: [
            { method: "GET", url: `/services/data/v62.0/query?q=${encodeURIComponent(long)}`, referenceId: "long" },
            { method: "GET", url: `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM Lead LIMIT 1")}`, referenceId: "short" },
          ],
        }),
      });
      const answers = ((await composite.json()) as { compositeResponse: { referenceId: string; httpStatusCode: number }[] }).compositeResponse;
      expect(answers.map((a) => [a.referenceId, a.httpStatusCode])).toEqual([["long", 414], ["short", 200]]);
    } finally {
      await emulator.close();
    }
  });
});
