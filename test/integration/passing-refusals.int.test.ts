// A record a system refuses in passing inside a batch that succeeds (Salesforce's UNABLE_TO_LOCK_ROW save
// result, HubSpot's 207 entry of category RATE_LIMITS) is written again by itself: within the write's
// patience in the one retry layer (systems/passing-refusals.ts), else by the next run's drain, its
// error-queue entry `transient` while it waits and resolved when the write lands; nothing is written twice.
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, seedAnais, seedSgiCompany, startLoopWithReps } from "../support/funnel-harness.js";
import { type LoopHarness, type LoopOptions, tick } from "../support/loop-harness.js";
import { movingClock, PAST_LAG_AND_A_MINUTE_MS } from "../support/moving-clock.js";
import { salesforceWritesOf } from "../support/salesforce-writes.js";

let loop: LoopHarness;
afterEach(async () => {
  await loop.close();
});

async function start(options: LoopOptions = {}): Promise<void> {
  loop = await startLoopWithReps(options);
}

const hs = () => loop.hubspot.data;
const sf = () => loop.salesforce.data;
const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
const openEntries = () => loop.store.listErrors({ status: "open" });
/**
 * How `run` creates Leads: `bulk` for each Bulk API 2.0 upsert job on Lead, `collections N` for each sObject
 * Collections upsert of N Leads (the Leads' later updates left out).
 */
async function leadWritesOf(run: () => Promise<unknown>): Promise<string[]> {
  return (await salesforceWritesOf(loop.salesforce, run)).flatMap((w) =>
    w === "bulk Lead upsert" ? ["bulk"] : w.startsWith("collections Lead ") ? [w.replace("Lead ", "")] : [],
  );
}
const leadsOf = (hubspotId: string) => sf().list("Lead").filter((l) => l.HubSpot_Contact_Id__c === hubspotId);

const PEOPLE = [
  { email: "Ines.Angstrom@SGI-Ingenierie.fr", firstname: "Inès", lastname: "Ångström", jobtitle: "Directrice des Opérations" },
  { email: "Loic.Berthelot@SGI-Ingenierie.fr", firstname: "Loïc", lastname: "Berthelot", jobtitle: "Responsable Achats" },
  { email: "Zoe.Marchand@SGI-Ingenierie.fr", firstname: "Zoé", lastname: "Marchand", jobtitle: "" },
];

/**
 * Three MQLs of one company, handed off to Leads by the same run: one Collections create of three. On a
 * moving clock, `later` steps it past HubSpot's search lag before each run.
 */
async function threeMqls(later: () => void = () => undefined): Promise<string[]> {
  const company = seedSgiCompany(loop);
  const ids = PEOPLE.map((p) => {
    const person = hs().createObject("contacts", { ...p, hs_analytics_source: "ORGANIC_SEARCH", company: "Société Générale d'Ingénierie", country: "France" });
    hs().associate("contacts", person.id, "companies", company);
    return person.id;
  });
  later();
  await sync();
  await tick();
  for (const id of ids) pricingAndDemo(loop, id);
  later();
  return ids;
}

/** Three MQLs handed off to Leads, then a rep giving each Lead a title, which the next run brings to its contact. */
async function retitledLeads(titles: readonly string[]): Promise<string[]> {
  const ids = await threeMqls();
  await sync();
  await tick(1_100);
  ids.forEach((id, i) => sf().update("Lead", leadsOf(id)[0]!.Id as string, { Title: titles[i] }));
  return ids;
}

/** A write's patience a lasting refusal outlasts at once. */
const SHORT_PATIENCE = { patienceMs: 200, minTimeoutMs: 5, maxTimeoutMs: 20 };

const LOCKED = {
  object: "Lead",
  field: "LastName",
  equals: "ångström",
  category: "UNABLE_TO_LOCK_ROW",
  message: "unable to obtain exclusive access to this record or 1 records",
};

