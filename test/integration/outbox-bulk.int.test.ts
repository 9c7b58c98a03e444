// A drain with more than `sync.bulkThreshold` Salesforce writes of one object and operation pending sends
// them as Bulk API 2.0 ingest jobs instead of sObject Collections calls of 200 (outbox/drain.ts,
// ARCHITECTURE.md "One write path"): accepted records leave the outbox, refused ones are queued as
// Collections' refusals are, and a run that ends between a job's upload and its results (a failure, a stop)
// leaves its writes in the outbox, sent again as upserts without making a record twice. Fewer pending, at the
// default threshold, stay on Collections.
import { jest } from "@jest/globals";
import { followUpTaskKey } from "../../src/sync/funnel/task-write.js";
import { RUN_LOCK } from "../../src/sync/run-lock.js";
import { funnelFor, pricingAndDemo, seedSgiCompany, startLoopWithReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";
import { loopRunContext } from "../support/loop-run-context.js";
import { decide } from "../../src/sync/outbox/decide.js";
import { drainOutbox } from "../../src/sync/outbox/drain.js";
import { funnelWrite } from "../../src/sync/outbox/funnel-write.js";
import { infoLog } from "../support/info-log.js";
import { salesforceWritesOf } from "../support/salesforce-writes.js";

// 240 MQLs handed off in each test's runs: tens of seconds on a loaded machine.
jest.setTimeout(300_000);

let loop: LoopHarness;
afterEach(async () => {
  await loop.close();
});

const sf = () => loop.salesforce.data;
const sync = (signal?: AbortSignal) => loop.sync({ funnel: funnelFor(loop, "salesforce"), ...(signal ? { signal } : {}) });
const openEntries = () => loop.store.listErrors({ status: "open" });

/** More than a Collections call holds (200), so at a threshold of 150 the old drain's batches split them. */
const PEOPLE = 240;
/** Below PEOPLE and above one Collections call's 200: Bulk only if the drain counts what is pending. */
const THRESHOLD = 150;
/** Each handoff's tasks: the rep's follow-up and one per activity the person showed (the pricing page, the demo form). */
const TASKS = 3 * PEOPLE;
const FIRST_NAMES = ["Inès", "Loïc", "Zoé", "Mårten", "Łucja", "José", "Renée", "Søren", "Anaïs", "Jürgen"];
const LAST_NAMES = ["Ångström", "Berthelot", "Marchand", "Nuñez-Ölander", "Lefèvre", "D'Aubigné"];
const TITLES = ["Directrice des Opérations", "", "Responsable Achats", "Head of Revenue Operations, EMEA & Nordics"];

/**
 * PEOPLE contacts of one company, synced once, then each reads pricing and asks for a demo: the next run
 * hands them off, creating PEOPLE Leads (upserts on HubSpot_Contact_Id__c) and their reps' tasks.
 */
async function manyMqls(): Promise<string[]> {
  const company = seedSgiCompany(loop);
  const ids = Array.from({ length: PEOPLE }, (_, i) => {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const last = `${LAST_NAMES[i % LAST_NAMES.length]!} ${i}`;
    const person = loop.hubspot.data.createObject("contacts", {
      email: `${first.normalize("NFD").replace(/[^\w]/g, "")}.Prospect${i}@SGI-Ingenierie.fr`,
      firstname: first,
      lastname: last,
      jobtitle: TITLES[i % TITLES.length]!,
      hs_analytics_source: "ORGANIC_SEARCH",
      company: "Société Générale d'Ingénierie",
      country: "France",
    });
    loop.hubspot.data.associate("contacts", person.id, "companies", company);
    return person.id;
  });
  await sync();
  await tick();
  for (const id of ids) pricingAndDemo(loop, id);
  return ids;
}

const writesOf = (run: () => Promise<unknown>) => salesforceWritesOf(loop.salesforce, run);

const leadsOf = (hubspotId: string) => sf().list("Lead").filter((l) => l.HubSpot_Contact_Id__c === hubspotId);

/** Each person has exactly one Lead, carrying their accented names as HubSpot has them. */
function expectOneLeadEach(ids: readonly string[]): void {
  for (const [i, id] of ids.entries()) {
    const leads = leadsOf(id);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      FirstName: FIRST_NAMES[i % FIRST_NAMES.length],
      LastName: `${LAST_NAMES[i % LAST_NAMES.length]!} ${i}`,
    });
  }
}

