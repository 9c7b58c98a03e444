// The Composite resource on the Salesforce emulator (REST API Developer Guide, "Send Multiple Requests Using
// Composite"), and the adapter's window probe that uses it: several queries and getDeleted windows
// answered in one call that counts once against the org's allocation, the request-level refusals the
// reference states, and a probe that falls back to reading each window when the call fails.
import type { SalesforceConnection } from "../../src/config/leadloop-config.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";
import { createSalesforceAdapter } from "../../src/systems/salesforce/index.js";

const RETRY: RetryPolicy = { patienceMs: 2_000, minTimeoutMs: 10, maxTimeoutMs: 50 };
const T0 = Date.parse("2026-11-20T08:00:00.000Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
/** A SOQL dateTime literal in the form the SOQL reference lists, to the second. */
const literal = (when: Date) => `${when.toISOString().slice(0, 19)}Z`;
const V = "/services/data/v62.0";

let emu: SalesforceEmulator;

beforeEach(async () => {
  emu = await startSalesforceEmulator({ now: () => at(600) });
});
afterEach(async () => {
  await emu.close();
});

async function composite(body: unknown) {
  const res = await fetch(`${emu.url}${V}/composite`, {
    method: "POST",
    headers: { authorization: `Bearer ${emu.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, limit: res.headers.get("sforce-limit-info"), body: (await res.json()) as unknown };
}

const query = (soql: string, referenceId: string) => ({ method: "GET", url: `${V}/query?q=${encodeURIComponent(soql)}`, referenceId });

function connection(): SalesforceConnection {
  return { instanceUrl: emu.url, accessToken: emu.accessToken, apiVersion: "62.0" };
}

describe("the composite resource", () => {
  it("answers queries and getDeleted in one call that counts once", async () => {
    emu.data.insert("Lead", { LastName: "Müller", Company: "Bäckerei Müller", Email: "anna.muller@example.de" }, at(10));
    const gone = emu.data.insert("Lead", { LastName: "O'Brien", Company: "O'Brien & Söhne" }, at(20));
    emu.data.delete("Lead", gone, at(30));
    const before = emu.calls.total();
    const res = await composite({
      allOrNone: false,
      compositeRequest: [
        query(`SELECT Id, LastName FROM Lead WHERE SystemModstamp >= ${literal(at(0))} ORDER BY SystemModstamp, Id`, "leads"),
        query(`SELECT Id FROM Contact WHERE SystemModstamp >= ${literal(at(0))} LIMIT 1`, "contacts"),
        { method: "GET", url: `${V}/sobjects/Lead/deleted?start=${at(0).toISOString()}&end=${at(60).toISOString()}`, referenceId: "leads_deleted" },
        query("SELECT Nonsense FROM Lead", "bad_query"),
      ],
    });
    expect(res.status).toBe(200);
    expect(emu.calls.total() - before).toBe(1);
    const answers = (res.body as { compositeResponse: { referenceId: string; httpStatusCode: number; body: unknown }[] }).compositeResponse;
    expect(answers.map((a) => [a.referenceId, a.httpStatusCode])).toEqual([
      ["leads", 200],
      ["contacts", 200],
      ["leads_deleted", 200],
      ["bad_query", 400],
    ]);
    expect((answers[0]!.body as { records: { LastName: string }[] }).records.map((r) => r.LastName)).toEqual(["Müller"]);
    expect((answers[1]!.body as { totalSize: number }).totalSize).toBe(0);
    expect((answers[2]!.body as { deletedRecords: { id: string }[] }).deletedRecords.map((d) => d.id)).toEqual([gone]);
    expect((answers[3]!.body as { errorCode: string }[])[0]!.errorCode).toBe("INVALID_FIELD");
  });

  it("refuses what the reference does not allow, before running any subrequest", async () => {
    const six = Array.from({ length: 6 }, (_, i) => query("SELECT Id FROM Lead LIMIT 1", `q${i}`));
    const deleted = (i: number) => ({ method: "GET", url: `${V}/sobjects/Lead/deleted?start=${at(0).toISOString()}&end=${at(60).toISOString()}`, referenceId: `d${i}` });
    const cases: unknown[] = [
      { compositeRequest: six },
      { compositeRequest: Array.from({ length: 26 }, (_, i) => deleted(i)) },
      { compositeRequest: [{ ...deleted(0), referenceId: "bad-id" }] },
      { compositeRequest: [deleted(0), deleted(0)] },
      { compositeRequest: [{ ...deleted(0), method: "get" }] },
      { compositeRequest: [{ ...deleted(0), httpHeaders: { Authorization: "Bearer other" } }] },
      { compositeRequest: [{ ...deleted(0), url: `${V}/limits` }] },
      { compositeRequest: [{ method: "PATCH", url: `${V}/sobjects/Lead/@{ref.id}`, referenceId: "ref2", body: { Company: "Acme" } }] },
      { compositeRequest: [] },
    ];
    for (const body of cases) {
      const res = await composite(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
  });

  it("tells the write listener of a composite that writes, not of one that only reads", async () => {
    const writes: string[] = [];
    emu.onWrite(({ endpoint }) => void writes.push(endpoint));
    await composite({ compositeRequest: [query("SELECT Id FROM Lead LIMIT 1", "read")] });
    expect(writes).toEqual([]);
    const res = await composite({
      compositeRequest: [{ method: "POST", url: `${V}/sobjects/Lead`, referenceId: "made", body: { LastName: "Ñúñez", Company: "Café Ñúñez" } }],
    });
    expect((res.body as { compositeResponse: { httpStatusCode: number }[] }).compositeResponse[0]!.httpStatusCode).toBe(201);
    expect(writes).toEqual(["POST /services/data/:version/composite"]);
  });
});

describe("a query the composite call refuses", () => {
  it("doubts the describe that listed a field since deleted, though the query's own call then fails otherwise", async () => {
    emu.data.insert("Lead", { LastName: "Nguyễn", Company: "Phở & Co", Email: "THAO.nguyen@pho-co.vn" }, at(100));
    const sf = await createSalesforceAdapter({ connection: connection(), retry: RETRY, lookbackMs: 60_000 });
    const lead = await sf.describe("Lead");
    expect(lead.fields.map((f) => f.name)).toContain("Leadloop_Disposition_Reason__c");
    await sf.descriptions.takeChanges();
    // An admin deletes the field; the query's call of its own then meets Salesforce down (503s past the patience).
    emu.data.deleteField("Lead", "Leadloop_Disposition_Reason__c");
    emu.faults.add({ requests: [{ kind: "status", status: 503, path: "/query", method: "GET" }] });
    const read = sf.readChanges("Lead", ["LastName", "Leadloop_Disposition_Reason__c"], null, at(120).toISOString(), { onCoveredUntil: () => undefined });
    await expect(read[Symbol.asyncIterator]().next()).rejects.toMatchObject({ errorClass: "transient" });
    // The composite subrequest's INVALID_FIELD ("No such column … on entity 'Lead'") was heard: the next run describes the Lead again.
    expect((await sf.descriptions.takeChanges()).forgotten.map((o) => o.toLowerCase())).toContain("lead");
  });
});

describe("the adapter's window probe", () => {
  it("says which windows are empty in one call", async () => {
    emu.data.insert("Lead", { LastName: "Dupont", Company: "Dupont Frères" }, at(100));
    const gone = emu.data.insert("Contact", { LastName: "Weiß" }, at(100));
    emu.data.delete("Contact", gone, at(110));
    const sf = await createSalesforceAdapter({ connection: connection(), retry: RETRY, lookbackMs: 60_000 });
    const before = sf.apiCalls();
    const until = at(120).toISOString();
    const empty = await sf.probeWindows!([
      { kind: "changes", object: "Lead", from: at(90).toISOString(), until },
      { kind: "changes", object: "Lead", from: at(105).toISOString(), until },
      { kind: "changes", object: "Account", from: at(0).toISOString(), until },
      { kind: "removals", object: "Contact", from: at(90).toISOString(), until },
      { kind: "removals", object: "Lead", from: at(90).toISOString(), until },
    ]);
    expect(empty).toEqual([false, true, true, false, true]);
    expect(sf.apiCalls() - before).toBe(1);
  });

  it("splits more than five queries over several calls", async () => {
    const sf = await createSalesforceAdapter({ connection: connection(), retry: RETRY });
    const objects = ["Lead", "Contact", "Account", "Opportunity", "Task", "Campaign", "User"];
    const before = sf.apiCalls();
    const empty = await sf.probeWindows!(objects.map((object) => ({ kind: "changes" as const, object, from: at(500).toISOString(), until: at(510).toISOString() })));
    expect(empty).toEqual(objects.map(() => true));
    expect(sf.apiCalls() - before).toBe(2);
  });

  it("answers nothing known when the composite call fails, so each window is read as before", async () => {
    emu.faults.add({ requests: [{ kind: "status", status: 404, path: "/composite", method: "POST" }] });
    const sf = await createSalesforceAdapter({ connection: connection(), retry: RETRY });
    const windows = [
      { kind: "changes" as const, object: "Lead", from: at(500).toISOString(), until: at(510).toISOString() },
      { kind: "removals" as const, object: "Lead", from: at(500).toISOString(), until: at(510).toISOString() },
    ];
    expect(await sf.probeWindows!(windows)).toEqual([false, false]);
  });
});

describe("a read's queries asked together", () => {
  /** Addresses long enough that a few hundred fill a query's URI, in mixed case (the org keeps them lower). */
  function addresses(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `Zoe.OBrien-Mueller-${i}@Baeckerei-${i % 7}.Example.COM`);
  }

  it("sends the first pages of five queries in one call, pages a part past 2,000 rows and sends the sixth on its own", async () => {
    const emails = addresses(1_150);
    for (let i = 0; i < emails.length; i += 4) emu.data.insert("Lead", { LastName: `Müller ${i}`, Company: "Acme", Email: emails[i]!.toLowerCase() }, at(5));
    // One address shared by 2,100 Leads (an import gone wrong): its part's answer runs past one page.
    for (let i = 0; i < 2_100; i++) emu.data.insert("Lead", { LastName: `Doublon ${i}`, Company: "Acme", Email: emails[1]! }, at(5));
    const sf = await createSalesforceAdapter({ connection: connection(), retry: RETRY });
    emu.calls.reset();
    const found = await sf.findBy("Lead", "Email", emails, ["Email"]);
    expect(found).toHaveLength(288 + 2_100);
    expect(new Set(found.map((r) => r.id)).size).toBe(288 + 2_100);
    const calls = emu.calls.byEndpoint();
    // 1,150 addresses make six IN lists: five asked in one composite call, the sixth as a call of its own,
    // and the shared address's second page through its locator.
    expect(calls["POST /services/data/:version/composite"]).toBe(1);
    expect(calls["GET /services/data/:version/query"]).toBe(1);
    expect(Object.entries(calls).filter(([endpoint]) => endpoint.includes("/query/")).map(([, n]) => n)).toEqual([1]);
  });

  it("sends a query whose subrequest was refused on its own, where the refusal is classified as any call's", async () => {
    const sf = await createSalesforceAdapter({ connection: connection(), retry: RETRY });
    emu.calls.reset();
    await expect(sf.findBy("Lead", "Courriel__c", addresses(450), ["Email"])).rejects.toMatchObject({ code: "INVALID_FIELD" });
    const calls = emu.calls.byEndpoint();
    expect(calls["POST /services/data/:version/composite"]).toBe(1);
    expect(calls["GET /services/data/:version/query"]).toBe(1);
  });

  it("sends each query on its own when the composite call fails", async () => {
    const emails = addresses(450);
    for (let i = 0; i < emails.length; i += 3) emu.data.insert("Lead", { LastName: `Müller ${i}`, Company: "Acme", Email: emails[i]!.toLowerCase() }, at(5));
    emu.faults.add({ requests: [{ kind: "status", status: 404, path: "/composite", method: "POST" }] });
    const sf = await createSalesforceAdapter({ connection: connection(), retry: RETRY });
    emu.calls.reset();
    const found = await sf.findBy("Lead", "Email", emails, ["Email"]);
    expect(found.map((r) => r.fields.Email).sort()).toEqual(emails.filter((_, i) => i % 3 === 0).map((e) => e.toLowerCase()).sort());
    // Three IN lists, each its own call after the failed composite call.
    expect(emu.calls.byEndpoint()["GET /services/data/:version/query"]).toBe(3);
  });
});
