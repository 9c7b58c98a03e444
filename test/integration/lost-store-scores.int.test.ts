// A lost store and the scores leadloop wrote on CRM records: people act between the last run and the
// loss (a pricing page and a demo request), and the runs after it must write their new scores on their
// Salesforce records, as an uninterrupted run re-scores them (crm-rescore.ts): a handed-off MQL's Lead
// and a rep's own record that got the person's history. Through the built CLI against the emulators.
import { rmSync } from "node:fs";
import { recordActivity } from "../../src/sandbox/hubspot/emulator.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { syncUntilSettled } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 11, now: new Date(Date.now() - 60_000), contacts: 40 });


/** A buying signal: the pricing page, then a demo request. */
function showsIntent(world: SandboxWorld, contactId: string): void {
  const at = Date.now() - 10 * 60_000;
  recordActivity(world.hubspot.data, {
    contactId,
    kind: "pageView",
    occurredAt: new Date(at),
    properties: { hs_url: "https://www.leadloop-demo.com/pricing", hs_title: "Pricing" },
  });
  recordActivity(world.hubspot.data, {
    contactId,
    kind: "formSubmission",
    occurredAt: new Date(at + 60_000),
    properties: { hs_form_id: "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c05", hs_title: "Request a demo", hs_url: "https://www.leadloop-demo.com/demo" },
  });
}

/** Salesforce records carrying leadloop's score, by email: handed off (an MQL date) or not (a history fill). */
function scoredRecords(world: SandboxWorld) {
  const records = [...world.salesforce.data.list("Lead"), ...world.salesforce.data.list("Contact")]
    .filter((r) => r.Leadloop_Score__c !== null && r.Leadloop_Score__c !== undefined && r.HubSpot_Contact_Id__c)
    .filter((r) => !(r.IsConverted === true))
    // The least behaviour first: a demo request moves their score most (a demo counts once).
    .sort((a, b) => Number(a.Leadloop_Behavior_Score__c) - Number(b.Leadloop_Behavior_Score__c) || String(a.Email).localeCompare(String(b.Email)));
  return {
    handedOff: records.find((r) => r.Leadloop_MQL_Date__c),
    historyFilled: records.find((r) => !r.Leadloop_MQL_Date__c),
  };
}

/** The Leads and Contacts carrying a score from leadloop. */
function scoredIds(world: SandboxWorld): string[] {
  return [...world.salesforce.data.list("Lead"), ...world.salesforce.data.list("Contact")]
    .filter((r) => r.Leadloop_Score__c !== null && r.Leadloop_Score__c !== undefined && r.Leadloop_Score__c !== "")
    .map((r) => String(r.Id))
    .sort();
}

/** The score on the CRM record and on the HubSpot contact, as numbers. */
function scores(world: SandboxWorld, crmId: unknown) {
  const record = [...world.salesforce.data.list("Lead"), ...world.salesforce.data.list("Contact")].find((r) => r.Id === crmId)!;
  const contact = world.hubspot.data.listObjects("contacts").find((c) => c.id === String(record.HubSpot_Contact_Id__c))!;
  return { crm: Number(record.Leadloop_Score__c), contact: Number(contact.properties.leadloop_score) };
}

describe("a lost store and the scores on CRM records", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "lost-store-scores");
  });
  afterEach(async () => {
    await world.close();
  });

  it("writes the new score of people who acted before the loss on their Lead or Contact", async () => {
    expect(await syncUntilSettled(world)).toEqual([]);
    const { handedOff, historyFilled } = scoredRecords(world);
    expect({ handedOff: Boolean(handedOff), historyFilled: Boolean(historyFilled) }).toEqual({ handedOff: true, historyFilled: true });
    const people = [handedOff!, historyFilled!];
    const before = people.map((r) => scores(world, r.Id));
    const scoredBefore = scoredIds(world);
    for (const r of people) showsIntent(world, String(r.HubSpot_Contact_Id__c));

    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${world.storePath}${suffix}`, { force: true });
    expect(await syncUntilSettled(world)).toEqual([]);

    // Records leadloop never scored get no score from the restore.
    expect(scoredIds(world)).toEqual(scoredBefore);
    people.forEach((r, i) => {
      const after = scores(world, r.Id);
      // The demo request moved the person's score by a visible step, and the CRM record shows it too.
      expect({ email: r.Email, before: before[i], rose: after.contact - before[i]!.contact >= 10 }).toEqual({
        email: r.Email,
        before: before[i],
        rose: true,
      });
      expect({ email: r.Email, crm: Math.round(after.crm) }).toEqual({ email: r.Email, crm: Math.round(after.contact) });
    });
  });
});