/** Person `i`'s follow-up task key on the day of the run (or the next, should the run cross midnight UTC). */
function followUpKeys(personId: string): string[] {
  const today = new Date();
  const tomorrow = new Date(today.getTime() + 24 * 60 * 60_000);
  return [today, tomorrow].map((d) => followUpTaskKey(personId, d.toISOString().slice(0, 10)));
}

/** The drain's writes among `writes`: the handoffs' tasks (creates) and their Leads' record writes (updates). */
const drained = (writes: readonly string[]) => writes.filter((w) => w.includes("Task") || w.includes("update"));

const tasks = () => sf().list("Task").filter((t) => t.Leadloop_Activity_Key__c);

describe("a drain with more Salesforce writes pending than sync.bulkThreshold", () => {
  it("sends the handoffs' tasks and Lead writes in one Bulk API 2.0 job each; a refused task is queued, the rest leave the outbox", async () => {
    loop = await startLoopWithReps({ bulkThreshold: THRESHOLD });
    const ids = await manyMqls();
    // A validation rule refuses one prospect's follow-up task (a data refusal, as on Collections).
    const refusedAt = 7;
    loop.salesforce.faults.add({
      records: followUpKeys(ids[refusedAt]!).map((key) => ({
        object: "Task",
        field: "Leadloop_Activity_Key__c",
        equals: key,
        message: "La tâche doit être vérifiée par l'équipe conformité",
      })),
    });

    const writes = await writesOf(sync);

    // Before, batches of 200: two Collections calls each (200 and 40). The task the job did not save goes
    // again outside it, at the drain's end, for Collections' own answer.
    expect(drained(writes)).toEqual(["bulk Task upsert", "bulk Lead update", "collections Task 1"]);
    expectOneLeadEach(ids);
    expect(tasks()).toHaveLength(TASKS - 1);
    // Every Lead but the refused task's has its handoff: that one's record write waits for the task, pending
    // (a lost store's next run would take an owner and MQL date for a handoff made, its rep's task lost).
    const refusedLead = String(sf().list("Lead").find((l) => l.HubSpot_Contact_Id__c === ids[refusedAt])!.Id);
    for (const lead of sf().list("Lead")) expect([lead.Id, Boolean(lead.Leadloop_MQL_Date__c)]).toEqual([lead.Id, lead.Id !== refusedLead]);
    const entries = await openEntries();
    expect(entries).toEqual([expect.objectContaining({ system: "salesforce", object: "Task", errorClass: "data" })]);
    expect(entries[0]!.message).toContain("La tâche doit être vérifiée par l'équipe conformité");
    // Nothing else waits but that record write: the refused write is kept refused, not pending.
    expect((await loop.store.listOutbox()).filter((e) => e.system === "salesforce").map((e) => e.recordId)).toEqual([refusedLead]);

    // The next run sends none of them again.
    await tick();
    expect(drained(await writesOf(sync))).toEqual([]);
    expect(tasks()).toHaveLength(TASKS - 1);
  });

  it("a run failing between a job's upload and its results leaves its writes pending; the next run's job upserts onto the tasks made, none twice", async () => {
    loop = await startLoopWithReps({ bulkThreshold: THRESHOLD, retry: { patienceMs: 300, minTimeoutMs: 5, maxTimeoutMs: 20 } });
    const ids = await manyMqls();
    // Salesforce saves the tasks' job, and its results cannot be read: the run fails as a crash would.
    const watch = loop.salesforce.calls.observe((call) => {
      const body = call.body as { object?: string } | undefined;
      if (call.endpoint === "POST /services/data/:version/jobs/ingest" && body?.object === "Task") {
        loop.salesforce.faults.add({ requests: [{ kind: "status", status: 503, path: "/successfulResults" }] });
      }
    });
    let failure: unknown;
    try {
      await sync().catch((err: unknown) => (failure = err));
    } finally {
      watch();
    }

    expect(String(failure)).toContain("successfulResults");
    expect(tasks()).toHaveLength(TASKS);
    const pendingTasks = async () => (await loop.store.listOutbox()).filter((e) => e.object === "Task");
    expect(await pendingTasks()).toHaveLength(TASKS);

    loop.salesforce.faults.clear();
    await tick();
    const again = await writesOf(sync);

    expect(drained(again)).toEqual(["bulk Task upsert", "bulk Lead update"]);
    expect(tasks()).toHaveLength(TASKS);
    expect(new Set(tasks().map((t) => t.Leadloop_Activity_Key__c)).size).toBe(TASKS);
    expect(await pendingTasks()).toEqual([]);
    expectOneLeadEach(ids);
    expect(await openEntries()).toEqual([]);
  });

  it("a stop while the job is polled ends the run with no call after it; the job Salesforce finishes and the next run's upserts make no task twice", async () => {
    loop = await startLoopWithReps({ bulkThreshold: THRESHOLD, salesforce: { bulkJobPolls: 1 } });
    const ids = await manyMqls();
    const stop = new AbortController();
    let afterStop = 0;
    let taskJob: string | undefined;
    let job = "";
    const watch = loop.salesforce.calls.observe((call) => {
      if (stop.signal.aborted) afterStop++;
      const body = call.body as { object?: string } | undefined;
      if (call.endpoint === "POST /services/data/:version/jobs/ingest") taskJob = body?.object === "Task" ? "created" : undefined;
      // SIGTERM while leadloop waits for the tasks' job, which Salesforce reports InProgress.
      if (taskJob === "created" && call.endpoint === "GET /services/data/:version/jobs/ingest/:id") {
        job = call.path;
        stop.abort();
      }
    });
    let summary;
    try {
      ({ summary } = await sync(stop.signal));
    } finally {
      watch();
    }

    expect(summary.status).toBe("stopped");
    expect(afterStop).toBe(0);
    // The tasks wait in the outbox; nothing was refused.
    const pendingTasks = async () => (await loop.store.listOutbox()).filter((e) => e.object === "Task");
    expect(await pendingTasks()).toHaveLength(TASKS);
    expect(await openEntries()).toEqual([]);
    expect(tasks()).toEqual([]);

    // Salesforce goes on with the job on its own: its tasks are made.
    const res = await fetch(`${loop.salesforce.url}${job}`, { headers: { authorization: `Bearer ${loop.salesforce.accessToken}` } });
    expect(((await res.json()) as { state: string }).state).toBe("JobComplete");
    expect(tasks()).toHaveLength(TASKS);

    await tick();
    expect(drained(await writesOf(sync))).toEqual(["bulk Task upsert", "bulk Lead update"]);
    expect(tasks()).toHaveLength(TASKS);
    expect(new Set(tasks().map((t) => t.Leadloop_Activity_Key__c)).size).toBe(TASKS);
    expect(await pendingTasks()).toEqual([]);
    expectOneLeadEach(ids);
    expect(await openEntries()).toEqual([]);
  });
});