describe("a record refused in passing inside a batch write", () => {
  // The three Leads' create: one sObject Collections upsert, or past the bulk threshold one Bulk API 2.0
  // job, whose failed results name the locked row (bulk-writer.ts); either way the locked Lead alone is
  // sent again, one record, below the threshold.
  describe.each([
    { path: "sObject Collections", bulk: {}, create: "collections 3" },
    { path: "a Bulk API 2.0 job", bulk: { bulkThreshold: 2 }, create: "bulk" },
  ])("Salesforce, the Leads created through $path", ({ bulk, create }) => {
    // Salesforce's own failure of one record (UNKNOWN_EXCEPTION, `transient` in systems/salesforce/errors.ts)
    // is a refusal in passing as a lock is (README, the error queue).
    it.each([
      ["a row lock", LOCKED],
      ["Salesforce's own failure", { ...LOCKED, category: "UNKNOWN_EXCEPTION", message: "An unexpected error occurred. Please include this ErrorId if you contact support: 1482735019-87230 (-1570712394)" }],
    ])("a Lead refused by %s once is created by the same run, once, and no entry is left", async (_, refusal) => {
      await start(bulk);
      const ids = await threeMqls();
      loop.salesforce.faults.add({ records: [{ ...refusal, times: 1 }] });
      let result: Awaited<ReturnType<typeof sync>> | undefined;
      expect(await leadWritesOf(async () => (result = await sync()))).toEqual([create, "collections 1"]);

      for (const id of ids) expect(leadsOf(id)).toHaveLength(1);
      expect(leadsOf(ids[0]!)[0]).toMatchObject({ LastName: "Ångström", FirstName: "Inès", Title: "Directrice des Opérations" });
      expect(await openEntries()).toEqual([]);
      expect(result!.summary.errors).toEqual({ hubspot: 0, salesforce: 0 });
    });

    it("a lock outlasting the write's patience waits as a transient entry, and the next run creates the Lead once and resolves it", async () => {
      await start({ ...bulk, retry: SHORT_PATIENCE });
      const ids = await threeMqls();
      loop.salesforce.faults.add({ records: [LOCKED] });
      const first = await leadWritesOf(sync);

      expect(first[0]).toBe(create);
      expect(first.slice(1).every((w) => w === "collections 1")).toBe(true);
      expect(leadsOf(ids[0]!)).toEqual([]);
      expect(leadsOf(ids[1]!)).toHaveLength(1);
      expect(leadsOf(ids[2]!)).toHaveLength(1);
      const waiting = await openEntries();
      expect(waiting).toEqual([expect.objectContaining({ system: "salesforce", object: "Lead", errorClass: "transient" })]);
      expect(waiting[0]!.message).toContain("UNABLE_TO_LOCK_ROW");

      // The lock is gone; nobody runs `errors retry`.
      loop.salesforce.faults.clear();
      await tick();
      expect(await leadWritesOf(sync)).toEqual(["collections 1"]);
      for (const id of ids) expect(leadsOf(id)).toHaveLength(1);
      expect(leadsOf(ids[0]!)[0]).toMatchObject({ LastName: "Ångström", FirstName: "Inès" });
      expect(await openEntries()).toEqual([]);
      expect(await loop.store.getError(waiting[0]!.id)).toMatchObject({ status: "resolved" });
      await tick();
      await sync();
      for (const id of ids) expect(leadsOf(id)).toHaveLength(1);
    });
  });

  it("a lock that never clears is sent by the next two runs, then after waits that double: 6 of 36 runs in six hours, errors list saying when, errors retry at once", async () => {
    const clock = movingClock(10 * 60_000);
    await start({ now: clock.now, retry: SHORT_PATIENCE });
    const ids = await threeMqls(() => clock.later(PAST_LAG_AND_A_MINUTE_MS));
    loop.salesforce.faults.add({ records: [LOCKED] });
    await sync();
    const [entry] = await openEntries();
    expect(entry).toMatchObject({ object: "Lead", errorClass: "transient", attempts: 1 });

    // A run every ten minutes for six hours (schedule.every 10m); nobody runs `errors retry`.
    const triedAt: number[] = [];
    for (let minute = 10; minute <= 360; minute += 10) {
      clock.later();
      const writes = await leadWritesOf(sync);
      if (writes.length > 0) triedAt.push(minute);
    }
    // Two runs at once, then waits of 15 min, 30 min, 1 h and 2 h after each refusal (the next, 4 h, ends past six hours).
    expect(triedAt).toEqual([10, 20, 40, 70, 130, 250]);
    expect(leadsOf(ids[0]!)).toEqual([]);
    const waiting = await loop.store.getError(entry!.id);
    expect(waiting).toMatchObject({ status: "open", attempts: 7 });

    // `errors list` says when a run next sends it: four hours after its last refusal.
    const listed = JSON.parse((await runCli(["--config", loopConfig(loop, "salesforce"), "errors", "list", "--json"], {}, undefined, { now: clock.now })).stdout) as {
      id: number;
      nextTryAt?: string;
      whatToDo?: string;
    }[];
    const next = new Date(Date.parse(waiting!.lastSeenAt) + 4 * 3_600_000).toISOString();
    expect(listed).toEqual([expect.objectContaining({ id: entry!.id, nextTryAt: next })]);
    expect(listed[0]!.whatToDo).toContain(`as does the first run after ${next} (refused 7 times, it waits longer between runs that try it)`);

    // The lock goes; an admin's `errors retry` sends it at once, its wait notwithstanding: Inès's Lead, once.
    loop.salesforce.faults.clear();
    expect(await leadWritesOf(() => loop.retry())).toEqual(["collections 1"]);
    expect(leadsOf(ids[0]!)).toHaveLength(1);
    expect(await openEntries()).toEqual([]);
    clock.later();
    expect(await leadWritesOf(sync)).toEqual([]);
  });

  it("HubSpot: a contact refused as RATE_LIMITS in a 207 batch update gets the rep's title by itself, each written once", async () => {
    await start({ retry: SHORT_PATIENCE });
    const titles = ["Directrice Générale", "Responsable Achats Europe", "Chargée d'Affaires"];
    const ids = await retitledLeads(titles);
    loop.hubspot.faults.add({
      records: [{ object: "contacts", field: "jobtitle", equals: titles[1], category: "RATE_LIMITS", message: "You have reached your secondly limit." }],
    });
    await tick();
    await sync();

    const contact = (id: string) => hs().getObject("contacts", id)!;
    expect(contact(ids[0]!).properties.jobtitle).toBe(titles[0]);
    expect(contact(ids[1]!).properties.jobtitle).toBe("Responsable Achats");
    expect(await openEntries()).toEqual([
      expect.objectContaining({ system: "hubspot", object: "contacts", recordId: ids[1], errorClass: "rate_limited" }),
    ]);

    loop.hubspot.faults.clear();
    await tick();
    await sync();
    ids.forEach((id, i) => expect(contact(id).properties.jobtitle).toBe(titles[i]));
    expect(await openEntries()).toEqual([]);
    // Each title reached its contact in one write: the property's history holds it once.
    ids.forEach((id, i) =>
      expect(hs().propertyHistory(contact(id), "jobtitle").filter((h) => h.value === titles[i])).toHaveLength(1),
    );
  });

  it("HubSpot: a refusal in passing that clears within the patience lands in the same run", async () => {
    await start();
    const ids = await threeMqls();
    await sync();
    await tick(1_100);
    sf().update("Lead", leadsOf(ids[2]!)[0]!.Id as string, { Title: "Ingénieure Qualité" });
    loop.hubspot.faults.add({
      records: [{ object: "contacts", field: "jobtitle", category: "INTERNAL_ERROR", message: "internal error", times: 2 }],
    });
    await tick();
    await sync();

    const contact = hs().getObject("contacts", ids[2]!)!;
    expect(contact.properties.jobtitle).toBe("Ingénieure Qualité");
    expect(hs().propertyHistory(contact, "jobtitle").filter((h) => h.value === "Ingénieure Qualité")).toHaveLength(1);
    expect(await openEntries()).toEqual([]);
  });

  it("HubSpot as the CRM: a handoff task create refused as RATE_LIMITS past the patience is made by the next run, each task once", async () => {
    await start({ retry: SHORT_PATIENCE });
    const personId = seedAnais(loop);
    hs().associate("contacts", personId, "companies", seedSgiCompany(loop));
    pricingAndDemo(loop, personId);
    const hubspotCrm = () => loop.sync({ funnel: funnelFor(loop, "hubspot"), mappings: [], crm: loop.hubspotAdapter });
    loop.hubspot.faults.add({
      records: [{ object: "tasks", field: "hs_task_subject", equals: "Requested a demo: Request a demo", category: "RATE_LIMITS", message: "You have reached your secondly limit." }],
    });
    const subjects = () =>
      hs()
        .associationsOf("contacts", personId, "tasks")
        .map((a) => hs().getObject("tasks", a.toId)!.properties.hs_task_subject ?? "")
        .sort();
    await hubspotCrm();
    const before = subjects();
    expect(before.some((s) => s.startsWith("New MQL"))).toBe(true);
    expect(before).not.toContain("Requested a demo: Request a demo");
    expect(await openEntries()).toEqual([expect.objectContaining({ system: "hubspot", object: "tasks", errorClass: "rate_limited" })]);

    loop.hubspot.faults.clear();
    await tick();
    await hubspotCrm();
    expect(subjects()).toEqual([...before, "Requested a demo: Request a demo"].sort());
    expect(await openEntries()).toEqual([]);
    await tick();
    await hubspotCrm();
    expect(subjects()).toHaveLength(before.length + 1);
  });
});

