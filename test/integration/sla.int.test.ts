// The follow-up SLA against both emulators, time injected: a call the owner logs stops the clock (SLA
// met, other reps' and leadloop's own tasks do not count); an untouched lead breaches once, with one
// alert task for the owner's manager however often the sync runs again; a reroute hands the lead to the
// next rep on both sides with a new clock and its own alert task, and never back to a rep who held it.
import type { SlaDefinition } from "../../src/core/sla/definition.js";
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, REPS, seedReps, seedSgiCompany } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

const HOUR = 3_600_000;
const MANAGER = { email: "Margot.Lambert@Leadloop-Demo.com", firstName: "Margot", lastName: "Lambert" };

type Crm = "salesforce" | "hubspot";

function seedPeople(loop: LoopHarness) {
  const company = seedSgiCompany(loop);
  const person = (email: string, firstname: string, lastname: string, jobtitle: string) => {
    const c = loop.hubspot.data.createObject("contacts", {
      email,
      firstname,
      lastname,
      jobtitle,
      company: "Société Générale d'Ingénierie",
      country: "France",
    });
    loop.hubspot.data.associate("contacts", c.id, "companies", company);
    return c;
  };
  return {
    camille: person("Camille.Lefevre@SGI-Ingenierie.fr", "Camille", "Lefèvre", "Directrice Marketing"),
    jonas: person("jonas.weiss@sgi-ingenierie.fr", "Jonas", "Weiß", "Head of Operations"),
  };
}

/** Reps, a manager for the EMEA rep, both prospects handed off at `clock()`; returns ids. */
async function handedOff(loop: LoopHarness, crm: Crm, sla: (base: SlaDefinition) => SlaDefinition, clock: { t: number }) {
  const reps = seedReps(loop);
  const managerSf = loop.salesforce.data.insert("User", {
    Username: "margot.lambert@leadloop-demo.com.test",
    Email: MANAGER.email,
    FirstName: MANAGER.firstName,
    LastName: MANAGER.lastName,
    IsActive: true,
  });
  const managerHs = loop.hubspot.data.addOwner(MANAGER).id;
  const people = seedPeople(loop);
  const base = funnelFor(loop, crm);
  const funnel = { ...base, sla: sla(base.sla) };
  const now = () => new Date(clock.t);
  const sync = () =>
    loop.sync(crm === "salesforce" ? { funnel, now } : { funnel, now, mappings: [], crm: loop.hubspotAdapter });
  await sync();
  clock.t += 60_000;
  pricingAndDemo(loop, people.camille.id);
  pricingAndDemo(loop, people.jonas.id);
  clock.t += 60_000;
  const handoff = await sync();
  expect(handoff.summary.handoffs).toBe(2);
  const crmIdOf = async (personId: string) =>
    (await loop.store.listSlaClocks()).find((c) => c.personId === personId)!.crmId;
  return {
    reps,
    manager: { salesforce: managerSf, hubspot: managerHs },
    people,
    sync,
    handoffAt: clock.t,
    camilleCrm: await crmIdOf(people.camille.id),
    jonasCrm: await crmIdOf(people.jonas.id),
  };
}


/** Tasks on a person's CRM record: subject, owner, due (date-time) and due day, completed. */
function tasksOf(loop: LoopHarness, crm: Crm, crmId: string) {
  if (crm === "salesforce")
    return loop.salesforce.data
      .list("Task")
      .filter((t) => t.WhoId === crmId)
      .map((t) => ({
        subject: String(t.Subject),
        ownerId: String(t.OwnerId),
        due: t.ReminderDateTime ? new Date(String(t.ReminderDateTime)).toISOString() : null,
        day: t.ActivityDate ? String(t.ActivityDate) : null,
        reminder: t.IsReminderSet,
        open: t.Status !== "Completed",
      }));
  return loop.hubspot.data
    .associationsOf("contacts", crmId, "tasks")
    .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties)
    .map((t) => ({
      subject: String(t.hs_task_subject),
      ownerId: String(t.hubspot_owner_id),
      due: t.hs_timestamp ? new Date(String(t.hs_timestamp)).toISOString() : null,
      day: t.hs_timestamp ? new Date(String(t.hs_timestamp)).toISOString().slice(0, 10) : null,
      reminder: true,
      open: t.hs_task_status !== "COMPLETED",
    }));
}