describe("a drain polling a Bulk API 2.0 job keeps to the run lock", () => {
  it("a run whose lock another run took while the job was polled stops at its next poll: no results read, the tasks still pending", async () => {
    loop = await startLoopWithReps({ bulkThreshold: THRESHOLD, salesforce: { bulkJobPolls: 3 } });
    await manyMqls();
    let taskJob = false;
    let results = 0;
    let taken: Promise<unknown> | undefined;
    const watch = loop.salesforce.calls.observe((call) => {
      const body = call.body as { object?: string } | undefined;
      if (call.endpoint === "POST /services/data/:version/jobs/ingest") taskJob = body?.object === "Task";
      if (call.endpoint.endsWith("/successfulResults")) results++;
      // While Salesforce works on the tasks' job, a second run (its lease outlived: a stalled process) takes the store.
      if (taskJob && !taken && call.endpoint === "GET /services/data/:version/jobs/ingest/:id") {
        results = 0;
        taken = (async () => {
          await loop.store.releaseLock(RUN_LOCK, "host-a:4242");
          await loop.store.acquireLock(RUN_LOCK, "host-b:4343", new Date().toISOString(), 60_000);
        })();
      }
    });
    let failure: unknown;
    try {
      await loop.sync({ funnel: funnelFor(loop, "salesforce"), lockHolder: "host-a:4242", lockTtlMs: 800 }).catch((err: unknown) => (failure = err));
    } finally {
      watch();
    }
    await taken;

    expect(String(failure)).toContain("host-b:4343");
    expect(results).toBe(0);
    expect((await loop.store.listOutbox()).filter((e) => e.object === "Task")).toHaveLength(TASKS);
  });
});

