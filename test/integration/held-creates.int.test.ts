// The field sync's creates wait across a stream's groups (src/sync/held-creates.ts) until a full call's
// worth is due: a first load whose groups each bring some new people sends their Leads 200 a call, not a
// part-filled call per group. A run stopped while creates are held keeps its cursor before them, so the
// next run makes each Lead once, and none is lost.
import { jest } from "@jest/globals";
import { CONTACTS, leadsByContact, seedPeople, watchLeadCreates } from "../support/held-creates-people.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

jest.setTimeout(600_000);

describe("the field sync's creates held across groups", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => loop.close());

  it("sends a first load's new Leads 200 a call, each made once", async () => {
    const { fresh } = seedPeople(loop);
    const creates = watchLeadCreates(loop);
    const result = await loop.sync();
    creates.stop();
    expect(result.summary.status).toBe("succeeded");
    // 308 creates from three groups: two calls (200 and 108), where each group sent its own part-filled call.
    expect(creates.calls.map((c) => c.length)).toEqual([200, fresh.length - 200]);
    expect(new Set(creates.calls.flat())).toEqual(new Set(fresh));
    const { byContact, byEmail } = leadsByContact(loop);
    expect(fresh.filter((id) => byContact.get(id) !== 1)).toEqual([]);
    expect([...byEmail.values()].filter((n) => n !== 1)).toEqual([]);
    expect(byEmail.size).toBe(CONTACTS);
  });

  /**
   * A first load of `seedPeople(loop, newEvery)` at this `sync.bulkThreshold`: the Lead creates sent through
   * Collections and the Lead upsert jobs, each person's one Lead checked.
   */
  async function firstLoadAt(bulkThreshold: number, newEvery?: number, namesakesOf: readonly number[] = []) {
    await loop.close();
    loop = await startLoop({ bulkThreshold });
    const { fresh } = seedPeople(loop, newEvery);
    // A rep's Lead of the same name and company, typed without the email: the standard duplicate rule's
    // alert, which refuses a Bulk job's row and Collections' create alike (outside-job.ts).
    for (const i of namesakesOf) {
      const { firstname, lastname, company } = loop.hubspot.data.getObject("contacts", fresh[i]!)!.properties;
      loop.salesforce.data.insert("Lead", { FirstName: firstname!, LastName: lastname!, Company: company!, Status: "Working - Contacted" });
    }
    const creates = watchLeadCreates(loop);
    const jobs: { object: string; operation: string; externalIdFieldName?: string }[] = [];
    const stop = loop.salesforce.calls.observe((call) => {
      if (call.endpoint === "POST /services/data/:version/jobs/ingest") jobs.push(call.body as (typeof jobs)[number]);
    });
    const result = await loop.sync();
    creates.stop();
    stop();
    expect(result.summary.status).toBe("succeeded");
    const { byContact, byEmail } = leadsByContact(loop);
    // A namesake's create is refused, Collections naming the rep's Lead the rule matched, for a person to
    // decide: no Lead is made for them.
    const refused = fresh.filter((_, i) => namesakesOf.includes(i));
    expect(fresh.filter((id) => byContact.get(id) !== (refused.includes(id) ? undefined : 1))).toEqual([]);
    for (const lead of loop.salesforce.data.list("Lead")) if (!lead.Email) byEmail.delete(String(lead.Email).toLowerCase());
    expect([...byEmail.values()].filter((n) => n !== 1)).toEqual([]);
    expect(byEmail.size).toBe(CONTACTS - refused.length);
    const errors = await loop.store.listErrors();
    expect(errors.map((e) => [e.recordId, e.message.split(":")[0]])).toEqual(refused.map((id) => [id, "DUPLICATES_DETECTED"]));
    return { fresh, collections: creates.calls, leadJobs: jobs.filter((job) => job.object === "Lead" && job.operation === "upsert") };
  }

  it("sends the new Leads no job saved (a duplicate rule's alert) again in one Collections upsert across the jobs", async () => {
    // 4,300 new Leads in jobs of 2,000, 2,000 and 300, with a rep's namesake Lead for two people in each:
    // the six rows the jobs did not save went again a call per job, three calls. Collections refuses them
    // too, naming the rep's Lead (leadloop saves a create past no duplicate alert).
    const namesakes = [11, 1501, 2101, 3901, 4201, 4296];
    const { fresh, collections, leadJobs } = await firstLoadAt(400, 1, namesakes);
    expect(leadJobs).toHaveLength(3);
    expect(collections).toEqual([namesakes.map((i) => fresh[i])]);
  });

  it("past sync.bulkThreshold, sends a load's new Leads as Bulk API 2.0 upsert jobs of up to 2,000, each made once", async () => {
    // The stream's first group decides about 143 creates, past a threshold of 100: the Leads then wait for
    // a job's worth, and the stream's end sends the 308 as one job, where they took two Collections calls.
    const { collections, leadJobs } = await firstLoadAt(100);
    // No Lead upsert through Collections: the one job made them all.
    expect(collections).toEqual([]);
    expect(leadJobs).toEqual([expect.objectContaining({ object: "Lead", operation: "upsert", externalIdFieldName: "HubSpot_Contact_Id__c" })]);
  });

  it("a first load whose pace passes sync.bulkThreshold in its first group sends its new Leads as one job, none 200 a call", async () => {
    // Every 7th contact new: about 286 creates in the first group of 2,000, under a threshold of 400, but
    // 615 over the 4,300 contacts HubSpot's search said the load holds. Before, the first group's creates
    // went 200 a Collections call until the count passed the threshold, then the rest as a job.
    const { fresh, collections, leadJobs } = await firstLoadAt(400, 7);
    expect(fresh.length).toBeGreaterThan(400);
    expect(collections).toEqual([]);
    expect(leadJobs).toHaveLength(1);
  });

  it("a run stopped while creates are held leaves its cursor before them: the next run makes each Lead once", async () => {
    const { fresh } = seedPeople(loop);
    const creates = watchLeadCreates(loop);
    const stop = new AbortController();
    // Stopped once the contact stream's first group is synced: its creates are held, fewer than a call's worth.
    const stopped = await loop.sync({
      signal: stop.signal,
      onProgress: (p) => {
        if (p.phase === "hubspot contacts" && p.read > 0) stop.abort();
      },
    });
    expect(stopped.summary.status).toBe("stopped");
    expect(creates.calls).toEqual([]);
    // The stream's cursor is not saved past the held creates (it was never saved: a first load).
    expect(await loop.store.getCursor("hubspot", "contacts")).toBeUndefined();

    const resumed = await loop.sync();
    creates.stop();
    expect(resumed.summary.status).toBe("succeeded");
    expect(new Set(creates.calls.flat())).toEqual(new Set(fresh));
    expect(creates.calls.flat()).toHaveLength(fresh.length);
    const { byContact, byEmail } = leadsByContact(loop);
    expect(fresh.filter((id) => byContact.get(id) !== 1)).toEqual([]);
    expect([...byEmail.values()].filter((n) => n !== 1)).toEqual([]);
    expect(byEmail.size).toBe(CONTACTS);
  });
});
