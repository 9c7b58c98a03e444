// How the bench sorts the calls an emulator answered into classes (test/bench/README.md): behaviour is
// the events API and the per-source activity APIs, not the campaigns API; Salesforce's composite
// resource is a read when every subrequest reads (leadloop's window probe) and a write otherwise.
import { classOf } from "../../src/bench/call-tally.js";

const call = (endpoint: string, path: string, body?: unknown) => ({ endpoint, path, query: new URLSearchParams(), body });

describe("the bench's call classes", () => {
  it("counts the forms list, form submissions, email events and events as behaviour, campaigns as a read", () => {
    expect(classOf(call("GET /marketing/v3/forms", "/marketing/v3/forms"))).toBe("behaviour");
    expect(classOf(call("GET /form-integrations/v1/submissions/forms/:formGuid", "/form-integrations/v1/submissions/forms/5f3a-é"))).toBe("behaviour");
    expect(classOf(call("GET /email/public/v1/events", "/email/public/v1/events"))).toBe("behaviour");
    expect(classOf(call("GET /events/v3/events", "/events/v3/events"))).toBe("behaviour");
    expect(classOf(call("GET /marketing/v3/campaigns", "/marketing/v3/campaigns"))).toBe("reads");
  });

  it("counts every call of a Bulk API 2.0 ingest job as a write: its polls and results reads are calls of its write", () => {
    const job = "/services/data/v62.0/jobs/ingest/750Hs00000Ab1dÉ";
    expect(classOf(call("POST /services/data/:version/jobs/ingest", "/services/data/v62.0/jobs/ingest", { object: "Task", operation: "upsert" }))).toBe("writes");
    expect(classOf(call("PUT /services/data/:version/jobs/ingest/:id/batches", `${job}/batches`, "Subject,Leadloop_Activity_Key__c\n"))).toBe("writes");
    expect(classOf(call("PATCH /services/data/:version/jobs/ingest/:id", job, { state: "UploadComplete" }))).toBe("writes");
    expect(classOf(call("GET /services/data/:version/jobs/ingest/:id", job))).toBe("writes");
    expect(classOf(call("GET /services/data/:version/jobs/ingest/:id/successfulResults", `${job}/successfulResults`))).toBe("writes");
    expect(classOf(call("GET /services/data/:version/jobs/ingest/:id/failedResults", `${job}/failedResults`))).toBe("writes");
  });

  it("counts a composite of GETs as a read and one that writes as a write", () => {
    const endpoint = "POST /services/data/:version/composite";
    const path = "/services/data/v62.0/composite";
    const reads = { compositeRequest: [{ method: "GET", url: "/services/data/v62.0/query?q=SELECT+Id+FROM+Lead+LIMIT+1", referenceId: "w0" }] };
    const writes = { compositeRequest: [...reads.compositeRequest, { method: "PATCH", url: "/services/data/v62.0/sobjects/Lead/00Q1", referenceId: "w1", body: { Company: "Müller AG" } }] };
    expect(classOf(call(endpoint, path, reads))).toBe("reads");
    expect(classOf(call(endpoint, path, writes))).toBe("writes");
  });

  it("counts a match by email as a match, a read by id and a field history query as reads", () => {
    const query = (q: string) => ({
      endpoint: "GET /services/data/:version/query",
      path: "/services/data/v62.0/query",
      query: new URLSearchParams({ q }),
      body: undefined,
    });
    expect(classOf(query("SELECT Id, Email FROM Lead WHERE Email IN ('zoe.lefebvre@atelier-nandu.es','Jürgen.Groß@Example.de')"))).toBe("match");
    expect(classOf(query("SELECT Id, Title FROM Lead WHERE Id IN ('00Q5e000004ZoeAAA')"))).toBe("reads");
    expect(classOf(query("SELECT LeadId, Field, CreatedDate FROM LeadHistory WHERE LeadId IN ('00Q5e000004ZoeAAA') AND Field IN ('Title','Address') ORDER BY CreatedDate DESC"))).toBe("reads");
    expect(classOf(query("SELECT OpportunityId, Field, CreatedDate FROM OpportunityFieldHistory WHERE OpportunityId IN ('0065e000001AbcAAA') AND Field IN ('StageName')"))).toBe("reads");
  });

  it("counts a composite of a read's queries as a match when one of them matches by email, else as a read", () => {
    const sub = (soql: string, referenceId: string) => ({ method: "GET", url: `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, referenceId });
    const composite = (...soqls: string[]) =>
      call("POST /services/data/:version/composite", "/services/data/v62.0/composite", { compositeRequest: soqls.map((q, n) => sub(q, `q${n}`)) });
    const byEmail = "SELECT Id, Email FROM Lead WHERE Email IN ('zoe.lefebvre@atelier-nandu.es', 'Jürgen.Groß@Example.de') ORDER BY Id";
    const byId = "SELECT Id, Title FROM Lead WHERE Id IN ('00Q5e000004ZoeAAA') ORDER BY Id";
    const history = "SELECT LeadId, Field, CreatedDate FROM LeadHistory WHERE LeadId IN ('00Q5e000004ZoeAAA') AND Field IN ('Title') ORDER BY CreatedDate DESC";
    expect(classOf(composite(byId, byEmail))).toBe("match");
    expect(classOf(composite(byId, history, byId))).toBe("reads");
  });

  it("counts leadloop's own property definitions as schema with the reads, a record's create as a write", () => {
    const definition = { name: "leadloop_disposition_reason", label: "Disposition reason (leadloop)", type: "string", fieldType: "text" };
    expect(classOf(call("POST /crm/v3/properties/:objectType/batch/create", "/crm/v3/properties/contacts/batch/create", { inputs: [definition] }))).toBe("reads");
    expect(classOf(call("POST /crm/v3/properties/:objectType", "/crm/v3/properties/contacts", definition))).toBe("reads");
    expect(classOf(call("POST /crm/v3/objects/:objectType", "/crm/v3/objects/contacts", { properties: { email: "Zoé.Lefèbvre@Atelier-Nandu.es" } }))).toBe("writes");
  });
});