describe("a drain's Lead update jobs meeting an alerting duplicate rule", () => {
  // Bulk API 2.0 takes no Duplicate Rule Header: the standard Lead rule refuses a job's update of a Lead a
  // rep's second Lead matches, where a Collections update saves past the alert. A first load's Lead jobs
  // each met a few such Leads; each job's were read from its failed results and sent again on their own.
  const LEADS = 4500;
  // A rep's second Lead for three people in each job of 2,000 (the last of 500), typed without the email.
  const TWINS = [5, 1999, 2000, 3333, 4000, 4499, 17, 2500, 4321];

  /** LEADS Leads, TWINS of them with a rep's namesake Lead, and a drain's context. */
  function leadsWithTwins() {
    const ids = Array.from({ length: LEADS }, (_, i) =>
      sf().insert("Lead", {
        FirstName: FIRST_NAMES[i % FIRST_NAMES.length]!,
        LastName: `${LAST_NAMES[i % LAST_NAMES.length]!} ${i}`,
        Company: `Société Générale d'Ingénierie ${i}`,
        Email: `prospect.${i}@sgi-ingenierie.fr`,
      }),
    );
    for (const i of TWINS) {
      sf().insert("Lead", { FirstName: FIRST_NAMES[i % FIRST_NAMES.length]!, LastName: `${LAST_NAMES[i % LAST_NAMES.length]!} ${i}`, Company: `SGI ${i}` });
      sf().insert("Lead", { FirstName: FIRST_NAMES[i % FIRST_NAMES.length]!, LastName: `${LAST_NAMES[i % LAST_NAMES.length]!} ${i}`, Company: `Société Générale d'Ingénierie ${i}` });
    }
    return ids;
  }

  /** A run deciding a Title for each Lead (`title(i)`), its writes in the outbox. */
  async function titlesDecided(runId: string, ids: readonly string[], title: (i: number) => string) {
    const ctx = loopRunContext(loop, runId);
    await decide(ctx, {
      outbox: ids.map((id, i) =>
        funnelWrite(ctx, { key: `qualification:${id}`, phase: "qualification", side: "crm", object: "Lead", recordId: id, fields: { Title: title(i) }, rule: "test", personId: null }),
      ),
    });
    return ctx;
  }

  it("sends the rows three jobs did not save again in one Collections update, reading no failed results", async () => {
    loop = await startLoop({ bulkThreshold: THRESHOLD });
    const ids = leadsWithTwins();
    const title = (i: number) => (i % 3 === 0 ? "Directrice des Opérations, Île-de-France" : `Chargé d'affaires n°${i}`);
    const ctx = await titlesDecided("run-twins", ids, title);
    loop.salesforce.calls.reset();

    const writes = await writesOf(() => drainOutbox(ctx));

    expect(writes).toEqual(["bulk Lead update", "bulk Lead update", "bulk Lead update", `collections update ${TWINS.length}`]);
    expect(loop.salesforce.calls.byEndpoint()["GET /services/data/:version/jobs/ingest/:id/failedResults"]).toBeUndefined();
    ids.forEach((id, i) => expect(sf().store.get("Lead", id)?.Title).toBe(title(i)));
    expect(await loop.store.listOutbox()).toEqual([]);
    expect(await openEntries()).toEqual([]);
  });

  it("sends a later run's writes of the records a job did not save outside its jobs from the start", async () => {
    const { log, lines } = infoLog();
    loop = await startLoop({ bulkThreshold: THRESHOLD, log });
    const ids = leadsWithTwins();
    await drainOutbox(await titlesDecided("run-first", ids, (i) => `Chargé d'affaires n°${i}`));
    const title = (i: number) => `Responsable des Achats n°${i}`;
    const ctx = await titlesDecided("run-next", ids, title);
    const before = lines().length;

    const writes = await writesOf(() => drainOutbox(ctx));

    // The twins in a Collections update of their own, none in a job: no job refuses them again.
    expect(writes).toEqual(["bulk Lead update", "bulk Lead update", "bulk Lead update", `collections update ${TWINS.length}`]);
    const jobs = lines().slice(before).filter((l) => l.message === "salesforce.bulk_job");
    expect(jobs.map((j) => [j.records, j.failed])).toEqual([
      [2000, 0],
      [2000, 0],
      [LEADS - 4000 - TWINS.length, 0],
    ]);
    ids.forEach((id, i) => expect(sf().store.get("Lead", id)?.Title).toBe(title(i)));
    expect(await loop.store.listOutbox()).toEqual([]);
    expect(await openEntries()).toEqual([]);
  });
});

