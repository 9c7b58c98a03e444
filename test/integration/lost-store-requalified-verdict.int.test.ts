// A person her rep trashed, whom an admin brought back with `leadloop requalify` (trash → lead, her CRM
// record open again), and whose rep accepts her before she qualifies again: she moves on to sal whether
// the store was kept or lost since the requalify's write. After a lost store the rebuild restores no clock
// for a person it finds at lead, and her record's status, unseen by the new store, was taken for one from
// before leadloop's first look: she stayed at lead for good while her CRM record said accepted (found by the
// long story, seed 415, crm hubspot, requalify in round 11, store lost in round 13). Her record carries the
// MQL date leadloop's handoff wrote, so her status is her rep's verdict (README "Recycle and trash"). And
// `report funnel` counts her MQL and her rep's trash before the requalify after the loss as before it: the
// rebuild reads her histories as a re-qualified person's and brings her back through them to lead.
//
// With Salesforce, a requalify whose Lead write was refused (its owner deactivated: README "Leads of a rep
// who left") while the contact's went through, then a lost store, which held the refusal in its queue.
// Before, the rebuild found her requalified on the contact and her Lead still Closed - Unqualified, took
// that status for a new verdict of her rep's and trashed her again: the admin's requalify was undone
// without a word (found by the weeks story, Salesforce seed 417, requalify in round 7, the rep deactivated
// in round 6, the Lead given to another rep and the store lost in round 9). The status was set before the
// requalify (the Lead's status history says when; its last edit where the org keeps none), so it is the
// verdict the requalify revoked: the rebuild decides the requalify's Lead write again, refused and queued
// while the owner is inactive, sent once the Lead is given to an active rep. A rep's trash set after the
// requalify is still hers, lost store or not.
import { rmSync } from "node:fs";
import { runCli } from "../support/cli-run.js";
import { anaisTrashed, type funnelFor, loopConfig, REPS, repSetsStatus } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** Whole seconds pass: the Salesforce emulator stamps to the second, and a rep's edit must follow leadloop's. */
const nextSecond = () => tick(1_100);
/** Four months on: her pricing visit and demo request no longer qualify her once requalified. */
const LATER_MS = 120 * 86_400_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.each(["salesforce", "hubspot"] as const)("a requalified person, then a lost store, crm: %s", (crm) => {
  let loop: LoopHarness;
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  beforeEach(async () => {
    offset = 0;
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });
  const sync = (funnel: ReturnType<typeof funnelFor>) => loop.sync({ funnel, now, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  const cli = (...args: string[]) => runCli(["--config", loopConfig(loop, crm), ...args], {}, undefined, { now });
  /** What `report funnel --json` counts of her: MQLs, trash verdicts, SALs. */
  const report = async () => {
    const until = new Date(now().getTime() + 86_400_000).toISOString();
    const out = await cli("report", "funnel", "--since", "2000-01-01", "--until", until, "--json");
    expect(out.code).toBe(0);
    const r = JSON.parse(out.stdout) as { mqls: number; sals: number; dispositions: Record<string, number> };
    return { mqls: r.mqls, trash: r.dispositions.trash, sals: r.sals };
  };
  const stage = (anais: string) => loop.hubspot.data.getObject("contacts", anais)!.properties.leadloop_status;
  const leadOf = (anais: string) => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
  const contactOf = (anais: string) => loop.hubspot.data.getObject("contacts", anais)!.properties;
  const jordan = () => String(loop.salesforce.data.list("User").find((u) => u.Email === REPS.fallback.email)!.Id);
  const loseStore = () => loop.restart(() => rmSync(loop.storePath));
  /**
   * Trashed, then requalified two days later while her Lead's owner is deactivated (the contact written, the
   * Lead refused: exit 4), then the store lost with the refusal; the run after it trashes no one.
   */
  const requalifiedRefusedThenLost = async () => {
    const { funnel, anais } = await anaisTrashed(loop, crm, sync, now);
    const lead = String(leadOf(anais).Id);
    offset += 2 * DAY;
    loop.salesforce.data.update("User", String(leadOf(anais).OwnerId), { IsActive: false });
    const requalify = await cli("requalify", "ANAIS.Berenger@SGO-optique.fr", "--yes", "--json");
    expect(requalify.code).toBe(4);
    expect(contactOf(anais)).toMatchObject({ leadloop_status: "lead", hs_lead_status: "NEW" });
    expect(leadOf(anais).Status).toBe("Closed - Unqualified");
    offset += HOUR;
    await loseStore();
    expect((await sync(funnel)).summary.dispositions.trash).toBe(0);
    return { funnel, anais, lead };
  };
  /** A manager gives her Lead to Jordan, and the store is lost again before a sync reads it. */
  const givenToJordanThenLost = async (lead: string) => {
    offset += HOUR;
    loop.salesforce.data.update("Lead", lead, { OwnerId: jordan() }, now());
    offset += HOUR;
    await loseStore();
  };
  const salesforceOnly = crm === "salesforce" ? it : it.skip;

  it.each([
    ["kept", false],
    ["lost", true],
  ])("moves on to sal, the store %s after the requalify's write", async (_, lost) => {
    const { funnel, anais } = await anaisTrashed(loop, crm, sync, now);
    offset = LATER_MS;
    const requalify = ["--config", loopConfig(loop, crm), "requalify", "ANAIS.Berenger@SGO-optique.fr", "--yes"];
    expect((await runCli(requalify, {}, undefined, { now })).code).toBe(0);
    await sync(funnel);
    expect(stage(anais)).toBe("lead");
    await nextSecond();
    const before = await report();
    expect(before).toEqual({ mqls: 1, trash: 1, sals: 0 });
    if (lost) await loop.restart(() => rmSync(loop.storePath));
    repSetsStatus(loop, crm, anais, { hubspot: "CONNECTED", salesforce: "Closed - Converted" }, now());
    expect((await sync(funnel)).summary.dispositions.qualified).toBe(1);
    expect(stage(anais)).toBe("sal");
    // Taken once: the next run reads no verdict; her MQL and her rep's trash before the requalify still count.
    expect((await sync(funnel)).summary.dispositions.qualified).toBe(0);
    expect(await report()).toEqual({ ...before, sals: 1 });
  });

  salesforceOnly("writes the Lead's reopening once it is given to an active rep, and never trashes her again", async () => {
    // Her rep leaves; the admin's requalify is refused on her Lead; the store is lost with the refusal: the
    // rebuild decides the Lead's write again, refused again.
    const { funnel, anais, lead } = await requalifiedRefusedThenLost();
    // Her stage stays; her hs_lead_status follows her Lead's Status (the shipped mapping, prefer_crm).
    expect(contactOf(anais)).toMatchObject({ leadloop_status: "lead", lifecyclestage: "lead", hs_lead_status: "UNQUALIFIED" });
    // The rebuilt scores' write to her Lead is refused beside it, as any write to it (README).
    const open = await loop.store.listErrors({ status: "open" });
    expect(open.map((e) => [e.object, e.recordId, e.operation, e.errorClass]).sort()).toEqual([
      ["Lead", lead, "qualification", "conflict"],
      ["Lead", lead, "requalify", "conflict"],
    ]);
    for (const e of open) expect(e.message).toMatch(/INACTIVE_OWNER_OR_USER/);

    await givenToJordanThenLost(lead);
    expect((await sync(funnel)).summary.dispositions.trash).toBe(0);
    expect(leadOf(anais)).toMatchObject({ Status: "Open - Not Contacted", OwnerId: jordan() });
    expect(leadOf(anais).Leadloop_Disposition_Reason__c ?? null).toBeNull();
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
    // Her MQL and her rep's one trash, as before the losses; the next run carries the open status back.
    expect(await report()).toEqual({ mqls: 1, trash: 1, sals: 0 });
    offset += HOUR;
    expect((await sync(funnel)).summary.dispositions.trash).toBe(0);
    expect(contactOf(anais)).toMatchObject({ leadloop_status: "lead", lifecyclestage: "lead", hs_lead_status: "NEW" });
    expect(leadOf(anais).Status).toBe("Open - Not Contacted");
  });

  salesforceOnly("goes by the Lead's last edit where the org keeps no Status history", async () => {
    loop.salesforce.data.trackHistory("Lead", []);
    // Nothing edited the Lead since her trash: the requalify's write is decided again, refused again.
    const { funnel, anais, lead } = await requalifiedRefusedThenLost();
    expect(contactOf(anais).leadloop_status).toBe("lead");
    expect((await loop.store.listErrors({ status: "open" })).filter((e) => e.operation === "requalify").map((e) => e.recordId)).toEqual([lead]);
    // Given to Jordan and lost again: the Lead's last edit now follows the requalify, and with no history
    // to tell the status's own time, her Closed - Unqualified reads as a new verdict (README).
    await givenToJordanThenLost(lead);
    expect((await sync(funnel)).summary.dispositions.trash).toBe(1);
    expect(contactOf(anais).leadloop_status).toBe("trash");
  });

  salesforceOnly("takes a rep's trash set after the requalify as her verdict after a lost store", async () => {
    const { funnel, anais } = await anaisTrashed(loop, crm, sync, now);
    offset += 2 * DAY;
    expect((await cli("requalify", "anais.berenger@sgo-optique.fr", "--yes")).code).toBe(0);
    expect(leadOf(anais).Status).toBe("Open - Not Contacted");
    offset += HOUR;
    repSetsStatus(loop, crm, anais, { hubspot: "UNQUALIFIED", salesforce: "Closed - Unqualified" }, now());
    offset += HOUR;
    await loseStore();
    expect((await sync(funnel)).summary.dispositions.trash).toBe(1);
    expect(contactOf(anais)).toMatchObject({ leadloop_status: "trash", hs_lead_status: "UNQUALIFIED" });
    expect(leadOf(anais).Status).toBe("Closed - Unqualified");
  });
});
