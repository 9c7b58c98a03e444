// Qualification and handoff end to end, with each CRM: a contact who reads the pricing page and asks
// for a demo crosses the threshold and is handed off once, to the territory's rep, with an alert task,
// the behaviour summary and one task per significant activity; a near-qualified contact is flagged.
import { parseRouting } from "../../src/config/routing-file.js";
import { type LogFields, type Logger, silentLogger } from "../../src/log/logger.js";
import { funnelFor, pricingAndDemo, REPS, seedReps, TEST_ROUTING } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

function seedProspect(loop: LoopHarness) {
  const company = loop.hubspot.data.createObject("companies", {
    name: "Acme Industrie",
    domain: "acme-industrie.fr",
    industry: "COMPUTER_SOFTWARE",
    numberofemployees: "250",
    country: "France",
  });
  const camille = loop.hubspot.data.createObject("contacts", {
    email: "Camille.Lefevre@Acme-Industrie.fr",
    firstname: "Camille",
    lastname: "Lefèvre",
    jobtitle: "Directrice Marketing",
    company: "Acme Industrie",
    country: "France",
  });
  loop.hubspot.data.associate("contacts", camille.id, "companies", company.id);
  // Keen on behaviour but no first name: near-qualified, missing exactly that.
  const anon = loop.hubspot.data.createObject("contacts", {
    email: "k.nowak@acme-industrie.fr",
    lastname: "Nowak",
    jobtitle: "Head of Sales",
    company: "Acme Industrie",
    country: "France",
  });
  loop.hubspot.data.associate("contacts", anon.id, "companies", company.id);
  return { camille, anon };
}

/** Camille's colleague at Acme Industrie: a second prospect routed to France's reps. */
function seedColleague(loop: LoopHarness) {
  return loop.hubspot.data.createObject("contacts", {
    email: "Elodie.Marchand@ACME-industrie.fr",
    firstname: "Élodie",
    lastname: "Marchand",
    jobtitle: "Directrice des Achats",
    company: "Acme Industrie",
    country: "France",
  });
}

/**
 * The completed task of each thing the person did says it in words: the page or form, its address and
 * when, not the event's raw properties (`hs_form_id: 9e8d…`, `hs_url: …`) a rep cannot read.
 */
/** A sync with `funnel` in the CRM's mode, its warn lines kept in `warnings`. */
function syncWarned(loop: LoopHarness, crm: "salesforce" | "hubspot", funnel: ReturnType<typeof funnelFor>) {
  const warnings: { event: string; fields: LogFields }[] = [];
  const log: Logger = { ...silentLogger, warn: (event, fields = {}) => warnings.push({ event, fields }), child: () => log };
  const sync = () => loop.sync(crm === "salesforce" ? { funnel, log } : { funnel, log, mappings: [], crm: loop.hubspotAdapter });
  return { warnings, sync };
}

function expectReadableActivityTasks(tasks: readonly { subject: string; body: string }[], crm: "salesforce" | "hubspot"): void {
  const when = String.raw`When: \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC`;
  const bodyOf = (subject: string) => tasks.find((t) => t.subject.startsWith(subject))?.body;
  // HubSpot's task notes are rich text (a line is a <br>); Salesforce's Description is plain.
  const lines = (...parts: string[]) => (crm === "hubspot" ? `^<p>${parts.join("<br>")}</p>$` : `^${parts.join("\n")}$`);
  expect(bodyOf("Visited the pricing page")).toMatch(new RegExp(lines("Page: Pricing", "Address: https://www\\.leadloop-demo\\.com/pricing", when)));
  expect(bodyOf("Requested a demo")).toMatch(new RegExp(lines("Form: Request a demo", "Address: https://www\\.leadloop-demo\\.com/demo", when)));
}

