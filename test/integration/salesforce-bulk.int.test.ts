// Bulk API 2.0 ingest over loopback: the emulator's jobs/ingest resources (CSV quoting, #N/A, results CSVs,
// job states) and the adapter's bulk path for writes above bulkThreshold (one job, per-row outcomes in input
// order, failures with their sf__Error, a repeated upsert creating nothing).
import type { SalesforceConnection } from "../../src/config/leadloop-config.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import type { RecordWrite } from "../../src/sync/system-port.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";
import { createSalesforceAdapter } from "../../src/systems/salesforce/index.js";
import { thrown } from "../support/system-error-of.js";

const RETRY: RetryPolicy = { patienceMs: 5_000, minTimeoutMs: 10, maxTimeoutMs: 50 };
const JOBS = "/services/data/v62.0/jobs/ingest";

let emu: SalesforceEmulator;

beforeEach(async () => {
  emu = await startSalesforceEmulator();
});
afterEach(async () => {
  await emu.close();
});

function connection(): SalesforceConnection {
  return { instanceUrl: emu.url, accessToken: emu.accessToken, apiVersion: "62.0" };
}

async function api(method: string, path: string, body?: unknown, type = "application/json") {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${emu.accessToken}`, "content-type": type },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type") ?? "", text };
}

function bulkAdapter() {
  return createSalesforceAdapter({ connection: connection(), retry: RETRY, bulkThreshold: 100 });
}

function liveLeads() {
  return emu.data.store.all("Lead").filter((r) => r.IsDeleted !== true);
}

const TRICKY = 'Said "hola, señor", then left;\nsecond line | tab\there';

describe("emulator: Bulk API 2.0 ingest", () => {
  it("creates, uploads CSV, closes, processes and reports results as CSV", async () => {
    const created = await api("POST", JOBS, {
      object: "Lead",
      operation: "insert",
      contentType: "CSV",
      lineEnding: "LF",
    });
    expect(created.status).toBe(200);
    const job = JSON.parse(created.text) as { id: string; state: string; operation: string };
    expect(job.state).toBe("Open");
    expect(job.id).toMatch(/^750/);

    const csv =
      "LastName,Company,Description,Title\n" +
      `Ångström,"Acme, Inc.","${TRICKY.replaceAll('"', '""')}",#N/A\n` +
      "NoCompany,,plain,\n";
    expect((await api("PUT", `${JOBS}/${job.id}/batches`, csv, "text/csv")).status).toBe(201);
    // One upload per job (Bulk API 2.0 Developer Guide, "Upload Job Data").
    const second = await api("PUT", `${JOBS}/${job.id}/batches`, "LastName\nExtra\n", "text/csv");
    expect(second.status).toBe(400);
    expect(second.text).toContain("only do 'PUT' once");
    const closed = await api("PATCH", `${JOBS}/${job.id}`, { state: "UploadComplete" });
    expect(closed.status).toBe(200);
    expect(JSON.parse(closed.text)).toMatchObject({ state: "UploadComplete" });

    const info = JSON.parse((await api("GET", `${JOBS}/${job.id}`)).text) as Record<string, unknown>;
    expect(info).toMatchObject({ state: "JobComplete", numberRecordsProcessed: 2, numberRecordsFailed: 1 });

    const leads = liveLeads();
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      LastName: "Ångström",
      Company: "Acme, Inc.",
      Description: TRICKY,
      Title: null,
    });

    const ok = await api("GET", `${JOBS}/${job.id}/successfulResults`);
    expect(ok.type).toMatch(/^text\/csv/);
    const okLines = ok.text.split("\n");
    expect(okLines[0]).toBe("sf__Id,sf__Created,LastName,Company,Description,Title");
    expect(okLines[1]).toBe(
      `${String(leads[0]!.Id)},true,Ångström,"Acme, Inc.","Said ""hola, señor"", then left;`,
    );

    const bad = await api("GET", `${JOBS}/${job.id}/failedResults`);
    expect(bad.text).toBe(
      "sf__Id,sf__Error,LastName,Company,Description,Title\n" +
        ",REQUIRED_FIELD_MISSING:Required fields are missing: [Company]:Company --,NoCompany,,plain,\n",
    );

    expect((await api("DELETE", `${JOBS}/${job.id}`)).status).toBe(204);
    expect((await api("GET", `${JOBS}/${job.id}`)).status).toBe(404);
  });

  it("refuses a keyless upsert job, fails a job naming an unknown field, refuses late data", async () => {
    const noKey = await api("POST", JOBS, { object: "Lead", operation: "upsert" });
    expect(noKey.status).toBe(400);
    expect(noKey.text).toContain("INVALIDJOB");

    const job = JSON.parse((await api("POST", JOBS, { object: "Lead", operation: "insert" })).text) as {
      id: string;
    };
    await api("PUT", `${JOBS}/${job.id}/batches`, "LastName,Nope__c\nX,1\n", "text/csv");
    await api("PATCH", `${JOBS}/${job.id}`, { state: "UploadComplete" });
    const info = JSON.parse((await api("GET", `${JOBS}/${job.id}`)).text) as Record<string, unknown>;
    expect(info).toMatchObject({
      state: "Failed",
      errorMessage: "InvalidBatch : Field name not found : Nope__c",
    });
    expect(liveLeads()).toHaveLength(0);
    const again = await api("PUT", `${JOBS}/${job.id}/batches`, "LastName\nY\n", "text/csv");
    expect(again.status).toBe(400);
    expect(again.text).toContain("INVALIDJOBSTATE");
  });

  it("fails a job whose rows end otherwise than its lineEnding says, before any row; a line break inside a quoted field ends no row", async () => {
    const jobWith = async (lineEnding: "LF" | "CRLF", csv: string) => {
      const job = JSON.parse((await api("POST", JOBS, { object: "Lead", operation: "insert", lineEnding })).text) as { id: string };
      await api("PUT", `${JOBS}/${job.id}/batches`, csv, "text/csv");
      await api("PATCH", `${JOBS}/${job.id}`, { state: "UploadComplete" });
      return JSON.parse((await api("GET", `${JOBS}/${job.id}`)).text) as Record<string, unknown>;
    };
    expect(await jobWith("LF", "LastName,Company\r\nÅngström,\"Acme, Inc.\"\r\n")).toMatchObject({
      state: "Failed",
      numberRecordsProcessed: 0,
      errorMessage: "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF",
    });
    expect(await jobWith("CRLF", "LastName,Company\nÅngström,\"Acme, Inc.\"\n")).toMatchObject({
      state: "Failed",
      errorMessage: "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF",
    });
    expect(liveLeads()).toEqual([]);

    expect(await jobWith("CRLF", `LastName,Company,Description\r\nNuñez,"Acme, Inc.","Rappeler lundi\nsinon mardi"\r\n`)).toMatchObject({
      state: "JobComplete",
      numberRecordsProcessed: 1,
      numberRecordsFailed: 0,
    });
    expect(liveLeads()).toEqual([expect.objectContaining({ LastName: "Nuñez", Description: "Rappeler lundi\nsinon mardi" })]);
  });

  it("with bulkJobPolls, keeps a closed job InProgress for that many Get Job Info calls, its results refused until it completes", async () => {
    await emu.close();
    emu = await startSalesforceEmulator({ bulkJobPolls: 2 });
    const job = JSON.parse((await api("POST", JOBS, { object: "Lead", operation: "insert" })).text) as { id: string };
    await api("PUT", `${JOBS}/${job.id}/batches`, "LastName,Company\nLefèvre,Société Générale\n", "text/csv");
    await api("PATCH", `${JOBS}/${job.id}`, { state: "UploadComplete" });
    const state = async () => (JSON.parse((await api("GET", `${JOBS}/${job.id}`)).text) as { state: string }).state;

    expect(await state()).toBe("InProgress");
    const early = await api("GET", `${JOBS}/${job.id}/successfulResults`);
    expect(early.status).toBe(400);
    expect(early.text).toContain("INVALIDJOBSTATE");
    expect(liveLeads()).toEqual([]);
    expect(await state()).toBe("InProgress");
    expect(await state()).toBe("JobComplete");
    expect(liveLeads()).toEqual([expect.objectContaining({ LastName: "Lefèvre", Company: "Société Générale" })]);
  });

  it("refuses an upload larger than a job may hold, the job left Open for a smaller one", async () => {
    await emu.close();
    emu = await startSalesforceEmulator({ bulkUploadMaxBytes: 64 });
    const job = JSON.parse((await api("POST", JOBS, { object: "Lead", operation: "insert" })).text) as { id: string };
    const big = await api("PUT", `${JOBS}/${job.id}/batches`, `LastName,Company\n${"Ångström-Nuñez,Société Générale\n".repeat(3)}`, "text/csv");
    expect(big.status).toBe(400);
    expect(big.text).toContain("BULK_API_ERROR");
    expect((await api("PUT", `${JOBS}/${job.id}/batches`, "LastName,Company\nLefèvre,SGI\n", "text/csv")).status).toBe(201);
  });

  it("leaves a blank field unchanged and sets #N/A to null in an update job", async () => {
    const id = emu.data.insert("Lead", { LastName: "Kept", Company: "X", Title: "CEO", Phone: "123" });
    const job = JSON.parse((await api("POST", JOBS, { object: "Lead", operation: "update" })).text) as {
      id: string;
    };
    await api("PUT", `${JOBS}/${job.id}/batches`, `Id,Title,Phone\n${id},#N/A,\n`, "text/csv");
    await api("PATCH", `${JOBS}/${job.id}`, { state: "UploadComplete" });
    expect(emu.data.store.get("Lead", id)).toMatchObject({ LastName: "Kept", Title: null, Phone: "123" });
    const ok = await api("GET", `${JOBS}/${job.id}/successfulResults`);
    expect(ok.text).toBe(`sf__Id,sf__Created,Id,Title,Phone\n${id},false,${id},#N/A,\n`);
  });
});

