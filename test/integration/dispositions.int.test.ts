// A rep's verdict comes back to marketing, in both CRM modes, against the strict emulators: the contact's
// lifecycle stage moves back through a clear (HubSpot ignores a backward write otherwise), a recycled
// person stays in nurture until new behaviour and the cool-down, a trashed one until a person requalifies
// them, "working" is a touch, and a status the definition does not know is an error-queue entry. The reason
// a rep types beside the status (Leadloop_Disposition_Reason__c, or with HubSpot as the CRM the contact's
// own leadloop_disposition_reason) is the contact's reason; blank, the map's.
import { compileDefinition } from "../../src/core/scoring/compile.js";
import { applyRequalify, planRequalify } from "../../src/sync/funnel/requalify.js";
import { followedUp } from "../../src/sync/funnel/sla-list.js";
import { buildFunnelReport, buildSlaReport } from "../../src/report/build.js";
import { funnelText } from "../../src/report/text.js";
import { reportWords } from "../../src/report/words.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import { recordActivity } from "../../src/sandbox/hubspot/contact-activity.js";
import { funnelFor, pricingAndDemo, seedAnaisAtOptique, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const DAY_MS = 86_400_000;
/** The Salesforce emulator stamps whole seconds: a rep's edit after a run waits past leadloop's own write. */
const SECOND_LATER_MS = 1_100;

type Crm = "salesforce" | "hubspot";

/** What the rep does in the CRM: sets the person's lead status. */
function setStatus(loop: LoopHarness, crm: Crm, personId: string, status: string): void {
  if (crm === "hubspot") {
    loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: status });
    return;
  }
  const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
  loop.salesforce.data.update("Lead", String(lead.Id), { Status: status });
}

/** What the rep does in the CRM: types (or blanks) the reason beside the status, with a status or alone. */
function setVerdict(loop: LoopHarness, crm: Crm, personId: string, change: { status?: string; reason: string | null }): void {
  if (crm === "hubspot") {
    loop.hubspot.data.updateObject("contacts", personId, {
      ...(change.status ? { hs_lead_status: change.status } : {}),
      leadloop_disposition_reason: change.reason,
    });
    return;
  }
  const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
  loop.salesforce.data.update("Lead", String(lead.Id), {
    ...(change.status ? { Status: change.status } : {}),
    Leadloop_Disposition_Reason__c: change.reason,
  });
}

const STATUS: Record<Crm, Record<"qualified" | "working" | "recycle" | "trash" | "unreachable" | "open", string>> = {
  salesforce: {
    qualified: "Closed - Converted",
    working: "Working - Contacted",
    recycle: "Closed - Not Converted",
    trash: "Closed - Unqualified",
    unreachable: "Closed - Unreachable",
    open: "Open - Not Contacted",
  },
  hubspot: {
    qualified: "CONNECTED",
    working: "IN_PROGRESS",
    recycle: "BAD_TIMING",
    trash: "UNQUALIFIED",
    unreachable: "ATTEMPTED_TO_CONTACT",
    open: "NEW",
  },
};