describe.each(["salesforce", "hubspot"] as const)("handoff with crm: %s", (crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("hands a new MQL to the territory's rep once, with alert, summary and activity tasks", async () => {
    const reps = seedReps(loop);
    const { camille, anon } = seedProspect(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () =>
      loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });

    const first = await sync();
    expect(first.summary.handoffs).toBe(0);
    if (crm === "salesforce") expect(loop.salesforce.data.list("Lead")).toHaveLength(0); // not an MQL yet: not pushed

    await tick();
    pricingAndDemo(loop, camille.id);
    pricingAndDemo(loop, anon.id);
    const second = await sync();
    expect(second.summary.handoffs).toBe(1);
    expect(second.summary.nearQualified).toBeGreaterThanOrEqual(1);
    expect(loop.hubspot.data.getObject("contacts", anon.id)?.properties.leadloop_near_qualified).toBe(
      "firstname",
    );

    const contact = loop.hubspot.data.getObject("contacts", camille.id)!.properties;
    expect(contact.leadloop_status).toBe("mql");
    expect(contact.lifecyclestage).toBe("marketingqualifiedlead");
    expect(contact.hubspot_owner_id).toBe(reps.get(REPS.emea.email)!.hubspot);
    expect(Number(contact.leadloop_score)).toBeGreaterThanOrEqual(60);
    // What a marketer reads on the contact in either mode: when and why it qualified.
    expect(Number.isNaN(Date.parse(String(contact.leadloop_mql_date)))).toBe(false);
    expect(String(contact.leadloop_reasons)).toContain("Requested a demo");
    // One MQL date, the qualification's, on the contact and on the CRM record (Salesforce keeps seconds).
    const [mql] = await loop.store.listFunnelEvents({ personId: camille.id });
    expect(Date.parse(String(contact.leadloop_mql_date))).toBe(Date.parse(mql!.at));
    if (crm === "salesforce") {
      const mqlDate = String(loop.salesforce.data.list("Lead")[0]!.Leadloop_MQL_Date__c);
      expect(Math.floor(Date.parse(mqlDate) / 1000)).toBe(Math.floor(Date.parse(mql!.at) / 1000));
    }

    let taskCount: () => number;
    if (crm === "salesforce") {
      const leads = loop.salesforce.data.list("Lead");
      expect(leads).toHaveLength(1);
      const lead = leads[0]!;
      expect(lead).toMatchObject({
        Email: "camille.lefevre@acme-industrie.fr",
        OwnerId: reps.get(REPS.emea.email)!.salesforce,
        HubSpot_Contact_Id__c: camille.id,
      });
      expect(Number(lead.Leadloop_Score__c)).toBe(Number(contact.leadloop_score));
      expect(String(lead.Leadloop_Reasons__c)).toContain("Requested a demo");
      expect(String(lead.Leadloop_Activity_Summary__c)).toContain("Pricing");
      const tasks = loop.salesforce.data.list("Task").filter((t) => t.WhoId === lead.Id);
      expect(tasks.map((t) => String(t.Subject)).sort()).toEqual(
        [
          expect.stringContaining("New MQL: follow up within 4h"),
          expect.stringContaining("Requested a demo"),
          expect.stringContaining("Visited the pricing page"),
        ].sort((a, b) => String(a).localeCompare(String(b))),
      );
      expect(tasks.every((t) => t.OwnerId === reps.get(REPS.emea.email)!.salesforce)).toBe(true);
      expectReadableActivityTasks(tasks.map((t) => ({ subject: String(t.Subject), body: String(t.Description) })), crm);
      taskCount = () => loop.salesforce.data.list("Task").length;
    } else {
      expect(contact.hs_lead_status).toBe("NEW");
      expect(contact.leadloop_activity_summary).toContain("Pricing");
      const tasks = loop.hubspot.data
        .associationsOf("contacts", camille.id, "tasks")
        .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties);
      expect(
        tasks.map((t) => t.hs_task_subject).some((s) => s?.startsWith("New MQL: follow up within 4h")),
      ).toBe(true);
      expect(tasks).toHaveLength(3);
      expect(tasks.every((t) => t.hubspot_owner_id === reps.get(REPS.emea.email)!.hubspot)).toBe(true);
      expectReadableActivityTasks(tasks.map((t) => ({ subject: String(t.hs_task_subject), body: String(t.hs_task_body) })), crm);
      taskCount = () => loop.hubspot.data.listObjects("tasks").length;
    }

    const tasksBefore = taskCount();
    await tick();
    const third = await sync();
    expect(third.summary.handoffs).toBe(0);
    expect(taskCount()).toBe(tasksBefore);
    if (crm === "salesforce") expect(loop.salesforce.data.list("Lead")).toHaveLength(1);
    const events = await loop.store.listFunnelEvents({ personId: camille.id });
    expect(events.map((e) => e.toStage)).toEqual(["mql"]);
  });

  it("warns when the routing names a rep no active CRM user has, and gives the lead to the next rule's rep", async () => {
    const reps = seedReps(loop);
    const { camille } = seedProspect(loop);
    // France's rule names Hélène misspelt: the routing passes it by, and Camille goes to the fallback.
    const misspelt = "helene.dubios@leadloop-demo.com";
    const routing = TEST_ROUTING.replace("    assign: { queue: emea }", `    assign: { rep: ${misspelt} }`);
    expect(routing).not.toBe(TEST_ROUTING);
    const { warnings, sync } = syncWarned(loop, crm, { ...funnelFor(loop, crm), routing: parseRouting(routing, "routing.yaml") });
    await sync();
    await tick();
    pricingAndDemo(loop, camille.id);
    expect((await sync()).summary.handoffs).toBe(1);
    expect(loop.hubspot.data.getObject("contacts", camille.id)!.properties.hubspot_owner_id).toBe(reps.get(REPS.fallback.email)!.hubspot);
    expect(warnings.filter((w) => w.event === "routing.reps_inactive")).toEqual([
      {
        event: "routing.reps_inactive",
        fields: {
          reps: [misspelt],
          message: `no active ${crm} user has ${misspelt}: the routing passes them by; \`leadloop validate --live\` says where each is named`,
        },
      },
    ]);
  });
  it("puts an MQL no active rep can take in the error queue, and settles it when a later run hands them off", async () => {
    const reps = seedReps(loop);
    const { camille } = seedProspect(loop);
    // France's rule and the fallback both name Hélène misspelt: no rule gives Camille to anyone.
    const misspelt = "helene.dubios@leadloop-demo.com";
    const broken = TEST_ROUTING.replace("    assign: { queue: emea }", `    assign: { rep: ${misspelt} }`).replace(
      `fallback: ${REPS.fallback.email}`,
      `fallback: ${misspelt}`,
    );
    expect(broken).not.toContain(`fallback: ${REPS.fallback.email}`);
    const { sync } = syncWarned(loop, crm, { ...funnelFor(loop, crm), routing: parseRouting(broken, "routing.yaml") });
    await sync();
    await tick();
    pricingAndDemo(loop, camille.id);
    const stuck = await sync();
    expect(stuck.summary.handoffs).toBe(0);
    const open = await loop.store.listErrors({ status: "open" });
    expect(open.map((e) => ({ operation: e.operation, errorClass: e.errorClass, system: e.system }))).toEqual([
      { operation: "routing", errorClass: "config", system: crm },
    ]);
    expect(open[0]!.message).toContain("no active rep to hand camille.lefevre@acme-industrie.fr to");
    expect(open[0]!.message).toContain(`the fallback rep ${misspelt} is not an active rep`);
    expect(stuck.summary.openErrors).toBe(1);
    // Still unroutable next run: the same entry, another attempt.
    await sync();
    expect((await loop.store.listErrors({ status: "open" })).map((e) => [e.id, e.attempts])).toEqual([[open[0]!.id, 2]]);

    // The admin fixes the fallback: the next run hands Camille off and settles the entry.
    const fixed = syncWarned(loop, crm, { ...funnelFor(loop, crm), routing: parseRouting(TEST_ROUTING.replace("    assign: { queue: emea }", `    assign: { rep: ${misspelt} }`), "routing.yaml") });
    const handed = await fixed.sync();
    expect(handed.summary.handoffs).toBe(1);
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    expect(loop.hubspot.data.getObject("contacts", camille.id)!.properties.hubspot_owner_id).toBe(reps.get(REPS.fallback.email)!.hubspot);
  });
  it("passes by a rep deactivated in the CRM, whose accounts still name them, and gives the lead to the fallback", async () => {
    const reps = seedReps(loop);
    const { camille } = seedProspect(loop);
    // Hélène owned Acme's account and is EMEA's only rep; she leaves, and an admin deactivates her user.
    const helene = reps.get(REPS.emea.email)!;
    const acme = loop.hubspot.data.listObjects("companies").find((c) => c.properties.domain === "acme-industrie.fr")!;
    loop.hubspot.data.updateObject("companies", acme.id, { hubspot_owner_id: helene.hubspot });
    if (crm === "salesforce") loop.salesforce.data.update("User", helene.salesforce, { IsActive: false });
    else loop.hubspot.data.deactivateOwner(helene.hubspot);
    const { warnings, sync } = syncWarned(loop, crm, funnelFor(loop, crm));
    await sync();
    await tick();
    pricingAndDemo(loop, camille.id);
    expect((await sync()).summary.handoffs).toBe(1);
    const fallback = reps.get(REPS.fallback.email)!;
    if (crm === "salesforce") {
      const [lead] = loop.salesforce.data.list("Lead");
      expect(lead?.OwnerId).toBe(fallback.salesforce);
    } else {
      expect(loop.hubspot.data.getObject("contacts", camille.id)!.properties.hubspot_owner_id).toBe(fallback.hubspot);
    }
    expect(warnings.filter((w) => w.event === "routing.reps_inactive").map((w) => w.fields.reps)).toEqual([[REPS.emea.email]]);
  });

  it("keeps a run's handoffs in one store commit: a crash before it hands off no one, and the next run each once", async () => {
    const reps = seedReps(loop);
    const { camille } = seedProspect(loop);
    const elodie = seedColleague(loop);
    const funnel = funnelFor(loop, crm);
    const sync = () => loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });
    await sync();
    await tick();
    pricingAndDemo(loop, camille.id);
    pricingAndDemo(loop, elodie.id);

    // The store commits that decide handoffs (each carries its people's outbox groups), and a crash
    // (the process dies, nothing of the commit kept) at the first of them.
    const store = loop.store;
    const commit = store.commitBatch.bind(store);
    const handoffCommits: string[][] = [];
    let crashAt: number | null = 1;
    store.commitBatch = async (batch) => {
      const groups = (batch.outboxGroups ?? []).map((g) => g.group).filter((g) => g.startsWith("handoff:"));
      if (groups.length > 0) {
        if (crashAt === 1) {
          crashAt = null;
          throw new Error("crashed before the handoffs' commit");
        }
        handoffCommits.push(groups.sort());
      }
      return commit(batch);
    };
    await sync().catch(() => undefined);
    expect(await loop.store.listSlaClocks()).toEqual([]);
    expect([...(await loop.store.openOutboxGroups())].filter((g) => g.startsWith("handoff:"))).toEqual([]);

    const resumed = await sync();
    expect(resumed.summary.handoffs).toBe(2);
    expect(handoffCommits).toEqual([[`handoff:${camille.id}`, `handoff:${elodie.id}`].sort()]);
    // Each handed off once: one follow-up task each, to the territory's rep, and one clock each.
    const followUps = (personId: string) => {
      if (crm === "salesforce") {
        const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
        return loop.salesforce.data
          .list("Task")
          .filter((t) => t.WhoId === lead.Id && String(t.Subject).startsWith("New MQL"))
          .map((t) => t.OwnerId);
      }
      return loop.hubspot.data
        .associationsOf("contacts", personId, "tasks")
        .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties)
        .filter((t) => String(t.hs_task_subject).startsWith("New MQL"))
        .map((t) => t.hubspot_owner_id);
    };
    const rep = reps.get(REPS.emea.email)![crm];
    expect(followUps(camille.id)).toEqual([rep]);
    expect(followUps(elodie.id)).toEqual([rep]);
    expect((await loop.store.listSlaClocks()).map((c) => c.personId).sort()).toEqual([camille.id, elodie.id].sort());
  });

  it("gives a run's MQLs a queue's turns by contact id, not in the order HubSpot's search answered them", async () => {
    const reps = seedReps(loop);
    const { camille } = seedProspect(loop);
    const elodie = seedColleague(loop);
    // France goes to a queue of two: the first MQL to Hélène, the next to Jordan.
    const routing = parseRouting(TEST_ROUTING.replace(`emea: [${REPS.emea.email}]`, `emea: [${REPS.emea.email}, ${REPS.fallback.email}]`), "routing.yaml");
    const funnel = { ...funnelFor(loop, crm), routing };
    const sync = () => loop.sync(crm === "salesforce" ? { funnel } : { funnel, mappings: [], crm: loop.hubspotAdapter });
    const ownerOf = (personId: string) =>
      crm === "salesforce"
        ? loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)?.OwnerId
        : loop.hubspot.data.getObject("contacts", personId)!.properties.hubspot_owner_id;
    await sync();
    // Élodie acts first, so the search for changed contacts (by modification date) answers her first;
    // both qualify in the next run, one MQL date, and Camille's contact id is the lower.
    pricingAndDemo(loop, elodie.id);
    await tick();
    pricingAndDemo(loop, camille.id);
    expect(Number(camille.id)).toBeLessThan(Number(elodie.id));
    // The fields of each record read, less the ones every read takes along.
    const reads: string[][] = [];
    const bookkeeping = new Set(["Id", "SystemModstamp", "lastmodifieddate", "hs_merged_object_ids"]);
    loop.salesforce.calls.observe((call) => reads.push(/^SELECT (.*?) FROM /.exec(call.query.get("q") ?? "")?.[1]?.split(", ") ?? []));
    loop.hubspot.calls.observe((call) => {
      if (call.endpoint === "POST /crm/v3/objects/:objectType/batch/read") reads.push((call.body as { properties?: string[] }).properties ?? []);
    });
    expect((await sync()).summary.handoffs).toBe(2);
    expect(ownerOf(camille.id)).toBe(reps.get(REPS.emea.email)![crm]);
    expect(ownerOf(elodie.id)).toBe(reps.get(REPS.fallback.email)![crm]);
    // A queue's first turn resumes from earlier runs' MQLs only: this run's were handed off by no one yet,
    // so no record is read for their owner and MQL date.
    const ownerAndMqlDate = crm === "salesforce" ? ["Leadloop_MQL_Date__c", "OwnerId"] : ["hubspot_owner_id", "leadloop_mql_date"];
    expect(reads.map((fields) => fields.filter((f) => !bookkeeping.has(f)).sort())).not.toContainEqual(ownerAndMqlDate);
  });
});