describe("emulator: a Bulk API 2.0 job that stops part-way", () => {
  const UPSERT_CSV =
    "HubSpot_Contact_Id__c,LastName,Company,Title\n" +
    "hs-1,Ångström,\"Société Générale d'Ingénierie\",Directrice des Opérations\n" +
    "hs-2,Nuñez-Ölander,ACME gmbh,\n" +
    "hs-3,Lefèvre,\"Acme, Inc.\",#N/A\n" +
    "hs-4,D'Aubigné,Zoé & Fils,Head of Revenue Operations\n";

  const upsertJob = async () => {
    const job = JSON.parse(
      (await api("POST", JOBS, { object: "Lead", operation: "upsert", externalIdFieldName: "HubSpot_Contact_Id__c" })).text,
    ) as { id: string };
    await api("PUT", `${JOBS}/${job.id}/batches`, UPSERT_CSV, "text/csv");
    await api("PATCH", `${JOBS}/${job.id}`, { state: "UploadComplete" });
    return job.id;
  };

  it("fails the next job after the rows a fault names: those saved and in its results, the rest unprocessed, served with the header", async () => {
    emu.faults.add({ jobs: [{ object: "Lead", afterRows: 2, times: 1 }] });
    const id = await upsertJob();

    const info = JSON.parse((await api("GET", `${JOBS}/${id}`)).text) as Record<string, unknown>;
    expect(info).toMatchObject({
      state: "Failed",
      numberRecordsProcessed: 2,
      numberRecordsFailed: 0,
      errorMessage: "Timeout : Retried more than 10 times",
    });
    expect(liveLeads().map((l) => l.LastName).sort()).toEqual(["Nuñez-Ölander", "Ångström"]);
    const ok = (await api("GET", `${JOBS}/${id}/successfulResults`)).text.trim().split("\n");
    expect(ok).toHaveLength(3);
    expect((await api("GET", `${JOBS}/${id}/failedResults`)).text.trim()).toBe("sf__Id,sf__Error,HubSpot_Contact_Id__c,LastName,Company,Title");
    const unprocessed = await api("GET", `${JOBS}/${id}/unprocessedrecords`);
    expect(unprocessed.type).toMatch(/^text\/csv/);
    expect(unprocessed.text).toBe(
      "HubSpot_Contact_Id__c,LastName,Company,Title\n" + "hs-3,Lefèvre,\"Acme, Inc.\",#N/A\n" + "hs-4,D'Aubigné,Zoé & Fils,Head of Revenue Operations\n",
    );

    // The fault was used up: the next job of the same rows completes, its first two upserted onto the Leads made.
    const next = await upsertJob();
    expect(JSON.parse((await api("GET", `${JOBS}/${next}`)).text)).toMatchObject({ state: "JobComplete", numberRecordsProcessed: 4 });
    expect(liveLeads()).toHaveLength(4);
    expect((await api("GET", `${JOBS}/${next}/unprocessedrecords`)).status).toBe(400);
  });

  it("ends a job Aborted part-way with the fault's own errorMessage; its results are refused, its unprocessed rows are not", async () => {
    emu.faults.add({ jobs: [{ afterRows: 1, state: "Aborted" }] });
    const id = await upsertJob();

    expect(JSON.parse((await api("GET", `${JOBS}/${id}`)).text)).toMatchObject({ state: "Aborted", numberRecordsProcessed: 1 });
    expect((await api("GET", `${JOBS}/${id}/successfulResults`)).text).toContain("INVALIDJOBSTATE");
    expect((await api("GET", `${JOBS}/${id}/unprocessedrecords`)).text.trim().split("\n")).toHaveLength(4);

    emu.faults.clear();
    emu.faults.add({ jobs: [{ afterRows: 0, errorMessage: "ExceededQuota : Maximum records per rolling 24-hour period exceeded" }] });
    const spent = await upsertJob();
    expect(JSON.parse((await api("GET", `${JOBS}/${spent}`)).text)).toMatchObject({
      state: "Failed",
      numberRecordsProcessed: 0,
      errorMessage: "ExceededQuota : Maximum records per rolling 24-hour period exceeded",
    });
    expect((await api("GET", `${JOBS}/${spent}/unprocessedrecords`)).text.trim().split("\n")).toHaveLength(5);
  });
});