/** The text of the "SLA missed" alert tasks on a person's CRM record, oldest first. */
function alertBodies(loop: LoopHarness, crm: Crm, crmId: string): string[] {
  if (crm === "salesforce")
    return loop.salesforce.data
      .list("Task")
      .filter((t) => t.WhoId === crmId && String(t.Subject).startsWith("SLA missed"))
      .map((t) => String(t.Description));
  return loop.hubspot.data
    .associationsOf("contacts", crmId, "tasks")
    .map((a) => loop.hubspot.data.getObject("tasks", a.toId)!.properties)
    .filter((t) => String(t.hs_task_subject).startsWith("SLA missed"))
    .map((t) => String(t.hs_task_body));
}

/** The owner logs a call on the person's CRM record at `at`. */
function logCall(loop: LoopHarness, crm: Crm, crmId: string, ownerId: string, at: Date, subject: string) {
  if (crm === "salesforce") {
    loop.salesforce.data.insert(
      "Task",
      {
        Subject: subject,
        Status: "Completed",
        Priority: "Normal",
        TaskSubtype: "Call",
        Type: "Call",
        ActivityDate: at.toISOString().slice(0, 10),
        WhoId: crmId,
        OwnerId: ownerId,
      },
      at,
    );
    return;
  }
  const call = loop.hubspot.data.createObject(
    "calls",
    {
      hs_call_title: subject,
      hs_call_status: "COMPLETED",
      hs_call_direction: "OUTBOUND",
      hs_timestamp: at.toISOString(),
      hubspot_owner_id: ownerId,
    },
    at,
  );
  loop.hubspot.data.associate("calls", call.id, "contacts", crmId);
}