describe("refusals that repeat the same until a person acts are not in passing", () => {
  /** The contacts' batch updates a run sends HubSpot, each as the ids it names. */
  async function contactUpdatesOf(run: () => Promise<unknown>): Promise<string[][]> {
    const updates: string[][] = [];
    const stop = loop.hubspot.calls.observe((call) => {
      if (call.endpoint === "POST /crm/v3/objects/:objectType/batch/update" && call.path.includes("/contacts/")) {
        updates.push(((call.body as { inputs?: { id: string }[] }).inputs ?? []).map((i) => i.id));
      }
    });
    try {
      await run();
    } finally {
      stop();
    }
    return updates;
  }

  it("HubSpot: a 207 entry naming the app's scopes is an auth refusal and one of a category leadloop does not know the record's, neither sent again by the next run", async () => {
    await start({ retry: SHORT_PATIENCE });
    const titles = ["Directrice Générale", "Responsable Achats Europe", "Chargée d'Affaires — Île-de-France"];
    const ids = await retitledLeads(titles);
    loop.hubspot.faults.add({
      records: [
        { object: "contacts", field: "jobtitle", equals: titles[1], category: "MISSING_SCOPES", message: "This app hasn't been granted all required scopes to make this call." },
        { object: "contacts", field: "jobtitle", equals: titles[2], category: "POLICY_VIOLATION", message: "Cette modification est bloquée par une règle du portail." },
      ],
    });
    await tick();
    const first = await contactUpdatesOf(sync);
    // The batch, and nothing sent again within the run.
    expect(first).toHaveLength(1);
    const contact = (id: string) => hs().getObject("contacts", id)!;
    expect(contact(ids[0]!).properties.jobtitle).toBe(titles[0]);
    const open = await openEntries();
    expect(open.map((e) => [e.recordId, e.errorClass]).sort()).toEqual([[ids[1], "auth"], [ids[2], "data"]].sort());
    expect(open.find((e) => e.recordId === ids[2])!.message).toContain("(HubSpot's category POLICY_VIOLATION)");

    // The next run, nobody having acted, sends neither again.
    await tick();
    expect(await contactUpdatesOf(sync)).toEqual([]);
    expect((await openEntries()).map((e) => e.attempts)).toEqual([1, 1]);
    expect(contact(ids[1]!).properties.jobtitle).toBe("Responsable Achats");
  });

  it("Salesforce: a Lead a Transaction Security policy blocks waits as a configuration entry naming the policy, not sent again by the next run", async () => {
    await start({ retry: SHORT_PATIENCE });
    const ids = await threeMqls();
    loop.salesforce.faults.add({
      records: [
        {
          ...LOCKED,
          category: "TXN_SECURITY_NO_ACCESS",
          message: "The operation you requested isn't allowed due to a security policy in your organization. Contact your administrator for more information about security policies.",
        },
      ],
    });
    expect(await leadWritesOf(sync)).toEqual(["collections 3"]);
    expect(leadsOf(ids[0]!)).toEqual([]);
    const [entry, ...others] = await openEntries();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ system: "salesforce", object: "Lead", errorClass: "config" });
    expect(entry!.message).toContain("a Transaction Security policy in the Salesforce org blocked this");
    expect(entry!.message).toContain("exempt leadloop's integration user from the policy");

    await tick();
    expect(await leadWritesOf(sync)).toEqual([]);
    expect(await loop.store.getError(entry!.id)).toMatchObject({ status: "open", attempts: 1 });
  });
});

