// Sales deletes the Lead leadloop made for a handed-off person, then the state store is lost. The new
// store's first run must not make the Lead again: it learns of the deletion from Salesforce (its first
// removals read, ARCHITECTURE.md "Links"), or, once Salesforce has no trace of the Lead left to read (the
// Recycle Bin emptied, or the deletion older than the 15 days getDeleted answers), from the contact's own
// stamp, which the shipped mappings write. Through the built CLI against the emulators, in the sandbox's
// default configuration.
import { rmSync } from "node:fs";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import type { SObjectRecord } from "../../src/sandbox/salesforce/values.js";
import { runCli } from "../support/cli-run.js";
import { syncUntilSettled } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 47, now: new Date(Date.now() - 60_000), contacts: 40 });

/** What the marketer sees of the funnel on a HubSpot contact. */
const FUNNEL_PROPERTIES = ["lifecyclestage", "hs_lead_status", "hubspot_owner_id", "leadloop_status", "leadloop_mql_date"];

function loseStore(world: SandboxWorld): void {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${world.storePath}${suffix}`, { force: true });
}

describe("a Lead sales deleted, then a lost store (shipped mappings)", () => {
  let world: SandboxWorld;
  let lead: SObjectRecord;
  let personId: string;
  let email: string;
  let funnelBefore: Record<string, unknown>;
  const config = () => ["-c", world.configPath];
  /** Live Leads and Contacts that name the person: by her stamp or by her email, whatever its case. */
  const herRecords = () =>
    [...world.salesforce.data.list("Lead"), ...world.salesforce.data.list("Contact")].filter(
      (r) => r.HubSpot_Contact_Id__c === personId || String(r.Email ?? "").toLowerCase() === email.toLowerCase(),
    );
  /** Whom `leadloop hot` lists: the people a rep should call now. */
  const hotEmails = async () => {
    const hot = await runCli(["hot", "--json", ...config()]);
    expect(hot.code).toBe(0);
    return (JSON.parse(hot.stdout) as { email: string | null }[]).map((r) => String(r.email).toLowerCase());
  };
  const funnelOnContact = () => {
    const properties = world.hubspot.data.getObject("contacts", personId)!.properties;
    return Object.fromEntries(FUNNEL_PROPERTIES.map((p) => [p, properties[p] ?? null]));
  };

  beforeEach(async () => {
    world = await openSandboxWorld(seed, "deleted-lead-lost-store");
    expect(await syncUntilSettled(world)).toEqual([]);
    // A handed-off person's Lead, the one leadloop made: stamped with her contact, dated at her MQL.
    const handedOff = world.salesforce.data
      .list("Lead")
      .filter((l) => l.HubSpot_Contact_Id__c && l.Leadloop_MQL_Date__c && l.IsConverted !== true)
      .sort((a, b) => String(a.Email).localeCompare(String(b.Email)));
    expect(handedOff.length).toBeGreaterThan(0);
    lead = handedOff[0]!;
    personId = String(lead.HubSpot_Contact_Id__c);
    email = String(world.hubspot.data.getObject("contacts", personId)!.properties.email);
    // The shipped contact mappings stamp her contact with her Lead's id.
    expect(world.hubspot.data.getObject("contacts", personId)!.properties.leadloop_crm_id).toBe(lead.Id);
    funnelBefore = funnelOnContact();
    expect(funnelBefore.leadloop_mql_date).toBeTruthy();
    expect(await hotEmails()).toContain(email.toLowerCase());
  });
  afterEach(async () => {
    await world.close();
  });

  /**
   * The runs on the new store: settled, no Lead made for her, her contact's funnel as it was, explain saying
   * why (`named`: what Salesforce's deletion names, or what the contact's stamp does), `hot` not listing her.
   */
  async function expectDeletionKept(named = `salesforce Lead ${String(lead.Id)} deleted`): Promise<void> {
    const leads = world.salesforce.data.list("Lead").length;
    expect(await syncUntilSettled(world)).toEqual([]);
    expect(herRecords()).toEqual([]);
    expect(world.salesforce.data.list("Lead")).toHaveLength(leads);
    expect(funnelOnContact()).toEqual(funnelBefore);
    // The admin asks why she has no Lead: her email as a person types it, in capitals.
    const explained = await runCli(["explain", email.toUpperCase(), ...config()]);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain(`no CRM record: ${named}`);
    // Nobody's lead, as without the loss: no rep is shown a person no Lead stands for.
    expect(await hotEmails()).not.toContain(email.toLowerCase());
  }

  /**
   * Sales deletes her Lead. Dated minutes back: getDeleted lists whole minutes, so a deletion in the
   * current one waits for the next read, and this world's runs follow each other within seconds.
   */
  /** What explain names when only the contact's stamp tells: leadloop asked Contact and Lead for the id. */
  const STAMP_GONE = () => `salesforce Contact or Lead ${String(lead.Id)} deleted: the stamp names it, no read finds it`;
  const deleteLead = () => world.salesforce.data.delete("Lead", String(lead.Id), new Date(Date.now() - 5 * 60_000));

  it("makes no Lead again for a person whose Lead is in the Recycle Bin", async () => {
    deleteLead();
    loseStore(world);
    await expectDeletionKept();
  });

  // Emptied from the Recycle Bin, the Lead is no longer listed by getDeleted nor read by queryAll (the
  // emulator's default; "listed" still lists it, without its stamp): the contact's stamp
  // (`leadloop_crm_id`) naming a Lead no read finds is what tells.
  it("makes no Lead again when it was emptied from the Recycle Bin (hard-deleted) before the loss", async () => {
    deleteLead();
    world.salesforce.data.emptyRecycleBin("Lead", String(lead.Id));
    loseStore(world);
    await expectDeletionKept(STAMP_GONE());
  });

  // Deleted 20 days before: getDeleted answers 15 days and the Recycle Bin keeps 15, so Salesforce names
  // the Lead nowhere any more; only the contact's stamp does.
  it("makes no Lead again when it was deleted more than 15 days before the loss", async () => {
    world.salesforce.data.delete("Lead", String(lead.Id), new Date(Date.now() - 20 * 86_400_000));
    loseStore(world);
    await expectDeletionKept(STAMP_GONE());
  });
});