describe("a drain at the default threshold (10,000)", () => {
  it("sends the same tasks and Lead writes through sObject Collections, 200 a call, and no Bulk job", async () => {
    loop = await startLoopWithReps();
    const ids = await manyMqls();

    const writes = await writesOf(sync);

    expect(writes.filter((w) => w.startsWith("bulk"))).toEqual([]);
    expect(drained(writes)).toEqual([
      "collections Task 200",
      "collections Task 200",
      "collections Task 200",
      `collections Task ${TASKS - 600}`,
      "collections update 200",
      `collections update ${PEOPLE - 200}`,
    ]);
    expectOneLeadEach(ids);
    expect(tasks()).toHaveLength(TASKS);
    expect(await openEntries()).toEqual([]);
  });
});

describe("a Bulk API 2.0 job Salesforce fails part-way", () => {
  const FAILED_MESSAGE = "Timeout : Retried more than 10 times";
  /** Salesforce's saves of each record, counted by the emulator's writer: creates per Task key, MQL-date updates per Lead. */
  function countSaves() {
    const writer = sf().writer;
    const taskCreates = new Map<string, number>();
    const mqlUpdates = new Map<string, number>();
    const create = writer.create.bind(writer);
    const update = writer.update.bind(writer);
    jest.spyOn(writer, "create").mockImplementation((type, fields, options) => {
      const id = create(type, fields, options);
      if (type === "Task") taskCreates.set(String(fields.Leadloop_Activity_Key__c), (taskCreates.get(String(fields.Leadloop_Activity_Key__c)) ?? 0) + 1);
      return id;
    });
    jest.spyOn(writer, "update").mockImplementation((type, id, fields, options) => {
      update(type, id, fields, options);
      if (type === "Lead" && "Leadloop_MQL_Date__c" in fields) mqlUpdates.set(id, (mqlUpdates.get(id) ?? 0) + 1);
    });
    return { taskCreates, mqlUpdates };
  }
  const mqlDated = () => sf().list("Lead").filter((l) => l.Leadloop_MQL_Date__c);
  const pending = async (object: string) => (await loop.store.listOutbox()).filter((e) => e.object === object && e.refusedAt === null);
  const warnings = (lines: Record<string, unknown>[], event: string) => lines.filter((l) => l.message === event);

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it("the tasks' job stops after 300 of 720 rows: those made once, the rest sent again by the same write, no task twice; the log names the job, its state and Salesforce's errorMessage", async () => {
    const { log, lines } = infoLog();
    loop = await startLoopWithReps({ bulkThreshold: THRESHOLD, log });
    const ids = await manyMqls();
    const saves = countSaves();
    loop.salesforce.faults.add({ jobs: [{ object: "Task", afterRows: 300, times: 1 }] });

    const writes = await writesOf(sync);

    // The job that stopped, then one for the 420 it never reached.
    expect(drained(writes)).toEqual(["bulk Task upsert", "bulk Task upsert", "bulk Lead update"]);
    expect(tasks()).toHaveLength(TASKS);
    expect([...saves.taskCreates.values()].every((n) => n === 1)).toBe(true);
    expect(saves.taskCreates.size).toBe(TASKS);
    expectOneLeadEach(ids);
    expect(await pending("Task")).toEqual([]);
    expect(await openEntries()).toEqual([]);
    const stopped = warnings(lines(), "salesforce.bulk_job").filter((l) => l.state !== "JobComplete");
    expect(stopped).toEqual([
      expect.objectContaining({ level: "warn", object: "Task", state: "Failed", processed: 300, records: TASKS, errorMessage: FAILED_MESSAGE, job: expect.stringMatching(/^750/) }),
    ]);
  });

  it("the Leads' update job stops after 30 rows and Salesforce takes none of the rest this run: those 30 written once, the 210 pending and sent by the next run, the log saying so", async () => {
    const { log, lines } = infoLog();
    loop = await startLoopWithReps({ bulkThreshold: THRESHOLD, log, retry: { patienceMs: 300, minTimeoutMs: 5, maxTimeoutMs: 20 } });
    const ids = await manyMqls();
    const saves = countSaves();
    loop.salesforce.faults.add({
      jobs: [
        { object: "Lead", operation: "update", afterRows: 30, times: 1 },
        { object: "Lead", operation: "update", afterRows: 0 },
      ],
    });

    await sync();

    expect(mqlDated()).toHaveLength(30);
    expect(new Set((await pending("Lead")).map((e) => e.recordId)).size).toBe(PEOPLE - 30);
    expect(await openEntries()).toEqual([]);
    expect(tasks()).toHaveLength(TASKS);
    const waiting = warnings(lines(), "write.unprocessed");
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({ level: "warn", system: "salesforce", object: "Lead", writes: PEOPLE - 30, next: expect.stringContaining("next run") });
    expect(waiting[0]!.reason).toMatch(new RegExp(`^Bulk API 2\\.0 job 750\\w+ ended Failed before this record was processed: ${FAILED_MESSAGE}$`));

    loop.salesforce.faults.clear();
    await tick();
    await sync();

    expect(mqlDated()).toHaveLength(PEOPLE);
    expect(saves.mqlUpdates.size).toBe(PEOPLE);
    expect([...saves.mqlUpdates.values()].every((n) => n === 1)).toBe(true);
    expect(await pending("Lead")).toEqual([]);
    expect(await openEntries()).toEqual([]);
    expectOneLeadEach(ids);
    expect(tasks()).toHaveLength(TASKS);
  });

  it("a job Salesforce fails at every run (the day's records spent): the writes wait one run, are queued at the next as a refusal in passing, and the runs write them once Salesforce takes jobs again", async () => {
    loop = await startLoopWithReps({ bulkThreshold: THRESHOLD, retry: { patienceMs: 300, minTimeoutMs: 5, maxTimeoutMs: 20 } });
    const ids = await manyMqls();
    const saves = countSaves();
    const spent = "ExceededQuota : Maximum number of records per rolling 24-hour period exceeded";
    loop.salesforce.faults.add({ jobs: [{ object: "Lead", operation: "update", afterRows: 0, errorMessage: spent }] });

    await sync();
    expect(mqlDated()).toEqual([]);
    expect(new Set((await pending("Lead")).map((e) => e.recordId)).size).toBe(PEOPLE);
    expect(await openEntries()).toEqual([]);

    await tick();
    await sync();

    const entries = await openEntries();
    expect(new Set(entries.map((e) => e.recordId)).size).toBe(PEOPLE);
    for (const entry of entries) {
      expect(entry).toMatchObject({ system: "salesforce", object: "Lead", errorClass: "transient" });
      expect(entry.message).toContain(`ended Failed before this record was processed: ${spent}`);
    }
    expect(await pending("Lead")).toEqual([]);
    expect(mqlDated()).toEqual([]);

    loop.salesforce.faults.clear();
    await tick();
    await sync();

    expect(await openEntries()).toEqual([]);
    expect(mqlDated()).toHaveLength(PEOPLE);
    expect([...saves.mqlUpdates.values()].every((n) => n === 1)).toBe(true);
    expectOneLeadEach(ids);
    expect(tasks()).toHaveLength(TASKS);
  });
});