describe.each(["salesforce", "hubspot"] as const)("follow-up SLA with crm: %s", (crm) => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("a logged call meets the SLA; no touch breaches once, with one alert task for the manager", async () => {
    // Whole seconds: Salesforce keeps date-times to the second.
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(
      loop,
      crm,
      (sla) => ({
        ...sla,
        onBreach: { alert: true, alertTo: "manager", reroute: false, managers: { [REPS.emea.email]: MANAGER.email.toLowerCase() } },
      }),
      clock,
    );
    const helene = h.reps.get(REPS.emea.email)![crm];
    const jordan = h.reps.get(REPS.fallback.email)![crm];
    // The rep's alert task is due at the hour: handoff + 4h.
    const dueAt = new Date(h.handoffAt + 4 * HOUR).toISOString();
    expect(tasksOf(loop, crm, h.camilleCrm).find((t) => t.subject.startsWith("New MQL"))).toMatchObject({
      ownerId: helene,
      due: dueAt,
      reminder: true,
      open: true,
    });

    // Hélène calls Camille after 30 minutes; Jordan (not the owner) calls Jonas: not Jonas's owner's touch.
    logCall(loop, crm, h.camilleCrm, helene, new Date(h.handoffAt + 30 * 60_000), "Appel découverte");
    logCall(loop, crm, h.jonasCrm, jordan, new Date(h.handoffAt + 45 * 60_000), "Call about pricing");
    clock.t = h.handoffAt + 5 * HOUR;
    const late = await h.sync();
    expect(late.summary.slaBreaches).toBe(1);

    const clocks = new Map((await loop.store.listSlaClocks()).map((c) => [c.personId, c]));
    expect(clocks.get(h.people.camille.id)).toMatchObject({
      firstTouchAt: new Date(h.handoffAt + 30 * 60_000).toISOString(),
      touches: 1,
      breachedAt: null,
    });
    expect(clocks.get(h.people.jonas.id)).toMatchObject({ firstTouchAt: null, touches: 0, breachedAt: dueAt });

    const alerts = () => tasksOf(loop, crm, h.jonasCrm).filter((t) => t.subject.startsWith("SLA missed"));
    expect(alerts()).toEqual([
      {
        subject: "SLA missed: Jonas Weiß not followed up within 4h",
        ownerId: h.manager[crm],
        due: new Date(clock.t).toISOString(),
        day: new Date(clock.t).toISOString().slice(0, 10),
        reminder: true,
        open: true,
      },
    ]);
    expect(tasksOf(loop, crm, h.camilleCrm).some((t) => t.subject.startsWith("SLA missed"))).toBe(false);

    // Runs later raise nothing again and make no second alert.
    clock.t += HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    clock.t += 8 * 24 * HOUR; // past the touch window: Camille has 1 of 3 touches
    const week = await h.sync();
    expect(week.summary.slaBreaches).toBe(1);
    expect(alerts()).toHaveLength(1);
    expect(tasksOf(loop, crm, h.camilleCrm).filter((t) => t.subject.startsWith("SLA missed"))).toEqual([
      expect.objectContaining({ subject: "SLA missed: Camille Lefèvre fewer than 3 touches in the touch window" }),
    ]);
    const breaches = await loop.store.listSlaBreaches();
    expect(breaches.map((b) => [b.personId, b.kind, b.alertTo])).toEqual([
      [h.people.camille.id, "touches", h.manager[crm]],
      [h.people.jonas.id, "follow-up", h.manager[crm]],
    ]);
  });

  it.each([
    ["owner", {}],
    ["manager", {}], // no manager listed for the owner: the alert still reaches someone, the owner
  ] as const)("alertTo: %s with managers %j alerts the owner", async (alertTo, managers) => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(loop, crm, (sla) => ({ ...sla, onBreach: { alert: true, alertTo, reroute: false, managers } }), clock);
    clock.t = h.handoffAt + 4 * HOUR + 1000;
    expect((await h.sync()).summary.slaBreaches).toBe(2);
    for (const crmId of [h.camilleCrm, h.jonasCrm])
      expect(tasksOf(loop, crm, crmId).filter((t) => t.subject.startsWith("SLA missed"))).toEqual([
        expect.objectContaining({ ownerId: h.reps.get(REPS.emea.email)![crm], open: true }),
      ]);
  });

  it("alert: false raises and counts the breach without a task; the owner keeps the lead", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(
      loop,
      crm,
      (sla) => ({ ...sla, onBreach: { alert: false, alertTo: "manager", reroute: false, managers: { [REPS.emea.email]: MANAGER.email.toLowerCase() } } }),
      clock,
    );
    clock.t = h.handoffAt + 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(2);
    expect(tasksOf(loop, crm, h.jonasCrm).filter((t) => t.subject.startsWith("SLA missed"))).toEqual([]);
    expect(loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties.hubspot_owner_id).toBe(
      h.reps.get(REPS.emea.email)!.hubspot,
    );
    expect((await loop.store.listSlaBreaches()).map((b) => [b.alertTo, b.rerouteTo])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it("a lead sales already decided on is no longer followed up: no breach, no reroute", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(loop, crm, (sla) => ({ ...sla, onBreach: { ...sla.onBreach, reroute: true } }), clock);
    // Hélène marks Jonas unqualified within the hour (the disposition phase records the stage).
    await loop.store.commitBatch({
      runId: "rep",
      at: new Date(h.handoffAt + 30 * 60_000).toISOString(),
      funnelEvents: [
        {
          personId: h.people.jonas.id,
          email: "jonas.weiss@sgi-ingenierie.fr",
          fromStage: "mql",
          toStage: "trash",
          at: new Date(h.handoffAt + 30 * 60_000).toISOString(),
          cause: "disposition trash: Closed - Unqualified",
          runId: null,
          source: null,
          campaign: null,
          ownerId: h.reps.get(REPS.emea.email)![crm],
          amount: null,
        },
      ],
    });
    clock.t = h.handoffAt + 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(1); // Camille only
    expect((await loop.store.listSlaBreaches()).map((b) => b.personId)).toEqual([h.people.camille.id]);
    expect(loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties.hubspot_owner_id).toBe(
      h.reps.get(REPS.emea.email)!.hubspot,
    );
  });

  it("reroutes a breached lead to the next rep on both sides, with a new clock and the alert for the queue", async () => {
    // Whole seconds: Salesforce keeps date-times to the second.
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(
      loop,
      crm,
      (sla) => ({ ...sla, onBreach: { alert: true, alertTo: "queue", reroute: true, managers: {} } }),
      clock,
    );
    const jordan = h.reps.get(REPS.fallback.email)!;
    const helene = h.reps.get(REPS.emea.email)![crm];
    logCall(loop, crm, h.camilleCrm, helene, new Date(h.handoffAt + 10 * 60_000), "Premier appel");
    clock.t = h.handoffAt + 4 * HOUR + 60_000;
    const breached = await h.sync();
    expect(breached.summary.slaBreaches).toBe(1);

    // Jonas now belongs to Jordan (the EMEA queue has no one else; the fallback takes him) everywhere.
    const contact = loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties;
    expect(contact.hubspot_owner_id).toBe(jordan.hubspot);
    if (crm === "salesforce") expect(loop.salesforce.data.get("Lead", h.jonasCrm)?.OwnerId).toBe(jordan.salesforce);
    const clockNow = (await loop.store.listSlaClocks()).find((c) => c.personId === h.people.jonas.id)!;
    expect(clockNow).toMatchObject({
      ownerId: jordan[crm],
      handoffAt: new Date(clock.t).toISOString(),
      dueAt: new Date(clock.t + 4 * HOUR).toISOString(),
      touches: 0,
      breachedAt: null,
    });
    const tasks = tasksOf(loop, crm, h.jonasCrm);
    expect(tasks.filter((t) => t.subject.startsWith("Re-routed lead"))).toEqual([
      expect.objectContaining({ ownerId: jordan[crm], due: clockNow.dueAt, open: true }),
    ]);
    expect(tasks.filter((t) => t.subject.startsWith("SLA missed"))).toEqual([
      expect.objectContaining({ ownerId: jordan[crm] }),
    ]);
    // Hélène's open "New MQL" task went with the lead, still open, due by Jordan's clock as the
    // reroute's own task is (its handoff due time had passed: Jordan would get it overdue): her task list
    // holds no work for a lead she no longer owns. Her completed tasks stay hers.
    expect(tasks.filter((t) => t.subject.startsWith("New MQL"))).toEqual([
      expect.objectContaining({
        ownerId: jordan[crm],
        due: clockNow.dueAt,
        day: clockNow.dueAt.slice(0, 10),
        reminder: true,
        open: true,
      }),
    ]);
    expect(tasks.filter((t) => t.open && t.ownerId === helene)).toEqual([]);
    expect(tasks.filter((t) => !t.open).map((t) => t.ownerId)).toEqual(
      expect.arrayContaining([helene]),
    );
    expect(tasks.filter((t) => !t.open).every((t) => t.ownerId === helene)).toBe(true);
    // Camille was called in time: still Hélène's.
    expect(loop.hubspot.data.getObject("contacts", h.people.camille.id)!.properties.hubspot_owner_id).toBe(
      h.reps.get(REPS.emea.email)!.hubspot,
    );

    // Jordan's call meets the new clock; Hélène's earlier breach stays on record; nothing is raised twice.
    logCall(loop, crm, h.jonasCrm, jordan[crm], new Date(clock.t + HOUR), "Follow-up call");
    clock.t += 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    const after = (await loop.store.listSlaClocks()).find((c) => c.personId === h.people.jonas.id)!;
    expect(after).toMatchObject({ ownerId: jordan[crm], touches: 1, breachedAt: null });
    expect((await loop.store.listSlaBreaches()).map((b) => [b.personId, b.ownerId, b.rerouteTo])).toEqual([
      [h.people.jonas.id, helene, REPS.fallback.email],
    ]);
    expect(tasksOf(loop, crm, h.jonasCrm).filter((t) => t.subject.startsWith("Re-routed lead"))).toHaveLength(1);
    expect(tasksOf(loop, crm, h.jonasCrm).filter((t) => t.open && t.ownerId === helene)).toEqual([]);
    // Camille's "New MQL" task is Hélène's still: only the rerouted lead's work moved. Her call followed
    // Camille up, so the task is done.
    expect(tasksOf(loop, crm, h.camilleCrm).filter((t) => t.subject.startsWith("New MQL"))).toEqual([
      expect.objectContaining({ ownerId: helene, open: false }),
    ]);
    expect((await loop.store.listErrors()).map((e) => e.message)).toEqual([]);

    // `leadloop sla` shows it per rep, by due time: Camille still Hélène's, Hélène's breach of Jonas (re-routed), Jonas Jordan's.
    const configPath = loopConfig(loop, crm);
    const all = await runCli(["--config", configPath, "sla", "--json"]);
    expect(all.code).toBe(0);
    const board = JSON.parse(all.stdout) as { clocks: Record<string, unknown>[]; breaches: Record<string, unknown>[] };
    const heleneEmail = REPS.emea.email.toLowerCase();
    const show = (rows: Record<string, unknown>[]) =>
      rows.map((r) => [r.owner, r.email, r.status, r.touches, r.breach, r.rerouteTo, r.current]);
    expect(show(board.clocks)).toEqual([
      [heleneEmail, "camille.lefevre@sgi-ingenierie.fr", "open", 1, null, null, true],
      [REPS.fallback.email, "jonas.weiss@sgi-ingenierie.fr", "open", 1, null, null, true],
    ]);
    expect(show(board.breaches)).toEqual([
      [heleneEmail, "jonas.weiss@sgi-ingenierie.fr", "breached", null, "follow-up", REPS.fallback.email, false],
    ]);
    expect(board.breaches[0]).toMatchObject({
      name: "Jonas Weiß",
      handedOffAt: new Date(h.handoffAt).toISOString(),
      dueAt: new Date(h.handoffAt + 4 * HOUR).toISOString(),
      breachedAt: new Date(h.handoffAt + 4 * HOUR).toISOString(),
      alertTo: jordan[crm],
    });
    const onlyBreached = await runCli(["--config", configPath, "sla", "--breached", "--owner", "Helene.Dubois@LEADLOOP-demo.com", "--json"]);
    expect(JSON.parse(onlyBreached.stdout)).toEqual({ clocks: [], breaches: board.breaches });
    const text = await runCli(["--config", configPath, "sla", "--owner", REPS.fallback.email]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(/^OWNER\s+PERSON\s+HANDED OFF\s+DUE\s+TOUCHES\s+BREACHED\s+REROUTED TO\s+NOTE$/);
    expect(text.stdout).toContain("Jonas Weiß <jonas.weiss@sgi-ingenierie.fr>");
    // Jordan has no breach: a known rep with nothing to show. An email no rep has is an error, not "nothing".
    expect(await runCli(["--config", configPath, "sla", "--breached", "--owner", REPS.fallback.email])).toEqual({
      code: 0,
      stdout: `no SLA breaches for ${REPS.fallback.email}\n`,
      stderr: "",
    });
    const nobody = await runCli(["--config", configPath, "sla", "--owner", "nobody@leadloop-demo.com"]);
    expect([nobody.code, nobody.stdout]).toEqual([1, ""]);
    expect(nobody.stderr).toContain("no rep with email nobody@leadloop-demo.com is known");
    const table = await runCli(["--config", configPath, "sla"]);
    expect(table.stdout.split("\n").filter((l) => l.includes("jonas.weiss"))).toEqual([
      expect.stringMatching(/^helene\.dubois@leadloop-demo\.com\s+Jonas Weiß <jonas\.weiss@sgi-ingenierie\.fr>.*\s-\s.*\(follow-up\)\s+jordan\.miller@leadloop-demo\.com$/),
      expect.stringMatching(/^jordan\.miller@leadloop-demo\.com\s+Jonas Weiß <jonas\.weiss@sgi-ingenierie\.fr>\s.*\s1$/),
    ]);
    expect((await runCli(["--config", configPath, "sla", "--bogus"])).code).toBe(2);
  });

  it("a rep who followed up late, read in the run that finds the breach, keeps the lead: the breach is kept, nothing is rerouted", async () => {
    // Whole seconds: Salesforce keeps date-times to the second.
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(
      loop,
      crm,
      (sla) => ({ ...sla, onBreach: { alert: true, alertTo: "queue", reroute: true, managers: {} } }),
      clock,
    );
    const helene = h.reps.get(REPS.emea.email)![crm];
    logCall(loop, crm, h.camilleCrm, helene, new Date(h.handoffAt + 10 * 60_000), "Premier appel");
    // Hélène calls Jonas half an hour after his follow-up was due; the next run reads the call and the breach.
    logCall(loop, crm, h.jonasCrm, helene, new Date(h.handoffAt + 4 * HOUR + 30 * 60_000), "Appel tardif");
    clock.t = h.handoffAt + 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(1);

    // The breach is on record, late by its due time, and rerouted to no one.
    expect((await loop.store.listSlaBreaches()).map((b) => [b.personId, b.ownerId, b.kind, b.breachedAt, b.rerouteTo])).toEqual([
      [h.people.jonas.id, helene, "follow-up", new Date(h.handoffAt + 4 * HOUR).toISOString(), null],
    ]);
    // Jonas stays Hélène's on both sides, her clock stopped by her call.
    expect(loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties.hubspot_owner_id).toBe(
      h.reps.get(REPS.emea.email)!.hubspot,
    );
    if (crm === "salesforce") expect(loop.salesforce.data.get("Lead", h.jonasCrm)?.OwnerId).toBe(helene);
    expect((await loop.store.listSlaClocks()).find((c) => c.personId === h.people.jonas.id)).toMatchObject({
      ownerId: helene,
      handoffAt: new Date(h.handoffAt).toISOString(),
      firstTouchAt: new Date(h.handoffAt + 4 * HOUR + 30 * 60_000).toISOString(),
    });
    // Her "New MQL" task is done and still hers; no one is given a "Re-routed lead" task.
    const tasks = tasksOf(loop, crm, h.jonasCrm);
    expect(tasks.filter((t) => t.subject.startsWith("New MQL"))).toEqual([expect.objectContaining({ ownerId: helene, open: false })]);
    expect(tasks.filter((t) => t.subject.startsWith("Re-routed lead"))).toEqual([]);
    const [alert] = alertBodies(loop, crm, h.jonasCrm);
    expect(alert).toContain("Not re-routed: followed up late, at");
    expect((await loop.store.listErrors()).map((e) => e.message)).toEqual([]);
    // The next run raises nothing more.
    clock.t += HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
  });

  it("a lead breached again after its reroute stays with its owner, alerted: it never goes back to a rep who held it", async () => {
    // Whole seconds: Salesforce keeps date-times to the second.
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(
      loop,
      crm,
      (sla) => ({ ...sla, onBreach: { alert: true, alertTo: "owner", reroute: true, managers: {} } }),
      clock,
    );
    const helene = h.reps.get(REPS.emea.email)!;
    const jordan = h.reps.get(REPS.fallback.email)!;
    logCall(loop, crm, h.camilleCrm, helene[crm], new Date(h.handoffAt + 10 * 60_000), "Premier appel");
    const ownerOfJonas = () => ({
      marketing: loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties.hubspot_owner_id,
      crm: crm === "salesforce" ? loop.salesforce.data.get("Lead", h.jonasCrm)?.OwnerId : undefined,
    });
    const jonasClock = async () => (await loop.store.listSlaClocks()).find((c) => c.personId === h.people.jonas.id)!;

    // Hélène misses Jonas: Jordan, the one other rep, takes him.
    clock.t = h.handoffAt + 4 * HOUR + 60_000;
    expect((await h.sync()).summary.slaBreaches).toBe(1);
    const reroutedAt = clock.t;
    expect(ownerOfJonas()).toEqual({ marketing: jordan.hubspot, crm: crm === "salesforce" ? jordan.salesforce : undefined });

    // Jordan misses him too. Hélène held him before: no rep is left who has not, so Jordan keeps him and
    // is alerted, with the reason on the task; no owner is written.
    clock.t = reroutedAt + 4 * HOUR + 60_000;
    const second = await h.sync();
    expect(second.summary.slaBreaches).toBe(1);
    expect(ownerOfJonas()).toEqual({ marketing: jordan.hubspot, crm: crm === "salesforce" ? jordan.salesforce : undefined });
    expect(await jonasClock()).toMatchObject({
      ownerId: jordan[crm],
      handoffAt: new Date(reroutedAt).toISOString(),
      breachedAt: new Date(reroutedAt + 4 * HOUR).toISOString(),
    });
    expect(tasksOf(loop, crm, h.jonasCrm).filter((t) => t.subject.startsWith("SLA missed")).map((t) => t.ownerId)).toEqual([
      helene[crm],
      jordan[crm],
    ]);
    const [, kept] = alertBodies(loop, crm, h.jonasCrm);
    expect(kept).toContain(
      `Not re-routed: every rep the routing gives this lead to has held it already (${REPS.emea.email}, ${REPS.fallback.email}), so it stays with ${REPS.fallback.email}.`,
    );
    expect(tasksOf(loop, crm, h.jonasCrm).filter((t) => t.subject.startsWith("Re-routed lead"))).toHaveLength(1);
    // Both follow-up tasks, Hélène's handed on at the reroute and Jordan's own, stay with Jordan, who keeps him.
    expect(
      tasksOf(loop, crm, h.jonasCrm)
        .filter((t) => t.subject.startsWith("New MQL") || t.subject.startsWith("Re-routed lead"))
        .map((t) => [t.ownerId, t.open]),
    ).toEqual([
      [jordan[crm], true],
      [jordan[crm], true],
    ]);
    expect((await loop.store.listSlaBreaches()).map((b) => [b.ownerId, b.rerouteTo])).toEqual([
      [jordan[crm], null],
      [helene[crm], REPS.fallback.email],
    ]);

    // A third due time passes: the breached clock is not raised again, nobody flips the owner back, and
    // the write path holds no owner loop.
    clock.t += 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    clock.t += 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    expect(ownerOfJonas()).toEqual({ marketing: jordan.hubspot, crm: crm === "salesforce" ? jordan.salesforce : undefined });
    expect((await loop.store.listErrors()).map((e) => e.message)).toEqual([]);
  });

  /** A manager gives the lead to another rep by hand in the CRM (Salesforce OwnerId, HubSpot hubspot_owner_id). */
  /** The manager's change at `at` (the runs' clock: the emulators keep real time here). */
  function reassignInCrm(crmId: string, ownerId: string, at: Date) {
    if (crm === "salesforce") loop.salesforce.data.update("Lead", crmId, { OwnerId: ownerId });
    else loop.hubspot.data.updateObject("contacts", crmId, { hubspot_owner_id: ownerId }, at);
  }

  /** Camille and Jonas handed off to Hélène, who calls Camille; an hour in, the manager gives Jonas to Jordan. */
  async function jonasGivenToJordan(clock: { t: number }) {
    const h = await handedOff(loop, crm, (sla) => ({ ...sla, onBreach: { alert: true, alertTo: "owner", reroute: true, managers: {} } }), clock);
    const helene = h.reps.get(REPS.emea.email)!;
    const jordan = h.reps.get(REPS.fallback.email)!;
    logCall(loop, crm, h.camilleCrm, helene[crm], new Date(h.handoffAt + 10 * 60_000), "Premier appel");
    clock.t = h.handoffAt + HOUR;
    reassignInCrm(h.jonasCrm, jordan[crm], new Date(clock.t));
    return { h, jordan };
  }

  it("a lead a manager reassigns in the CRM follows its new owner: their call counts, no breach against the old rep", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    // An hour in, the manager gives Jonas to Jordan, who calls him half an hour later.
    const { h, jordan } = await jonasGivenToJordan(clock);
    logCall(loop, crm, h.jonasCrm, jordan[crm], new Date(h.handoffAt + 90 * 60_000), "Call about pricing");
    clock.t = h.handoffAt + 2 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    const jonasClock = async () => (await loop.store.listSlaClocks()).find((c) => c.personId === h.people.jonas.id)!;
    expect(await jonasClock()).toMatchObject({
      ownerId: jordan[crm],
      handoffAt: new Date(h.handoffAt).toISOString(),
      touches: 1,
      firstTouchAt: new Date(h.handoffAt + 90 * 60_000).toISOString(),
    });
    // The HubSpot contact's owner follows (with HubSpot as the CRM it is the record the manager changed).
    expect(loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties.hubspot_owner_id).toBe(jordan.hubspot);
    // Hélène's open "New MQL" task for Jonas went with the lead, as a reroute hands it on.
    expect(
      tasksOf(loop, crm, h.jonasCrm)
        .filter((t) => t.subject.startsWith("New MQL"))
        .map((t) => [t.ownerId, t.open]),
    ).toEqual([[jordan[crm], true]]);

    // Past the due time: nothing breaches, neither against Hélène nor Jordan, and no one reroutes Jonas.
    clock.t = h.handoffAt + 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    expect(await loop.store.listSlaBreaches()).toEqual([]);
    expect(loop.salesforce.data.list("Task").filter((t) => String(t.Subject).startsWith("SLA missed"))).toEqual([]);

    const configPath = loopConfig(loop, crm);
    const sla = await runCli(["--config", configPath, "sla", "--json"]);
    expect(sla.code).toBe(0);
    const board = JSON.parse(sla.stdout) as { clocks: Record<string, unknown>[] };
    expect(board.clocks.map((r) => [r.owner, r.email, r.status, r.touches, r.cause])).toEqual([
      [REPS.emea.email, "camille.lefevre@sgi-ingenierie.fr", "open", 1, null],
      [REPS.fallback.email, "jonas.weiss@sgi-ingenierie.fr", "open", 1, `reassigned in the CRM to ${REPS.fallback.email} at ${new Date(h.handoffAt + 2 * HOUR).toISOString()}`],
    ]);
    const hot = await runCli(["--config", configPath, "hot", "--owner", REPS.fallback.email, "--json"]);
    expect(hot.code).toBe(0);
    expect((JSON.parse(hot.stdout) as { email: string; ownerEmail: string }[]).map((r) => [r.email, r.ownerEmail])).toEqual([
      ["jonas.weiss@sgi-ingenierie.fr", REPS.fallback.email],
    ]);
  });

  it("a lead reassigned in the CRM that breaches is never rerouted back to the rep it was taken from", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const { h, jordan } = await jonasGivenToJordan(clock);
    clock.t = h.handoffAt + 2 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    // Jordan does not call: the breach is his, alerted to him, and Hélène, who held Jonas, does not get him back.
    clock.t = h.handoffAt + 5 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(1);
    expect((await loop.store.listSlaBreaches()).map((b) => [b.personId, b.ownerId, b.alertTo, b.rerouteTo])).toEqual([
      [h.people.jonas.id, jordan[crm], jordan[crm], null],
    ]);
    expect(loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties.hubspot_owner_id).toBe(jordan.hubspot);
    if (crm === "salesforce") expect(loop.salesforce.data.get("Lead", h.jonasCrm)?.OwnerId).toBe(jordan.salesforce);
    expect(alertBodies(loop, crm, h.jonasCrm)).toEqual([
      expect.stringContaining(`so it stays with ${REPS.fallback.email}.`),
    ]);
  });

  it("a lead reassigned in the CRM to an owner the routing does not list is shown under that owner's email", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(loop, crm, (sla) => ({ ...sla, onBreach: { alert: true, alertTo: "owner", reroute: true, managers: {} } }), clock);
    // The manager takes Jonas herself: Margot is a CRM owner, but no routing rule gives her leads.
    clock.t = h.handoffAt + HOUR;
    reassignInCrm(h.jonasCrm, h.manager[crm], new Date(clock.t));
    clock.t = h.handoffAt + 2 * HOUR;
    expect((await h.sync()).summary.slaBreaches).toBe(0);
    const margot = MANAGER.email.toLowerCase();
    const jonas = (await loop.store.listPersonScores({ personIds: [h.people.jonas.id] }))[0]!;
    expect(jonas.ownerEmail).toBe(margot);
    expect(loop.hubspot.data.getObject("contacts", h.people.jonas.id)!.properties.hubspot_owner_id).toBe(h.manager.hubspot);

    const configPath = loopConfig(loop, crm);
    const sla = await runCli(["--config", configPath, "sla", "--owner", margot, "--json"]);
    expect(sla.code).toBe(0);
    expect((JSON.parse(sla.stdout) as { clocks: Record<string, unknown>[] }).clocks.map((r) => [r.owner, r.email, r.cause])).toEqual([
      [margot, "jonas.weiss@sgi-ingenierie.fr", `reassigned in the CRM to ${margot} at ${new Date(clock.t).toISOString()}`],
    ]);
    // The text table and explain say it too.
    const cause = `reassigned in the CRM to ${margot} at ${new Date(clock.t).toISOString()}`;
    const text = await runCli(["--config", configPath, "sla", "--owner", margot]);
    expect(text.stdout.split("\n")[1]).toMatch(new RegExp(`^${margot.replace(/\./g, "\\.")}\\s+Jonas Weiß.*${cause.replace(/\./g, "\\.")}$`));
    const explain = await runCli(["--config", configPath, "explain", "jonas.weiss@sgi-ingenierie.fr"]);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain(`, owner ${margot}\n`);
    expect(explain.stdout).toMatch(new RegExp(`follow-up clock: handed off .*; ${cause.replace(/\./g, "\\.")}\n`));
  });

  it("alerts someone who can own a task when the lead's owner has left: no alert is lost to the CRM's refusal", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(
      loop,
      crm,
      (sla) => ({ ...sla, onBreach: { alert: true, alertTo: "owner", reroute: false, managers: {} } }),
      clock,
    );
    // Hélène leaves after the handoff: her user is deactivated (Salesforce INACTIVE_OWNER_OR_USER, HubSpot
    // an archived owner: each refuses her a new task), her leads stay hers until reassigned.
    const helene = h.reps.get(REPS.emea.email)!;
    if (crm === "salesforce") loop.salesforce.data.update("User", helene.salesforce, { IsActive: false });
    else loop.hubspot.data.deactivateOwner(helene.hubspot);
    clock.t = h.handoffAt + 4 * HOUR + 1000;
    const run = await h.sync();
    expect(run.summary.slaBreaches).toBe(2);
    expect(run.summary.errors).toEqual({ hubspot: 0, ...(crm === "salesforce" ? { salesforce: 0 } : {}) });
    for (const crmId of [h.camilleCrm, h.jonasCrm]) {
      const alerts = tasksOf(loop, crm, crmId).filter((t) => t.subject.startsWith("SLA missed"));
      expect(alerts).toHaveLength(1);
      // No rep to reroute to: the alert is the integration user's (Salesforce: the org's first user), or,
      // in HubSpot, no owner (the task carries no hubspot_owner_id).
      expect(alerts[0]!.ownerId).toBe(crm === "salesforce" ? String(loop.salesforce.data.list("User")[0]!.Id) : "undefined");
    }
  });
});

describe("follow-up SLA: the manager from Salesforce", () => {
  let loop: LoopHarness;
  beforeEach(async () => {
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("alerts the owner's manager as the org records it (User.ManagerId) when sla.yaml lists none", async () => {
    const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
    const h = await handedOff(
      loop,
      "salesforce",
      (sla) => ({ ...sla, onBreach: { alert: true, alertTo: "manager", reroute: false, managers: {} } }),
      clock,
    );
    const helene = h.reps.get(REPS.emea.email)!.salesforce;
    loop.salesforce.data.update("User", helene, { ManagerId: h.manager.salesforce });
    clock.t = h.handoffAt + 4 * HOUR + 1000;
    expect((await h.sync()).summary.slaBreaches).toBe(2);
    expect(tasksOf(loop, "salesforce", h.jonasCrm).filter((t) => t.subject.startsWith("SLA missed"))).toEqual([
      expect.objectContaining({ ownerId: h.manager.salesforce }),
    ]);
  });
});