describe("a rep's own lead", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("is linked to the marketing contact with the same email and shows that person's prior interest", async () => {
    seedReps(loop);
    const { anon } = seedProspect(loop);
    pricingAndDemo(loop, anon.id);
    const funnel = funnelFor(loop, "salesforce");
    await loop.sync({ funnel });
    expect(loop.salesforce.data.list("Lead")).toHaveLength(0); // near-qualified only: not pushed

    await tick();
    const repLead = loop.salesforce.data.insert("Lead", {
      FirstName: "Kasia",
      LastName: "Nowak",
      Company: "Acme Industrie",
      Email: "K.Nowak@acme-industrie.fr",
      Title: "Head of Sales",
    });
    await tick();
    await loop.sync({ funnel });

    expect((await loop.store.findLinkByCrm("contact", "Lead", repLead))?.marketingId).toBe(anon.id);
    const lead = loop.salesforce.data.get("Lead", repLead)!;
    expect(String(lead.Leadloop_Activity_Summary__c)).toContain("Pricing");
    expect(String(lead.Leadloop_Reasons__c)).toContain("Requested a demo");
    expect(Number(lead.Leadloop_Behavior_Score__c)).toBeGreaterThan(0);
    expect(loop.hubspot.data.listObjects("contacts").filter((c) => c.properties.email === "k.nowak@acme-industrie.fr")).toHaveLength(1);
  });
});
