// A rep converts a Lead into a new Account between the last run and a lost store. The person's company
// was linked to its own Account, which the company's stamp (`leadloop_crm_id`) still names: the runs
// after the loss must restore that link, as an uninterrupted run keeps it, and not link the company to
// the conversion's new Account (which the company pair then stamped with a company id the first Account
// holds: DUPLICATE_VALUE in the error queue). Through the built CLI against the emulators.
import { rmSync } from "node:fs";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { syncUntilSettled } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 11, now: new Date(Date.now() - 60_000), contacts: 40 });


/** An open Lead whose person's company leadloop linked to an Account: the company and its Account. */
function leadAtLinkedCompany(world: SandboxWorld) {
  const companies = new Map(world.hubspot.data.listObjects("companies").map((c) => [c.id, c]));
  for (const lead of world.salesforce.data
    .list("Lead")
    .filter((l) => l.IsConverted !== true && l.HubSpot_Contact_Id__c)
    .sort((a, b) => String(a.Email).localeCompare(String(b.Email)))) {
    const contact = world.hubspot.data.listObjects("contacts").find((c) => c.id === String(lead.HubSpot_Contact_Id__c));
    const company = companies.get(String(contact?.properties.associatedcompanyid ?? ""));
    if (company?.properties.leadloop_crm_id) return { lead, company, accountId: company.properties.leadloop_crm_id };
  }
  return undefined;
}

async function openErrors(world: SandboxWorld): Promise<unknown[]> {
  const r = await runCli(["errors", "list", "--json", "-c", world.configPath]);
  return JSON.parse(r.stdout) as unknown[];
}

describe("a Lead converted into a new Account, then a lost store", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "lost-store-conversion");
  });
  afterEach(async () => {
    await world.close();
  });

  it("keeps the company linked to its own Account, with no duplicate stamp refused", async () => {
    expect(await syncUntilSettled(world)).toEqual([]);
    const found = leadAtLinkedCompany(world);
    expect(found).toBeDefined();
    const { lead, company, accountId } = found!;
    const before = await openErrors(world);
    // Converted as a rep does it from the Lead: a new Account, a Contact and an Opportunity.
    const converted = world.salesforce.data.convertLead(String(lead.Id), {
      convertedStatus: "Closed - Converted",
      opportunityName: `${String(lead.Company)} - New Business`,
    });
    expect(converted.accountId).not.toBe(accountId);

    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${world.storePath}${suffix}`, { force: true });
    expect(await syncUntilSettled(world)).toEqual([]);

    const after = world.hubspot.data.listObjects("companies").find((c) => c.id === company.id)!;
    expect(after.properties.leadloop_crm_id).toBe(accountId);
    const stamped = world.salesforce.data.list("Account").filter((a) => a.HubSpot_Company_Id__c === company.id);
    expect(stamped.map((a) => a.Id)).toEqual([accountId]);
    expect({ before: before.length, after: await openErrors(world) }).toEqual({ before: 0, after: [] });
  });
});