describe.each(["salesforce", "hubspot"] as const)("dispositions with crm: %s", (crm) => {
  let loop: LoopHarness;
  let funnel: FunnelSetup;
  let personId: string;
  const contact = () => loop.hubspot.data.getObject("contacts", personId)!.properties;
  const stages = async () => (await loop.store.listFunnelEvents({ personId })).map((e) => e.toStage);
  /** The person reads the pricing page again: behaviour dated after the rep's verdict. */
  const backOnPricing = () =>
    recordActivity(loop.hubspot.data, {
      contactId: personId,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Tarifs – Entreprise" },
    });
  const sync = (now?: () => Date) =>
    loop.sync({
      funnel,
      ...(now ? { now } : {}),
      ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}),
    });
  /** `leadloop requalify` as its command applies it; returns the plan's move. */
  const requalify = async (email: string, at: string) => {
    const found = await planRequalify(loop.store, email, new Date(at));
    if (!found.ok) throw new Error(`not requalified: ${JSON.stringify(found)}`);
    await applyRequalify(loop.store, found.plan, {
      marketingSystem: "hubspot",
      crmStatus:
        crm === "salesforce"
          ? { system: "salesforce", object: "Lead", field: "Status", reasonField: "Leadloop_Disposition_Reason__c" }
          : null,
      dispositions: funnel.qualification.definition.dispositions,
      at,
      runId: "requalify-test",
      by: "marketing-ops",
    });
    return found.plan;
  };

  beforeEach(async () => {
    loop = await startLoop();
    seedReps(loop);
    funnel = funnelFor(loop, crm);
    personId = seedAnaisAtOptique(loop);
    pricingAndDemo(loop, personId);
    expect((await sync()).summary.handoffs).toBe(1);
    await tick();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("recycles: back to lead through a clear, no loop, MQL again only on new behaviour, handed off after the cool-down", async () => {
    expect(contact().lifecyclestage).toBe("marketingqualifiedlead");
    setStatus(loop, crm, personId, STATUS[crm].recycle);
    await tick();
    const recycled = await sync();
    expect(recycled.summary.dispositions).toEqual({ qualified: 0, recycle: 1, trash: 0, unreachable: 0, working: 0 });
    // The verdict counts under the person's original source, as their MQL does.
    const events = await loop.store.listFunnelEvents({ personId });
    expect(events.map((e) => [e.toStage, e.source])).toEqual([["mql", "PAID_SEARCH"], ["recycled", "PAID_SEARCH"]]);
    // The strict emulator keeps a later stage unless cleared first: "lead" sticking proves the clear.
    expect(contact()).toMatchObject({
      lifecyclestage: "lead",
      leadloop_status: "recycled",
      hs_lead_status: "BAD_TIMING",
      leadloop_disposition_reason:
        crm === "salesforce" ? "Not ready to buy; back to nurture" : "Bad timing; back to nurture",
    });
    expect(Date.parse(contact().leadloop_disposition_date!)).not.toBeNaN();
    const audit = await loop.store.listAudit([personId]);
    expect(audit.filter((a) => a.field === "lifecyclestage").map((a) => a.after)).toEqual(
      expect.arrayContaining([null, "lead"]),
    );

    // Still over the threshold, but nothing new happened: idle runs move nobody and write nothing to them.
    for (let i = 0; i < 3; i++) {
      await tick();
      const idle = await sync();
      expect(idle.summary.handoffs).toBe(0);
    }
    expect(await stages()).toEqual(["mql", "recycled"]);
    expect(contact().leadloop_status).toBe("recycled");

    // New behaviour after the verdict: qualified again, but the cool-down (30 days) holds her from sales,
    // so the contact keeps the rep's verdict: no fresh MQL that no rep was told about.
    await tick();
    recordActivity(loop.hubspot.data, {
      contactId: personId,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Tarifs" },
    });
    const back = await sync();
    expect(back.summary.handoffs).toBe(0);
    expect(await stages()).toEqual(["mql", "recycled", "mql"]);
    const heldMql = (await loop.store.listFunnelEvents({ personId })).at(-1)!;
    expect(heldMql.cause).toMatch(/^qualified: \d+ points \(.*\); held by the cool-down until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
    const mqlDateBefore = contact().leadloop_mql_date;
    const mqlsOn = async (t: number, at: Date) => {
      const since = new Date(t).toISOString().slice(0, 10);
      return (await buildFunnelReport(loop.store, { since, until: new Date(Date.parse(since) + DAY_MS).toISOString() }, at)).mqls;
    };
    // Held, she is not counted yet: the report shows only her first MQL, as the contact shows no new MQL date.
    const firstMqlAt = Date.parse((await loop.store.listFunnelEvents({ personId }))[0]!.at);
    const heldDayCount = await mqlsOn(Date.parse(heldMql.at), new Date());
    expect(heldDayCount).toBe(new Date(firstMqlAt).toISOString().slice(0, 10) === heldMql.at.slice(0, 10) ? 1 : 0);
    // ...but the report shows her held, in words: she did qualify again, and sales has not been given her.
    const heldDay = { since: heldMql.at.slice(0, 10), until: new Date(Date.parse(heldMql.at.slice(0, 10)) + DAY_MS).toISOString() };
    const heldReport = await buildFunnelReport(loop.store, heldDay, new Date());
    expect(heldReport.held).toBe(1);
    expect(funnelText(heldReport, reportWords(crm))).toMatch(/^ {2}MQLs +\d+ {3}\d+ re-qualified, 1 held by the recycle cool-down \(counted when handed off\)$/m);
    expect(contact()).toMatchObject({
      lifecyclestage: "lead",
      leadloop_status: "recycled",
      hs_lead_status: "BAD_TIMING",
      leadloop_disposition_reason:
        crm === "salesforce" ? "Not ready to buy; back to nurture" : "Bad timing; back to nurture",
    });
    // An MQL again, but not handed off: the old handoff's clock is owed nothing, however late it gets.
    await tick();
    const waiting = await sync(() => new Date(Date.now() + 3 * DAY_MS));
    expect(waiting.summary.slaBreaches).toBe(0);
    expect(await followedUp(loop.store, await loop.store.listSlaClocks())).toEqual([]);

    await tick();
    const later = new Date(Date.now() + 31 * DAY_MS);
    const second = await sync(() => later);
    expect(second.summary.handoffs).toBe(1);
    // Handed off at the cool-down's end: now the marketer sees the MQL, dated by the handoff, when the
    // contact became one (held, it kept the rep's verdict), and the funnel report counts it then too.
    expect(contact()).toMatchObject({ lifecyclestage: "marketingqualifiedlead", leadloop_status: "mql" });
    expect(contact().leadloop_mql_date).not.toBe(mqlDateBefore);
    expect(Date.parse(contact().leadloop_mql_date!)).toBe(later.getTime());
    const mqlMoves = (await loop.store.listFunnelEvents({ personId })).filter((e) => e.toStage === "mql");
    expect(mqlMoves.map((e) => e.at)).toEqual([mqlMoves[0]!.at, later.toISOString()]);
    const mqlsIn = async (since: string, until: string) => (await buildFunnelReport(loop.store, { since, until }, later)).mqls;
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    // Not on the day she qualified while held (only her first MQL, that day, counts then)...
    expect(await mqlsIn(day(Date.parse(heldMql.at)), day(Date.parse(heldMql.at) + DAY_MS))).toBe(
      day(Date.parse(heldMql.at)) === day(Date.parse(mqlMoves[0]!.at)) ? 1 : 0,
    );
    // ...but on the day of the handoff, the day the contact's MQL date shows, and held no more.
    expect(await mqlsIn(day(later.getTime()), day(later.getTime() + DAY_MS))).toBe(1);
    expect((await buildFunnelReport(loop.store, { since: day(later.getTime()), until: day(later.getTime() + DAY_MS) }, later)).held).toBe(0);
    expect((await buildFunnelReport(loop.store, heldDay, later)).held).toBe(0);
    // The day she qualified while held counts what it counted then: one period, never moved.
    expect(await mqlsOn(Date.parse(heldMql.at), later)).toBe(heldDayCount);
    // The record is opened again, so the rep's next verdict is a change leadloop reads.
    if (crm === "salesforce")
      expect(loop.salesforce.data.list("Lead").map((l) => l.Status)).toEqual([STATUS.salesforce.open]);
    else expect(contact().hs_lead_status).toBe("NEW");
    const [clock] = await loop.store.listSlaClocks();
    expect(clock?.handoffAt).toBe(later.toISOString());
    // The first handoff's clock is kept, so the reports count both handoffs.
    const replaced = await loop.store.listReplacedSlaClocks();
    expect(replaced.map((c) => c.personId)).toEqual([personId]);
    expect(Date.parse(replaced[0]!.handoffAt)).toBeLessThan(later.getTime());
    const report = await buildSlaReport(loop.store, { sla: funnel.sla, until: new Date(later.getTime() + DAY_MS).toISOString() }, later);
    expect(report.handoffs).toBe(2);
  });

  it("trashes: never handed off again on behaviour, until a person requalifies them", async () => {
    setVerdict(loop, crm, personId, { status: STATUS[crm].trash, reason: "Étudiante, pas de budget — ne pas relancer" });
    await tick();
    const trashed = await sync();
    expect(trashed.summary.dispositions.trash).toBe(1);
    expect(contact()).toMatchObject({
      lifecyclestage: "other",
      leadloop_status: "trash",
      hs_lead_status: "UNQUALIFIED",
      leadloop_disposition_reason: "Étudiante, pas de budget — ne pas relancer",
    });
    expect(contact().leadloop_disposition_date).toBeTruthy();

    await tick();
    pricingAndDemo(loop, personId);
    const keen = await sync();
    expect(keen.summary.handoffs).toBe(0);
    expect(await stages()).toEqual(["mql", "trash"]);

    const requalifiedAt = new Date().toISOString();
    expect(await requalify("ANAIS.berenger@sgo-optique.fr", requalifiedAt)).toMatchObject({ personId, from: "trash", to: "lead" });
    const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
    // The next run writes the contact back to lead (from "other": a clear first); scoring takes them from
    // there as anyone, in that run or the next (as soon as it reads the contact changed). From the first
    // run on, the verdict's lead status is gone: the contact shows the open status a handoff gives an MQL
    // (and with Salesforce the Lead too, which the mapping carries to the contact), never UNQUALIFIED.
    let handoffs = 0;
    for (let i = 0; i < 2; i++) {
      await tick();
      handoffs += (await sync()).summary.handoffs;
      expect(contact().hs_lead_status).toBe(STATUS.hubspot.open);
      if (crm === "salesforce") expect(lead().Status).toBe(STATUS.salesforce.open);
      // The revoked verdict's reason is gone from the Lead too, so no later read takes it for the rep's.
      if (crm === "salesforce") expect(lead().Leadloop_Disposition_Reason__c ?? null).toBeNull();
    }
    expect(handoffs).toBe(1);
    // Opened once: the requalify and the handoff that opens the records again are one write of each.
    const statusWrites = async (recordId: string, field: string) =>
      (await loop.store.listAudit([recordId]))
        .filter((a) => a.field === field && a.at >= requalifiedAt)
        .map((a) => a.after);
    expect(await statusWrites(personId, "hs_lead_status")).toEqual([STATUS.hubspot.open]);
    if (crm === "salesforce") expect(await statusWrites(String(lead().Id), "Status")).toEqual([STATUS.salesforce.open]);
    await tick();
    await sync();
    expect(contact().hs_lead_status).toBe(STATUS.hubspot.open);
    expect(await loop.store.listErrors()).toEqual([]);
    expect(contact()).toMatchObject({ lifecyclestage: "marketingqualifiedlead", leadloop_status: "mql" });
    // Requalify revoked the trash verdict: its reason and date are blank, not left beside "mql".
    expect([contact().leadloop_disposition_reason ?? "", contact().leadloop_disposition_date ?? ""]).toEqual(["", ""]);
    const cleared = (await loop.store.listAudit([personId])).filter((a) => a.field === "lifecyclestage");
    // Cleared first (from "other"), then set: to lead, or straight to MQL when the run that writes the
    // requalify also qualifies them (one record's outbox writes leave as one write, the latest value).
    expect(cleared.map((a) => a.after)).toEqual(expect.arrayContaining(["other", null]));
    expect(cleared.map((a) => a.after).slice(cleared.findIndex((a) => a.after === null) + 1)).toEqual(
      expect.arrayContaining(["marketingqualifiedlead"]),
    );
    expect(await stages()).toEqual(["mql", "trash", "lead", "mql"]);

    // The rep's next verdict, with no words: the map's reason, not the revoked verdict's.
    await tick(SECOND_LATER_MS);
    setStatus(loop, crm, personId, STATUS[crm].unreachable);
    await tick();
    expect((await sync()).summary.dispositions.unreachable).toBe(1);
    expect(contact()).toMatchObject({ leadloop_status: "unreachable", leadloop_disposition_reason: "Rep could not connect" });
  });

  it("qualified: sales accepted, the lifecycle moves on to SQL, and the follow-up clock is owed nothing more", async () => {
    // With Salesforce the rep sets "Closed - Converted" by hand without converting the Lead: no Contact,
    // no Opportunity, so the contact says accepted (CONNECTED), never that a deal is open or that it converted.
    setStatus(loop, crm, personId, STATUS[crm].qualified);
    await tick();
    const run = await sync();
    expect(run.summary.dispositions).toEqual({ qualified: 1, recycle: 0, trash: 0, unreachable: 0, working: 0 });
    expect(run.summary.conversions).toBe(0);
    expect(contact()).toMatchObject({
      lifecyclestage: "salesqualifiedlead",
      leadloop_status: "sal",
      hs_lead_status: "CONNECTED",
      leadloop_disposition_reason:
        crm === "salesforce" ? "Rep marked the lead converted without converting it (no contact or opportunity)" : "Rep connected with the contact",
    });
    // A run later (the field sync reading the Lead again) the contact still says no deal is open.
    await tick(SECOND_LATER_MS);
    await sync();
    expect(contact()).toMatchObject({ hs_lead_status: "CONNECTED", leadloop_status: "sal" });
    expect(await stages()).toEqual(["mql", "sal"]);
    // The rep decided without logging a touch: days later no breach, no alert, no re-route.
    await tick();
    const later = await sync(() => new Date(Date.now() + 5 * DAY_MS));
    expect(later.summary.slaBreaches).toBe(0);
    expect(await loop.store.listSlaBreaches()).toEqual([]);
    expect(await followedUp(loop.store, await loop.store.listSlaClocks())).toEqual([]);
  });

  it("a cool-down longer than the handoff's 90-day look-back still hands the person off when it ends", async () => {
    funnel = { ...funnel, qualification: compileDefinition({ ...funnel.qualification.definition, recycle: { coolDownDays: 120 } }) };
    setVerdict(loop, crm, personId, { status: STATUS[crm].recycle, reason: "Budget gelé jusqu'au T3" });
    await tick();
    expect((await sync()).summary.dispositions.recycle).toBe(1);
    // Back on the pricing page the next day: an MQL again, held by the 120-day cool-down.
    await tick();
    backOnPricing();
    expect((await sync()).summary.handoffs).toBe(0);
    expect(await stages()).toEqual(["mql", "recycled", "mql"]);
    await tick();
    expect((await sync(() => new Date(Date.now() + 100 * DAY_MS))).summary.handoffs).toBe(0);
    await tick();
    // Her seniority, filled in since, makes her fit alone an MQL's 60 points: she still qualifies when the
    // hold ends, her behaviour's points long decayed (one who no longer qualifies then is not handed off).
    loop.hubspot.data.updateObject("contacts", personId, { hs_seniority: "director" });
    // The cool-down ends 120 days after the verdict, 119 after the MQL it held.
    expect((await sync(() => new Date(Date.now() + 121 * DAY_MS))).summary.handoffs).toBe(1);
    expect(contact()).toMatchObject({ lifecyclestage: "marketingqualifiedlead", leadloop_status: "mql" });
  });

  it("unreachable: back to nurture like a recycle, and an MQL again on new behaviour, handed off after the cool-down", async () => {
    setVerdict(loop, crm, personId, { status: STATUS[crm].unreachable, reason: "Messagerie pleine, standard injoignable" });
    await tick();
    const run = await sync();
    expect(run.summary.dispositions.unreachable).toBe(1);
    expect(contact()).toMatchObject({
      lifecyclestage: "lead",
      leadloop_status: "unreachable",
      hs_lead_status: "ATTEMPTED_TO_CONTACT",
      leadloop_disposition_reason: "Messagerie pleine, standard injoignable",
    });
    await tick();
    expect((await sync()).summary.handoffs).toBe(0);
    expect(await stages()).toEqual(["mql", "unreachable"]);

    // Weeks later the person reads the pricing page again: behaviour dated after the verdict.
    await tick();
    backOnPricing();
    const back = await sync();
    expect(back.summary.handoffs).toBe(0);
    expect(await stages()).toEqual(["mql", "unreachable", "mql"]);
    expect(contact()).toMatchObject({ lifecyclestage: "lead", leadloop_status: "unreachable", hs_lead_status: "ATTEMPTED_TO_CONTACT" });
    await tick();
    const later = new Date(Date.now() + 31 * DAY_MS);
    expect((await sync(() => later)).summary.handoffs).toBe(1);
    expect(contact()).toMatchObject({ lifecyclestage: "marketingqualifiedlead", leadloop_status: "mql" });
    const [clock] = await loop.store.listSlaClocks();
    expect(clock?.handoffAt).toBe(later.toISOString());
    // The record is opened again clean: the last verdict's words would otherwise be read as the next one's.
    const record =
      crm === "salesforce"
        ? loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!.Leadloop_Disposition_Reason__c
        : contact().leadloop_disposition_reason;
    expect(record || null).toBeNull();
  });

  it("unreachable, then requalified: the verdict's lead status opens at once, and the handoff after the cool-down does not write it again", async () => {
    setStatus(loop, crm, personId, STATUS[crm].unreachable);
    await tick();
    await sync();
    expect(contact().hs_lead_status).toBe("ATTEMPTED_TO_CONTACT");
    const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;

    const requalifiedAt = new Date().toISOString();
    expect(await requalify("anais.berenger@sgo-optique.fr", requalifiedAt)).toMatchObject({ from: "unreachable", to: "recycled" });
    await tick();
    expect((await sync()).summary.handoffs).toBe(0);
    // The marketer sees no verdict on a person back in the funnel: the open status a handoff gives, with
    // Salesforce on the Lead too (the mapping carries it to the contact, so both sides agree).
    expect(contact()).toMatchObject({ leadloop_status: "recycled", hs_lead_status: "NEW" });
    if (crm === "salesforce") expect(lead().Status).toBe(STATUS.salesforce.open);
    expect(await stages()).toEqual(["mql", "unreachable", "recycled"]);

    // New behaviour, then the cool-down: handed off again, the records already open.
    await tick();
    backOnPricing();
    expect((await sync()).summary.handoffs).toBe(0);
    await tick();
    const later = new Date(Date.now() + 31 * DAY_MS);
    expect((await sync(() => later)).summary.handoffs).toBe(1);
    expect(contact().hs_lead_status).toBe("NEW");
    if (crm === "salesforce") expect(lead().Status).toBe(STATUS.salesforce.open);
    // Each open status was written once, by the requalify: the handoff leaves out what the records show.
    // (Under a loaded machine the requalify's run has been seen to carry the old verdict's status to the
    // contact too, combined with the requalify's NEW in one write; the records end open either way.)
    const writes = async (recordId: string, field: string) =>
      (await loop.store.listAudit([recordId])).filter((a) => a.field === field && a.at >= requalifiedAt).map((a) => a.after);
    expect((await writes(personId, "hs_lead_status")).filter((v) => v === "NEW")).toEqual(["NEW"]);
    if (crm === "salesforce") expect(await writes(String(lead().Id), "Status")).toEqual([STATUS.salesforce.open]);
    expect(await loop.store.listErrors()).toEqual([]);
  });

  it("the rep's own words: the reason typed with the verdict is the contact's, an edit of the reason alone follows it, blanked it is the map's", async () => {
    const mapReason = crm === "salesforce" ? "Not ready to buy; back to nurture" : "Bad timing; back to nurture";
    const reasonWrites = async () =>
      (await loop.store.listAudit([personId])).filter((a) => a.field === "leadloop_disposition_reason").map((a) => a.after);
    // Typed with a stray space after it, as reps do.
    setVerdict(loop, crm, personId, { status: STATUS[crm].recycle, reason: "Budget gelé jusqu'en Q3 — relancer en septembre " });
    await tick();
    const verdict = await sync();
    expect(verdict.summary.dispositions).toEqual({ qualified: 0, recycle: 1, trash: 0, unreachable: 0, working: 0 });
    expect(contact()).toMatchObject({ lifecyclestage: "lead", leadloop_status: "recycled", hs_lead_status: "BAD_TIMING" });
    // With Salesforce the Lead's words reach the contact, trimmed; with HubSpot as the CRM they are the
    // contact's own, which leadloop leaves as the rep typed them (never the map's reason over them).
    if (crm === "salesforce") {
      expect(contact().leadloop_disposition_reason).toBe("Budget gelé jusqu'en Q3 — relancer en septembre");
      expect(await reasonWrites()).toEqual(["Budget gelé jusqu'en Q3 — relancer en septembre"]);
    } else {
      expect(contact().leadloop_disposition_reason).toBe("Budget gelé jusqu'en Q3 — relancer en septembre ");
      expect(await reasonWrites()).toEqual([]);
    }
    const verdictDate = contact().leadloop_disposition_date;
    expect(verdictDate).toBeTruthy();

    // Later the rep edits the reason alone: the contact's reason follows, and it is no new verdict.
    await tick(SECOND_LATER_MS);
    setVerdict(loop, crm, personId, { reason: "Budget gelé jusqu'en Q3 — rappeler Mme Bérenger le 2 septembre" });
    await tick();
    const edited = await sync();
    expect(edited.summary.dispositions).toEqual({ qualified: 0, recycle: 0, trash: 0, unreachable: 0, working: 0 });
    expect(contact()).toMatchObject({
      leadloop_disposition_reason: "Budget gelé jusqu'en Q3 — rappeler Mme Bérenger le 2 septembre",
      leadloop_disposition_date: verdictDate,
      leadloop_status: "recycled",
      lifecyclestage: "lead",
    });
    expect(await stages()).toEqual(["mql", "recycled"]);
    const written = await reasonWrites();
    expect(written).toEqual(
      crm === "salesforce"
        ? ["Budget gelé jusqu'en Q3 — relancer en septembre", "Budget gelé jusqu'en Q3 — rappeler Mme Bérenger le 2 septembre"]
        : [],
    );

    // Read again (a look-back, leadloop's own write): nothing more.
    await tick();
    expect((await sync()).summary.dispositions.recycle).toBe(0);
    expect(await reasonWrites()).toEqual(written);

    // The rep blanks the reason: the contact shows the map's reason for the status again.
    await tick(SECOND_LATER_MS);
    setVerdict(loop, crm, personId, { reason: crm === "salesforce" ? null : "" });
    await tick();
    const blanked = await sync();
    expect(blanked.summary.dispositions).toEqual({ qualified: 0, recycle: 0, trash: 0, unreachable: 0, working: 0 });
    expect(contact().leadloop_disposition_reason).toBe(mapReason);
    expect(await stages()).toEqual(["mql", "recycled"]);
    await tick();
    await sync();
    expect(await reasonWrites()).toEqual([...written, mapReason]);
    expect(await loop.store.listErrors()).toEqual([]);
  });

  it("a verdict with no words gets its map's reason, not the previous verdict's; a long reason typed with a verdict is carried whole", async () => {
    setVerdict(loop, crm, personId, { status: STATUS[crm].recycle, reason: null });
    await tick();
    await sync();
    expect(contact().leadloop_disposition_reason).toBe(
      crm === "salesforce" ? "Not ready to buy; back to nurture" : "Bad timing; back to nurture",
    );
    // Recycled, then unreachable without a word: with HubSpot as the CRM the contact still shows the
    // recycle's reason leadloop wrote, which is not the rep's and gives way to the new verdict's.
    await tick(SECOND_LATER_MS);
    setStatus(loop, crm, personId, STATUS[crm].unreachable);
    await tick();
    expect((await sync()).summary.dispositions.unreachable).toBe(1);
    expect(contact()).toMatchObject({ leadloop_status: "unreachable", leadloop_disposition_reason: "Rep could not connect" });

    // Then the rep trashes the lead and explains at length: 255 characters, all the Salesforce field
    // holds (the contact's property holds more), accents included.
    const long = (
      "Étudiant en alternance chez SGO, pas décisionnaire : le budget « optique connectée » est gelé jusqu'en Q3 " +
      "et l'achat passe par la centrale de Lyon. Ne pas relancer avant la réorganisation ; voir avec Mme Bérenger-Duval, " +
      "directrice des achats, à la rentrée de septembre."
    ).slice(0, 255);
    expect(long).toHaveLength(255);
    await tick(SECOND_LATER_MS);
    setVerdict(loop, crm, personId, { status: STATUS[crm].trash, reason: long });
    await tick();
    expect((await sync()).summary.dispositions.trash).toBe(1);
    expect(contact()).toMatchObject({ leadloop_status: "trash", leadloop_disposition_reason: long });
    expect(await stages()).toEqual(["mql", "recycled", "unreachable", "trash"]);
    expect(await loop.store.listErrors()).toEqual([]);
  });

  it("working: a touch on the follow-up clock, no stage move", async () => {
    setStatus(loop, crm, personId, STATUS[crm].working);
    await tick();
    const run = await sync();
    expect(run.summary.dispositions).toEqual({ qualified: 0, recycle: 0, trash: 0, unreachable: 0, working: 1 });
    expect(contact()).toMatchObject({ leadloop_status: "mql", hs_lead_status: "IN_PROGRESS" });
    expect(await stages()).toEqual(["mql"]);
    const [clock] = await loop.store.listSlaClocks();
    expect(clock).toMatchObject({ personId, touches: 1 });
    expect(clock?.firstTouchAt).not.toBeNull();
    // Read again after leadloop's own writes, the same status is no second touch.
    await tick();
    const idle = await sync();
    expect(idle.summary.dispositions.working).toBe(0);
    expect((await loop.store.listSlaClocks())[0]?.touches).toBe(1);
  });

  it("a status the definition does not list goes to the error queue naming value, record and email", async () => {
    const definition = funnel.qualification.definition;
    const known = crm === "salesforce" ? "Closed - Unreachable" : "ATTEMPTED_TO_CONTACT";
    funnel = {
      ...funnel,
      qualification: compileDefinition({
        ...definition,
        dispositions: {
          ...definition.dispositions,
          [crm]: definition.dispositions[crm]!.filter((e) => e.status !== known),
        },
      }),
    };
    setStatus(loop, crm, personId, known);
    await tick();
    const run = await sync();
    expect(run.summary.dispositions.unreachable).toBe(0);
    const errors = await loop.store.listErrors({ status: "open" });
    const entry = errors.find((e) => e.operation === "disposition");
    expect(entry).toMatchObject({ errorClass: "config", system: crm });
    expect(entry?.message).toContain(`"${known}"`);
    expect(entry?.message).toContain(entry!.recordId!);
    expect(entry?.message).toContain("anais.berenger@sgo-optique.fr");
    expect(await stages()).toEqual(["mql"]);

    // A run that still does not know it leaves the one entry as it is.
    await tick();
    await sync();
    expect(await loop.store.getError(entry!.id)).toMatchObject({ status: "open", attempts: entry!.attempts });

    // The admin lists the status: the next run applies the verdict and resolves the entry.
    funnel = funnelFor(loop, crm);
    await tick();
    const fixed = await sync();
    expect(fixed.summary.dispositions.unreachable).toBe(1);
    expect((await loop.store.getError(entry!.id))?.status).toBe("resolved");
    expect(contact()).toMatchObject({ leadloop_status: "unreachable", lifecyclestage: "lead" });
  });
});

describe.each(["salesforce", "hubspot"] as const)("a verdict given before leadloop read it, crm: %s", (crm) => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });

  it("wins over the handoff of the same run: no alert on a closed record, the person goes back to nurture", async () => {
    loop = await startLoop();
    seedReps(loop);
    const funnel = funnelFor(loop, crm);
    const personId = seedAnaisAtOptique(loop);
    const sync = () => loop.sync({ funnel, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
    // Sales knew the person before she qualified: leadloop's first run reads the record open. (A record
    // closed before that first look is history: closed-before-first-look.int.test.ts.)
    if (crm === "salesforce")
      loop.salesforce.data.insert("Lead", {
        FirstName: "Anaïs",
        LastName: "Bérenger-Duval",
        Email: "anais.berenger@sgo-optique.fr",
        Company: "Société Générale d'Optique",
        Status: STATUS.salesforce.open,
      });
    else loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: STATUS.hubspot.open });
    await tick();
    expect((await sync()).summary.handoffs).toBe(0);
    await tick(SECOND_LATER_MS);
    // She asks for a demo, and the rep, who spoke to her that morning, closes the record: not ready to buy.
    pricingAndDemo(loop, personId);
    if (crm === "salesforce") {
      const [lead] = loop.salesforce.data.list("Lead");
      loop.salesforce.data.update("Lead", String(lead!.Id), { Status: STATUS.salesforce.recycle });
    } else loop.hubspot.data.updateObject("contacts", personId, { hs_lead_status: STATUS.hubspot.recycle });
    await tick();

    const first = await sync();
    expect(first.summary.status).toBe("succeeded");
    expect(first.summary.handoffs).toBe(0);
    expect(first.summary.dispositions.recycle).toBe(1);
    expect(await loop.store.listSlaClocks()).toEqual([]);
    expect((await loop.store.listFunnelEvents({ personId })).map((e) => e.toStage)).toEqual(["mql", "recycled"]);
    const contact = loop.hubspot.data.getObject("contacts", personId)!.properties;
    expect(contact).toMatchObject({ lifecyclestage: "lead", leadloop_status: "recycled" });
    if (crm === "salesforce") {
      const [lead] = loop.salesforce.data.list("Lead");
      expect(lead).toMatchObject({ Status: STATUS.salesforce.recycle });
      expect(loop.salesforce.data.list("Task").filter((t) => t.WhoId === lead!.Id)).toEqual([]);
    } else {
      expect(contact.hs_lead_status).toBe(STATUS.hubspot.recycle);
      expect(loop.hubspot.data.listObjects("tasks")).toEqual([]);
    }
  });
});
