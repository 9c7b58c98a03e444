// A rep leaves and their Salesforce user is deactivated while they still own Leads leadloop handed them:
// Salesforce refuses any update of those Leads (INACTIVE_OWNER_OR_USER) unless it gives them to an active
// user. Each refused write is in the error queue once, saying why and what to do, all of them sent in one
// call; leadloop sends a field-sync write again only when the person's field changes again, never every run; and an SLA breach's re-route, which gives the Lead
// to an active rep, goes through and lets the refused writes be retried. Other values decided for the
// record (a rescore) wait in the refused write, the refusal being the record's, not its values', until
// the Lead changes (given to an active user) or a retry; an approval lock (ENTITY_IS_LOCKED) alike, but
// it ends by itself, so the runs send its write again with the backoff of a refusal in passing.
import { rmSync } from "node:fs";
import type { SlaDefinition } from "../../src/core/sla/definition.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { runCli } from "../support/cli-run.js";
import { funnelFor, loopConfig, pricingAndDemo, REPS, seedCamille, seedReps, seedSgiCompany } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("Leads of a deactivated Salesforce user", () => {
  let loop: LoopHarness;
  const clock = { t: Math.floor(Date.now() / 1000) * 1000 };
  beforeEach(async () => {
    clock.t = Math.floor(Date.now() / 1000) * 1000;
    loop = await startLoop({ now: () => new Date(clock.t) });
  });
  afterEach(async () => {
    await loop.close();
  });

  const sync = (onBreach: SlaDefinition["onBreach"]) => {
    const base = funnelFor(loop, "salesforce");
    return loop.sync({ funnel: { ...base, sla: { ...base.sla, onBreach } } });
  };
  const retitle = (id: string, jobtitle: string) => {
    clock.t += 60_000;
    loop.hubspot.data.updateObject("contacts", id, { jobtitle }, new Date(clock.t));
  };

  it("queues each refused update once with what to do, spends no call each run, and lets a re-route through", async () => {
    const reps = seedReps(loop);
    const company = seedSgiCompany(loop);
    const person = (email: string, firstname: string, lastname: string) => {
      const c = loop.hubspot.data.createObject("contacts", {
        email,
        firstname,
        lastname,
        jobtitle: "Responsable Achats",
        company: "Société Générale d'Ingénierie",
        country: "France",
      });
      loop.hubspot.data.associate("contacts", c.id, "companies", company);
      return c.id;
    };
    const camille = person("Camille.Lefevre@SGI-Ingenierie.fr", "Camille", "Lefèvre");
    const jonas = person("jonas.weiss@sgi-ingenierie.fr", "Jonas", "Weiß");
    const keep = { alert: false, alertTo: "owner", reroute: false, managers: {} } as const;
    await sync(keep);
    clock.t += 60_000;
    pricingAndDemo(loop, camille);
    pricingAndDemo(loop, jonas);
    clock.t += 60_000;
    expect((await sync(keep)).summary.handoffs).toBe(2);
    const helene = reps.get(REPS.emea.email)!.salesforce;
    const leads = loop.salesforce.data.list("Lead").filter((l) => l.OwnerId === helene);
    expect(leads).toHaveLength(2);

    // Hélène leaves; marketing keeps learning about her two leads.
    loop.salesforce.data.update("User", helene, { IsActive: false });
    retitle(camille, "Directrice des Achats — Europe du Sud");
    retitle(jonas, "Head of Procurement, DACH");
    clock.t += 5 * 60_000;
    const writes: string[] = [];
    loop.salesforce.onWrite(({ path }) => void writes.push(path));
    expect((await sync(keep)).summary.errors.salesforce).toBe(4);
    const open = await loop.store.listErrors({ status: "open" });
    // One entry for each refused write (the score and the title), whichever phase decided it.
    const leadIds = leads.map((l) => String(l.Id));
    expect(open.map((e) => [e.system, e.object, e.recordId, e.operation, e.errorClass, e.attempts]).sort()).toEqual(
      leadIds.flatMap((id) => ["field sync", "qualification"].map((op) => ["salesforce", "Lead", id, op, "conflict", 1])).sort(),
    );
    for (const entry of open) {
      expect(entry.message).toContain(`deactivated Salesforce user (operation performed with inactive user [${helene}] as owner of lead)`);
      expect(entry.message).toMatch(/reassign their records to an active user/);
      expect(entry.message).toMatch(/"Update Records with Inactive Owners"/);
    }

    // Runs with nothing new send Salesforce nothing for them; a change is sent once more, on the same entry.
    // The four refused writes went in one call: a refusal of the record is not tried again write by write.
    expect(writes).toEqual(["/services/data/v62.0/composite/sobjects"]);
    writes.length = 0;
    for (let run = 0; run < 3; run++) {
      clock.t += 60_000;
      expect((await sync(keep)).summary.errors.salesforce).toBe(0);
    }
    expect(writes).toEqual([]);
    retitle(jonas, "Head of Procurement DACH & Nordics");
    clock.t += 5 * 60_000;
    expect((await sync(keep)).summary.errors.salesforce).toBe(1);
    expect(writes).toHaveLength(1);
    loop.salesforce.onWrite(undefined);
    const again = await loop.store.listErrors({ status: "open" });
    const jonasLead = String(leads.find((l) => l.HubSpot_Contact_Id__c === jonas)!.Id);
    expect(again.filter((e) => e.attempts > 1).map((e) => [e.recordId, e.operation, e.attempts])).toEqual([[jonasLead, "field sync", 2]]);
    expect(again).toHaveLength(4);
    expect(leads.map((l) => loop.salesforce.data.get("Lead", String(l.Id))?.Title)).toEqual(["Responsable Achats", "Responsable Achats"]);

    // Untouched past the SLA: the re-route gives both Leads to Jordan, an active rep, which Salesforce takes.
    clock.t += 5 * HOUR;
    const rerouted = await sync({ alert: true, alertTo: "queue", reroute: true, managers: {} });
    expect(rerouted.summary.slaBreaches).toBe(2);
    const jordan = reps.get(REPS.fallback.email)!.salesforce;
    expect(leads.map((l) => loop.salesforce.data.get("Lead", String(l.Id))?.OwnerId)).toEqual([jordan, jordan]);
    // Now Jordan's, the refused writes go through on the retry the message names.
    const retried = await loop.retry({ funnel: funnelFor(loop, "salesforce") });
    expect(retried.resolved.sort()).toEqual(again.map((e) => e.id).sort());
    expect(new Set(leads.map((l) => loop.salesforce.data.get("Lead", String(l.Id))?.Title))).toEqual(
      new Set(["Directrice des Achats — Europe du Sud", "Head of Procurement DACH & Nordics"]),
    );
  });

  /**
   * Camille, handed off to Hélène, whose Lead then refuses every write (`refuse`), is rescored at three
   * runs weeks apart: one refused Lead update, one entry at one attempt, the refused write holding the
   * newest score. Returns what the cases go on with.
   */
  /** Camille, handed off to Hélène: what the cases below start from. */
  const camilleHandedOff = async () => {
    const reps = seedReps(loop);
    const camille = seedCamille(loop);
    const funnel = funnelFor(loop, "salesforce");
    await loop.sync({ funnel });
    clock.t += 60_000;
    pricingAndDemo(loop, camille);
    clock.t += 60_000;
    expect((await loop.sync({ funnel })).summary.handoffs).toBe(1);
    const helene = reps.get(REPS.emea.email)!.salesforce;
    const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === camille)!;
    expect(lead.OwnerId).toBe(helene);
    return { reps, camille, funnel, helene, leadId: String(lead.Id) };
  };

  const rescoredWhileRefused = async (refuse: (leadId: string, helene: string) => void, code: string) => {
    const { reps, camille, funnel, helene, leadId } = await camilleHandedOff();

    // Camille reads a page every few weeks, so each run rescores her and decides a new score for the Lead.
    refuse(leadId, helene);
    const writes: string[] = [];
    loop.salesforce.onWrite(({ path }) => void writes.push(path));
    const links = ["Intégrations SAP", "Tarifs Entreprise", "Études de cas — Industrie"];
    const scores: number[] = [];
    for (const [i, title] of links.entries()) {
      clock.t += 20 * DAY;
      recordActivity(loop.hubspot.data, {
        contactId: camille,
        kind: "pageView",
        occurredAt: new Date(clock.t),
        properties: { hs_url: `https://www.leadloop-demo.com/fr/page-${i}`, hs_title: title },
      });
      clock.t += 5 * 60_000;
      await loop.sync({ funnel });
      scores.push(Number(loop.hubspot.data.getObject("contacts", camille)!.properties.leadloop_score));
    }
    loop.salesforce.onWrite(undefined);
    // The score moved at every run; Salesforce was asked to update the Lead once (the SLA's overdue alert
    // is a Task of its own), and the entry counts that one attempt.
    expect(new Set(scores).size).toBe(3);
    expect(writes.filter((path) => path.endsWith("/composite/sobjects"))).toHaveLength(1);
    const open = (await loop.store.listErrors({ status: "open" })).filter((e) => e.operation === "qualification");
    expect(open.map((e) => [e.recordId, e.attempts])).toEqual([[leadId, 1]]);
    expect(open[0]!.message).toContain(code);
    const held = (await loop.store.listOutbox({ refused: true })).filter((w) => w.recordId === leadId && w.phase === "qualification");
    expect(held).toHaveLength(1);
    expect(Number(held[0]!.fields.find((f) => f.field === "Leadloop_Score__c")?.after)).toBe(scores[2]);
    expect(Number(loop.salesforce.data.get("Lead", leadId)?.Leadloop_Score__c)).not.toBe(scores[2]);
    /** The Lead update calls `act` makes, the Lead's score after it, and the entry's status. */
    const sends = async (act: () => Promise<unknown>) => {
      writes.length = 0;
      loop.salesforce.onWrite(({ path }) => void writes.push(path));
      await act();
      loop.salesforce.onWrite(undefined);
      const entry = (await loop.store.listErrors({})).find((e) => e.id === open[0]!.id);
      return { writes: [...writes], score: Number(loop.salesforce.data.get("Lead", leadId)?.Leadloop_Score__c), status: entry?.status };
    };
    return { reps, funnel, leadId, newest: scores[2]!, sends };
  };

  // The person's score moving with new behaviour is not the record changing: the refused qualification
  // write takes the newest score and waits, one entry and one refused call, until the Lead changes.
  it("keeps a rescored person's refused score write waiting with the newest score, and writes it once the Lead is reassigned", async () => {
    const { reps, funnel, leadId, newest, sends } = await rescoredWhileRefused(
      (_, helene) => loop.salesforce.data.update("User", helene, { IsActive: false }),
      "INACTIVE_OWNER_OR_USER",
    );
    // An admin gives the Lead to Jordan, an active rep: the next run reads the Lead changed since the
    // refusal and sends the newest score, once, with no `errors retry`.
    clock.t += 60_000;
    loop.salesforce.data.update("Lead", leadId, { OwnerId: reps.get(REPS.fallback.email)!.salesforce });
    clock.t += 60_000;
    expect(await sends(() => loop.sync({ funnel }))).toEqual({ writes: ["/services/data/v62.0/composite/sobjects"], score: newest, status: "resolved" });
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });

  // An approval lock is the record's too, but it ends by itself, hours or days later, and its release
  // changes no field leadloop reads: the runs send the refused write again with the backoff of a refusal
  // in passing (the next two, then 15 minutes doubling), never within a run, the later score held in it.
  it("sends a locked Lead's refused score write again by the runs' backoff, never within a run, and writes the newest score once the approval ends", async () => {
    const { camille, funnel, leadId } = await camilleHandedOff();
    loop.salesforce.data.lock("Lead", leadId);
    /** The scores each call of `run` sent Camille's Lead, one per call that updated it. */
    const scoresSent = async (run: () => Promise<unknown>) => {
      const sent: unknown[] = [];
      const stop = loop.salesforce.calls.observe((call) => {
        const records = (call.body as { records?: Record<string, unknown>[] } | undefined)?.records ?? [];
        // An update names its record by `id`, as jsforce sends it.
        for (const r of records) if (r.id === leadId && "Leadloop_Score__c" in r) sent.push(r.Leadloop_Score__c);
      });
      try {
        await run();
      } finally {
        stop();
      }
      return sent;
    };
    const runAfter = (ms: number) => {
      clock.t += ms;
      return scoresSent(() => loop.sync({ funnel }));
    };
    const rescore = (title: string) => {
      clock.t += 60_000;
      recordActivity(loop.hubspot.data, {
        contactId: camille,
        kind: "pageView",
        occurredAt: new Date(clock.t),
        properties: { hs_url: `https://www.leadloop-demo.com/fr/${title.length}`, hs_title: title },
      });
    };
    const score = () => Number(loop.hubspot.data.getObject("contacts", camille)!.properties.leadloop_score);
    const entries = () => loop.store.listErrors({ status: "open" });
    const list = async (...flags: string[]) =>
      (await runCli(["--config", loopConfig(loop, "salesforce"), "errors", "list", ...flags], {}, undefined, { now: () => new Date(clock.t) })).stdout;

    // Camille reads a page while her Lead is in an approval: the score write is refused, once (the retry
    // layer does not try it again within the run), and its entry says the runs send it again.
    rescore("Intégrations SAP — Études de cas");
    expect(await runAfter(5 * 60_000)).toHaveLength(1);
    const [entry] = await entries();
    expect(entry).toMatchObject({ recordId: leadId, operation: "qualification", errorClass: "conflict", attempts: 1, sentByRuns: true });
    expect(entry!.message).toContain("ENTITY_IS_LOCKED");
    expect(entry!.message).toContain("the runs send the write again by themselves once the approval ends");
    const first = score();

    // The next two runs send it, one call each; the one after waits 15 minutes from the last refusal.
    expect(await runAfter(60_000)).toEqual([first]);
    expect(await runAfter(60_000)).toEqual([first]);
    expect(await runAfter(60_000)).toEqual([]);
    const third = (await entries())[0]!;
    expect(third.attempts).toBe(3);
    const due = new Date(Date.parse(third.lastSeenAt) + 15 * 60_000).toISOString();
    const listed = JSON.parse(await list("--json")) as { id: number; sentByRuns: boolean; nextTryAt?: string; whatToDo?: string }[];
    expect(listed).toEqual([expect.objectContaining({ id: entry!.id, sentByRuns: true, nextTryAt: due })]);
    expect(listed[0]!.whatToDo).toContain(`the first run after ${due} (refused 3 times, it waits longer between runs that try it) sends it again by itself`);
    expect(await list()).toContain(`what to do: Salesforce keeps the record locked from this write (an approval process): the first run after ${due}`);

    // She reads another page: the new score waits in the refused write, not sent before the wait is over.
    rescore("Tarifs Entreprise");
    expect(await runAfter(4 * 60_000)).toEqual([]);
    const newest = score();
    expect(newest).not.toBe(first);
    clock.t = Date.parse(due);
    expect(await runAfter(0)).toEqual([newest]);
    const fourth = (await entries())[0]!;
    expect(fourth.attempts).toBe(4);

    // The approval ends; no one runs `errors retry`. The run before the 30-minute wait is over sends nothing,
    // the first after it writes the newest score, once, and the queue is empty.
    loop.salesforce.data.unlock("Lead", leadId);
    expect(await runAfter(10 * 60_000)).toEqual([]);
    clock.t = Date.parse(fourth.lastSeenAt) + 30 * 60_000;
    expect(await runAfter(0)).toEqual([newest]);
    expect(Number(loop.salesforce.data.get("Lead", leadId)?.Leadloop_Score__c)).toBe(newest);
    expect(await loop.store.getError(entry!.id)).toMatchObject({ status: "resolved", attempts: 4 });
    expect(await entries()).toEqual([]);
    expect(await list()).toBe("no open errors\n");
    expect(await runAfter(60_000)).toEqual([]);
  });

  it("closes a follow-up task stranded with a deactivated rep when the follow-up ends, and again after a lost store", async () => {
    const { reps, funnel, helene, leadId } = await camilleHandedOff();
    const jordan = reps.get(REPS.fallback.email)!.salesforce;
    const task = loop.salesforce.data.list("Task").find((t) => t.WhoId === leadId && String(t.Subject).startsWith("New MQL"))!;
    expect(task.OwnerId).toBe(helene);

    // Hélène sends Camille back to nurture and leaves before leadloop runs again: her follow-up is over, and
    // Salesforce refuses to close her task for her sake; the refusal is in the queue, naming the task.
    clock.t += 60_000;
    loop.salesforce.data.update("Lead", leadId, { Status: "Closed - Not Converted" }, new Date(clock.t));
    loop.salesforce.data.update("User", helene, { IsActive: false });
    clock.t += 60_000;
    await loop.sync({ funnel });
    const closeRefused = async () =>
      (await loop.store.listErrors({ status: "open" })).filter((e) => e.recordId === String(task.Id) && (e.payload as { outboxKey?: string }).outboxKey === `follow-up-done:${task.Id}`);
    expect(await closeRefused()).toHaveLength(1);
    expect(loop.salesforce.data.get("Task", String(task.Id))?.Status).toBe("Not Started");

    // The admin gives her Lead to Jordan; the task stays hers (a stopped clock hands nothing on): stranded.
    clock.t += 60_000;
    loop.salesforce.data.update("Lead", leadId, { OwnerId: jordan }, new Date(clock.t));
    clock.t += 60_000;
    await loop.sync({ funnel });
    expect(loop.salesforce.data.get("Task", String(task.Id))?.OwnerId).toBe(helene);
    expect(await closeRefused()).toHaveLength(1);

    // A lost store takes the queue with it. The rebuilt clock is Jordan's (the Lead's owner now), and the task
    // Hélène still holds is stranded, not given to a colleague: the rebuild's first run decides the close
    // again, refused again, where it left the task open with nothing in the queue.
    await loop.restart(() => rmSync(loop.storePath));
    clock.t += 60_000;
    await loop.sync({ funnel });
    expect(await closeRefused()).toHaveLength(1);

    // Hélène's user back (or the permission granted), the retry closes it.
    loop.salesforce.data.update("User", helene, { IsActive: true });
    await loop.retry({ funnel });
    expect(loop.salesforce.data.get("Task", String(task.Id))?.Status).toBe("Completed");
  });
});