describe("adapter: writes above bulkThreshold", () => {
  const FAILING = 137;

  function leadWrites(): RecordWrite[] {
    return Array.from({ length: 450 }, (_, i) => {
      const fields: Record<string, string> = {
        HubSpot_Contact_Id__c: `hs-${1000 + i}`,
        FirstName: i % 2 === 0 ? "Zoë" : "José-Ñuño",
        LastName: `Ångström ${i}`,
        Company: `Société ${i % 7}, Ltd.`,
        Email: `bulk${i}@example.com`,
        Description: i % 50 === 0 ? `${TRICKY} #${i}` : `plain ${i}`,
      };
      if (i === FAILING) delete fields.Company;
      return { ref: `ref-${i}`, upsertOn: "HubSpot_Contact_Id__c", fields };
    });
  }

  function endpoints(): Record<string, number> {
    return emu.calls.byEndpoint();
  }

  it("upserts 450 Leads through one Bulk API 2.0 job, one outcome per input in order", async () => {
    const adapter = await bulkAdapter();
    const writes = leadWrites();
    emu.calls.reset();
    const before = adapter.apiCalls();

    const outcomes = await adapter.write("Lead", writes);

    const calls = endpoints();
    expect(calls).toMatchObject({
      "POST /services/data/:version/jobs/ingest": 1,
      "PUT /services/data/:version/jobs/ingest/:id/batches": 1,
      "PATCH /services/data/:version/jobs/ingest/:id": 1,
      "GET /services/data/:version/jobs/ingest/:id/successfulResults": 1,
    });
    expect(calls["GET /services/data/:version/jobs/ingest/:id"]).toBeGreaterThanOrEqual(1);
    // The one row the job did not save goes again outside it, in one Collections upsert, for its own
    // answer; the job's failed results are not read.
    expect(calls["GET /services/data/:version/jobs/ingest/:id/failedResults"]).toBeUndefined();
    expect(Object.entries(calls).filter(([k]) => k.includes("/sobjects") && !k.endsWith("/describe"))).toEqual([
      ["PATCH /services/data/:version/composite/sobjects/:type/:field", 1],
    ]);
    expect(adapter.apiCalls() - before).toBe(emu.calls.total());

    expect(outcomes.map((o) => o.ref)).toEqual(writes.map((w) => w.ref));
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toEqual([
      {
        ref: `ref-${FAILING}`,
        ok: false,
        error: {
          errorClass: "data",
          code: "REQUIRED_FIELD_MISSING",
          message: "Required fields are missing: [Company]",
          fields: ["Company"],
        },
      },
    ]);
    const leads = liveLeads();
    expect(leads).toHaveLength(449);
    const byId = new Map(leads.map((r) => [String(r.Id), r]));
    outcomes.forEach((o, i) => {
      if (!o.ok) return;
      expect(o.created).toBe(true);
      // Each outcome names the record made from its own input: values survive the CSV round trip.
      const record = byId.get(o.id);
      const fields = writes[i]!.fields;
      expect(record).toMatchObject({
        HubSpot_Contact_Id__c: fields.HubSpot_Contact_Id__c,
        FirstName: fields.FirstName,
        LastName: fields.LastName,
        Company: fields.Company,
        Description: fields.Description,
      });
    });
  });

  it("a job Salesforce failed for a field deleted since the describe fails the write as Collections would, not sent again; the describe is doubted", async () => {
    const adapter = await bulkAdapter();
    await adapter.describe("Lead");
    // An admin deletes a field leadloop writes, after the describe it writes from.
    emu.data.deleteField("Lead", "Leadloop_Reasons__c");
    const writes = leadWrites().map((w, i) => ({ ...w, fields: { ...w.fields, Leadloop_Reasons__c: `Démo demandée — visite n°${i}` } }));
    emu.calls.reset();
    const err = await thrown(adapter.write("Lead", writes));
    expect(err).toMatchObject({ system: "salesforce", errorClass: "config", code: "INVALID_FIELD", retriable: false });
    expect(err.message).toMatch(/^the mapping names a field Salesforce does not have: Lead\.Leadloop_Reasons__c \(Bulk API 2\.0 job \w+: InvalidBatch : Field name not found : Leadloop_Reasons__c\)$/);
    expect(endpoints()["POST /services/data/:version/jobs/ingest"]).toBe(1);
    expect(Object.keys(endpoints()).filter((k) => k.includes("/composite/"))).toEqual([]);
    expect(liveLeads()).toEqual([]);

    // The describe it wrote from is doubted: the run's end forgets it, so the next run reads it again
    // (ARCHITECTURE.md "Kept descriptions").
    expect((await adapter.descriptions.takeChanges()).forgotten).toEqual(["lead"]);
  });

  it("re-running the same upsert creates nothing new", async () => {
    const adapter = await bulkAdapter();
    const first = await adapter.write("Lead", leadWrites());
    const ids = liveLeads()
      .map((r) => String(r.Id))
      .sort();
    expect(ids).toHaveLength(449);

    const second = await adapter.write("Lead", leadWrites());

    expect(endpoints()["POST /services/data/:version/jobs/ingest"]).toBe(2);
    expect(
      liveLeads()
        .map((r) => String(r.Id))
        .sort(),
    ).toEqual(ids);
    expect(second.filter((o) => o.ok && o.created)).toEqual([]);
    expect(second.filter((o) => o.ok)).toHaveLength(449);
    second.forEach((o, i) => {
      const earlier = first[i]!;
      if (o.ok && earlier.ok) expect(o.id).toBe(earlier.id);
    });
    expect(second[FAILING]).toMatchObject({ ok: false, error: { code: "REQUIRED_FIELD_MISSING" } });
  });

  it("reports an injected record fault and a duplicate rule match per row", async () => {
    emu.data.insert("Lead", { LastName: "Existing", Company: "X", Email: "bulk5@example.com" });
    emu.faults.add({
      records: [{ object: "Lead", field: "LastName", equals: "Ångström 9", message: "Blocked by rule" }],
    });
    const adapter = await bulkAdapter();
    const outcomes = await adapter.write("Lead", leadWrites());
    expect(outcomes.filter((o) => !o.ok).map((o) => o.ref)).toEqual(["ref-5", "ref-9", `ref-${FAILING}`]);
    expect(outcomes[5]).toMatchObject({
      ok: false,
      error: { errorClass: "conflict", code: "DUPLICATES_DETECTED" },
    });
    expect(outcomes[9]).toMatchObject({
      ok: false,
      error: { errorClass: "data", code: "FIELD_CUSTOM_VALIDATION_EXCEPTION", message: "Blocked by rule" },
    });
  });

  it("updates through a bulk update job, a null value clearing the field", async () => {
    const ids = Array.from({ length: 120 }, (_, i) =>
      emu.data.insert("Lead", { LastName: `U${i}`, Company: "X", Title: "Old", Phone: "1" }),
    );
    const adapter = await bulkAdapter();
    emu.calls.reset();
    const outcomes = await adapter.write(
      "Lead",
      ids.map((id, i) => ({ ref: `u${i}`, id, fields: { Title: null, Phone: `555-${i}` } })),
    );
    // Five calls: create, upload, close, Get Job Info (JobComplete), the successful results; no failed
    // results read when Get Job Info counts no failure.
    expect(Object.fromEntries(Object.entries(endpoints()).filter(([endpoint]) => endpoint.includes("/jobs/")))).toEqual({
      "POST /services/data/:version/jobs/ingest": 1,
      "PUT /services/data/:version/jobs/ingest/:id/batches": 1,
      "PATCH /services/data/:version/jobs/ingest/:id": 1,
      "GET /services/data/:version/jobs/ingest/:id": 1,
      "GET /services/data/:version/jobs/ingest/:id/successfulResults": 1,
    });
    expect(outcomes).toEqual(ids.map((id, i) => ({ ref: `u${i}`, ok: true, id, created: false })));
    ids.forEach((id, i) => {
      const record = emu.data.store.get("Lead", id);
      expect(record).toMatchObject({ LastName: `U${i}`, Title: null, Phone: `555-${i}` });
    });
  });

  // Bulk API 2.0 has no Duplicate Rule Header: the standard Lead rule's alert refuses a job's update of a
  // Lead another rep's Lead matches, where a Collections update saves past it. Those rows alone go again
  // through Collections, so the update lands as it would there, in one call more, not an error.
  it("sends a job's updates a duplicate rule alerted on again through Collections, where they save past the alert", async () => {
    const ids = Array.from({ length: 150 }, (_, i) =>
      emu.data.insert("Lead", { FirstName: "Zoë", LastName: `Lefèvre-${i}`, Company: `Atelier ${i}`, Email: `zoe.lefevre.${i}@atelier-${i}.example` }),
    );
    // A rep's second Lead for three of the people: same name and company, typed without the email.
    const twins = [7, 70, 149];
    for (const i of twins) emu.data.insert("Lead", { FirstName: "Zoë", LastName: `Lefèvre-${i}`, Company: `Atelier ${i}` });
    const adapter = await bulkAdapter();
    emu.calls.reset();
    const outcomes = await adapter.write(
      "Lead",
      ids.map((id, i) => ({ ref: `u${i}`, id, fields: { Title: `Directrice générale n°${i}` } })),
    );
    expect(outcomes).toEqual(ids.map((id, i) => ({ ref: `u${i}`, ok: true, id, created: false })));
    ids.forEach((id, i) => expect(emu.data.store.get("Lead", id)).toMatchObject({ Title: `Directrice générale n°${i}` }));
    // The job's five calls and one Collections update of the three it refused; its failed results unread.
    const calls = endpoints();
    expect(calls["GET /services/data/:version/jobs/ingest/:id/failedResults"]).toBeUndefined();
    expect(calls["PATCH /services/data/:version/composite/sobjects"]).toBe(1);
  });

  it("carries commas, quotes, line breaks, accents, leading zeros and long values through the job CSV and its results", async () => {
    const long = `Notes from the call, "verbatim":\r\n${"Ærø señor ".repeat(3_100)}`.slice(0, 31_000);
    const tricky = [
      'Director of Operations, Western Region',
      'This is the "gold" standard',
      "first line\nsecond line",
      "Windows line\r\nends here",
      "Zoë Ångström-Nuñez, Łódź",
      " leading and trailing spaces ",
      '"',
      ",",
      long,
    ];
    const writes: RecordWrite[] = Array.from({ length: 120 }, (_, i) => ({
      ref: `t${i}`,
      upsertOn: "HubSpot_Contact_Id__c",
      fields: {
        HubSpot_Contact_Id__c: `hs-csv-${i}`,
        LastName: `Müller ${i}`,
        Company: tricky[i % tricky.length]!.slice(0, 255),
        Description: tricky[i % tricky.length]!,
        PostalCode: `0${String(i).padStart(4, "0")}`,
        Phone: `00${4930901820 + i}`,
      },
    }));
    const adapter = await bulkAdapter();
    emu.calls.reset();
    const outcomes = await adapter.write("Lead", writes);
    expect(endpoints()["POST /services/data/:version/jobs/ingest"]).toBe(1);
    expect(outcomes.map((o) => [o.ref, o.ok])).toEqual(writes.map((w) => [w.ref, true]));
    outcomes.forEach((o, i) => {
      if (!o.ok) return;
      const record = emu.data.store.get("Lead", o.id);
      const sent = writes[i]!.fields;
      expect([i, record?.Company, record?.Description, record?.PostalCode, record?.Phone]).toEqual([
        i,
        sent.Company,
        sent.Description,
        sent.PostalCode,
        sent.Phone,
      ]);
    });
  });

  it("sends null as #N/A (the field is cleared) and leaves a field absent from a row unchanged", async () => {
    const ids = Array.from({ length: 110 }, (_, i) =>
      emu.data.insert("Lead", { LastName: `N${i}`, Company: "X", Title: "Old title", Phone: "+4930901820" }),
    );
    const adapter = await bulkAdapter();
    const outcomes = await adapter.write(
      "Lead",
      ids.map((id, i): RecordWrite => ({
        ref: `n${i}`,
        id,
        // Even rows clear Title; odd rows send only Phone, so their Title cell is empty: unchanged.
        fields: i % 2 === 0 ? { Title: null, Phone: "" } : { Phone: `+49 30 ${i}` },
      })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    ids.forEach((id, i) => {
      const record = emu.data.store.get("Lead", id);
      if (i % 2 === 0) expect(record).toMatchObject({ Title: null, Phone: null });
      else expect(record).toMatchObject({ Title: "Old title", Phone: `+49 30 ${i}` });
    });
  });

  it("keeps creates without an external id on sObject Collections: a job sent again after a crash would make them twice", async () => {
    const adapter = await bulkAdapter();
    // A mapping with no crm.externalId: plain creates, nothing to upsert on.
    const writes: RecordWrite[] = leadWrites().map((w) => {
      const fields = { ...w.fields };
      delete fields.HubSpot_Contact_Id__c;
      return { ref: w.ref, fields };
    });
    emu.calls.reset();
    const outcomes = await adapter.write("Lead", writes);
    expect(Object.keys(endpoints()).filter((k) => k.includes("/jobs/ingest"))).toEqual([]);
    expect(endpoints()["POST /services/data/:version/composite/sobjects"]).toBe(3);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(449);
    expect(liveLeads().map((r) => r.LastName)).toContain("Ångström 449");
  });

  it("keeps a write that mixes creates and updates on sObject Collections", async () => {
    const existing = emu.data.insert("Lead", { LastName: "Old", Company: "X", Email: "old@example.com" });
    const adapter = await bulkAdapter();
    const writes: RecordWrite[] = leadWrites().slice(0, 120);
    writes.push({ ref: "update", id: existing, fields: { Title: "CEO" } });
    emu.calls.reset();
    const outcomes = await adapter.write("Lead", writes);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(121);
    expect(Object.keys(endpoints()).filter((k) => k.includes("/jobs/ingest"))).toEqual([]);
    expect(endpoints()["PATCH /services/data/:version/composite/sobjects"]).toBe(1);
  });
});
