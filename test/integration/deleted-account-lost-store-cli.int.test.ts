// Sales deletes (or merges away) an Account or Opportunity leadloop linked to a HubSpot company or deal,
// then the state store is lost. The new store's first run must not make the record again: the HubSpot
// record's stamp (`leadloop_crm_id`) names a record no read finds, or, where the run that made the record
// was stopped before it stamped the HubSpot side, the new store's first removals read of Account and
// Opportunity finds the deleted record's own stamp (ARCHITECTURE.md "Links"). A merge's survivor takes the
// company over, as a merge the store followed would have. Through the built CLI against the emulators, in
// the sandbox's default configuration (the shipped mappings).
import { rmSync } from "node:fs";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import type { SObjectRecord } from "../../src/sandbox/salesforce/values.js";
import { runCli } from "../support/cli-run.js";
import { runSyncChild, syncUntilSettled } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 47, now: new Date(Date.now() - 60_000), contacts: 40 });

function loseStore(world: SandboxWorld): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${world.storePath}${suffix}`, { force: true });
}

/**
 * When sales removes a record: 90 s back, since getDeleted lists whole minutes (a deletion in the current
 * one waits for a later read, and this world's runs follow each other within seconds), and within the
 * 2 minutes before its removals cursor that a kept store's next run reads from (sync/removals.ts).
 */
const removedAt = () => new Date(Date.now() - 90_000);

function salesDeletes(world: SandboxWorld, object: "Account" | "Opportunity", id: unknown, emptied = false): void {
  world.salesforce.data.delete(object, String(id), removedAt());
  if (emptied) world.salesforce.data.emptyRecycleBin(object, String(id));
}

/**
 * The marketer corrects the company's switchboard number (which no qualification rule reads, so nobody
 * qualifies for it) and updates the deal's amount: a linked record's change goes to its Account or
 * Opportunity, a removed one's nowhere.
 */
function marketerEdits(world: SandboxWorld, companyId: string, dealId?: string): void {
  world.hubspot.data.updateObject("companies", companyId, { phone: " (312) 555-0142 " });
  if (dealId) world.hubspot.data.updateObject("deals", dealId, { amount: "98765.5" });
}

/** The whole error queue, open, resolved and discarded: empty when no write was ever refused. */
async function everyError(world: SandboxWorld): Promise<unknown[]> {
  const listed = await runCli(["errors", "list", "--status", "all", "--json", "-c", world.configPath]);
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as unknown[];
}

/** Live records of `object` whose stamp names the HubSpot record `hubspotId`. */
function stampedFor(world: SandboxWorld, object: "Account" | "Opportunity", hubspotId: string): SObjectRecord[] {
  const field = object === "Account" ? "HubSpot_Company_Id__c" : "HubSpot_Deal_Id__c";
  return world.salesforce.data.list(object).filter((r) => r[field] === hubspotId);
}

/**
 * A deal the marketer opens in HubSpot for a person at Ember Capital whom sales has a Lead or Contact for
 * (so the deal pair takes it to Salesforce): an accented name, no amount yet.
 */
function marketerOpensDeal(world: SandboxWorld): string {
  const hs = world.hubspot.data;
  const company = hs.listObjects("companies").find((c) => String(c.properties.name).startsWith("Ember Capital"))!;
  const deal = hs.createObject("deals", {
    dealname: "Ember Capital – Pilote Île-de-France 2026",
    dealstage: "appointmentscheduled",
    pipeline: "default",
    closedate: "2026-12-31T00:00:00.000Z",
    amount: "",
  });
  hs.associate("deals", deal.id, "companies", company.id);
  for (const a of hs.associationsOf("companies", company.id, "contacts")) hs.associate("deals", deal.id, "contacts", a.toId);
  return deal.id;
}

describe("an Account or Opportunity sales deleted, then a lost store (shipped mappings)", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "deleted-account-lost-store");
  });
  afterEach(async () => {
    await world.close();
  });

  // Sales deletes a linked company's Account, which takes its Contacts and Opportunities into the Recycle
  // Bin with it, and an Opportunity of another Account. The HubSpot records' own stamps name records no
  // read finds, whether in the bin or emptied from it: none is taken to Salesforce again. With the store
  // kept, the runs follow the deletions as they come.
  it.each([
    ["in the Recycle Bin, then a lost store", false, true],
    ["emptied from the Recycle Bin, then a lost store", true, true],
    ["in the Recycle Bin, the store kept", false, false],
  ])("makes no Account, Opportunity or Contact again that sales deleted (%s)", async (_, emptied, lost) => {
    expect(await syncUntilSettled(world)).toEqual([]);
    const hs = world.hubspot.data;
    const sf = world.salesforce.data;
    const under = (object: string, accountId: unknown) => sf.list(object).filter((r) => r.AccountId === accountId);
    const company = hs
      .listObjects("companies")
      .find((c) => c.properties.leadloop_crm_id && under("Opportunity", c.properties.leadloop_crm_id).some((o) => o.HubSpot_Deal_Id__c))!;
    expect(company).toBeDefined();
    const accountId = company.properties.leadloop_crm_id;
    const gone = {
      deals: under("Opportunity", accountId).flatMap((o) => (o.HubSpot_Deal_Id__c ? [String(o.HubSpot_Deal_Id__c)] : [])),
      people: under("Contact", accountId).length,
    };
    expect(gone.people).toBeGreaterThan(0);
    const deal = hs.listObjects("deals").find((d) => d.properties.leadloop_crm_id && !gone.deals.includes(d.id))!;
    salesDeletes(world, "Account", accountId, emptied);
    salesDeletes(world, "Opportunity", deal.properties.leadloop_crm_id, emptied);
    /** The live records' ids per object: none is made again, none other goes. */
    const live = () => Object.fromEntries(["Account", "Opportunity", "Contact", "Lead"].map((o) => [o, sf.list(o).map((r) => r.Id).sort()]));
    const before = live();
    if (lost) loseStore(world);

    expect(await syncUntilSettled(world)).toEqual([]);
    marketerEdits(world, company.id, deal.id);
    expect(await syncUntilSettled(world)).toEqual([]);
    expect(stampedFor(world, "Account", company.id)).toEqual([]);
    for (const id of [...gone.deals, deal.id]) expect(stampedFor(world, "Opportunity", id)).toEqual([]);
    expect(live()).toEqual(before);
    // No write went to a removed record and was refused: each removal was known before the edits.
    expect(await everyError(world)).toEqual([]);
  });

  // The first run was killed right after Salesforce made the Account from a company: the company never got
  // the Account's id, only the Account holds the company's. Sales deletes that Account, then the store is lost.
  it("makes no Account again that sales deleted when the run that made it was killed before stamping the company", async () => {
    const killed = await runSyncChild(world, { atPath: /\/composite\/sobjects\/Account\//, signal: "SIGKILL" });
    expect(killed.signal).toBe("SIGKILL");
    const made = world.salesforce.data
      .list("Account")
      .filter((a) => a.HubSpot_Company_Id__c && !world.hubspot.data.getObject("companies", String(a.HubSpot_Company_Id__c))!.properties.leadloop_crm_id);
    expect(made.length).toBeGreaterThan(0);
    for (const a of made) salesDeletes(world, "Account", a.Id);
    loseStore(world);

    expect(await syncUntilSettled(world)).toEqual([]);
    for (const a of made) expect(stampedFor(world, "Account", String(a.HubSpot_Company_Id__c))).toEqual([]);
  });

  it("makes no Opportunity again that sales deleted when the run that made it was killed before stamping the deal", async () => {
    const dealId = marketerOpensDeal(world);
    const killed = await runSyncChild(world, { atPath: /\/composite\/sobjects\/Opportunity\//, signal: "SIGKILL" });
    expect(killed.signal).toBe("SIGKILL");
    const [opportunity] = stampedFor(world, "Opportunity", dealId);
    expect(opportunity?.Name).toBe("Ember Capital – Pilote Île-de-France 2026");
    expect(world.hubspot.data.getObject("deals", dealId)!.properties.leadloop_crm_id ?? null).toBeNull();
    salesDeletes(world, "Opportunity", opportunity!.Id);
    loseStore(world);

    expect(await syncUntilSettled(world)).toEqual([]);
    expect(stampedFor(world, "Opportunity", dealId)).toEqual([]);
  });

  // A rep keeps an Account of their own for Ember Capital and merges leadloop's into it. With the store,
  // leadloop follows the merge to the survivor; a lost store must do the same, not leave the company
  // linked to nothing (its stamp names an Account no read finds, the survivor carries no stamp).
  it.each([
    ["after a lost store", true],
    ["with the store kept", false],
  ])("links a company to the Account sales merged its own into (%s)", async (_, lost) => {
    expect(await syncUntilSettled(world)).toEqual([]);
    const hs = world.hubspot.data;
    const company = hs.listObjects("companies").find((c) => String(c.properties.name).startsWith("Ember Capital"))!;
    const merged = String(company.properties.leadloop_crm_id);
    expect(stampedFor(world, "Account", company.id).map((a) => a.Id)).toEqual([merged]);
    const survivor = world.salesforce.data.insert("Account", { Name: "EMBER CAPITAL (Zürich)", Website: null }, new Date(Date.now() - 10 * 60_000));
    world.salesforce.data.merge("Account", survivor, [merged], removedAt());
    if (lost) loseStore(world);

    expect(await syncUntilSettled(world)).toEqual([]);
    // The survivor carries the company's id and the company the survivor's, and no Account was made again.
    expect(stampedFor(world, "Account", company.id).map((a) => a.Id)).toEqual([survivor]);
    expect(hs.getObject("companies", company.id)!.properties.leadloop_crm_id).toBe(survivor);
    // The company's changes reach the survivor.
    marketerEdits(world, company.id);
    expect(await syncUntilSettled(world)).toEqual([]);
    expect(world.salesforce.data.get("Account", survivor)!.Phone).toBe("+13125550142");
    expect(await everyError(world)).toEqual([]);
  });
});
