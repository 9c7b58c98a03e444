// A rep follows up a handed-off Lead with a call and converts it: Salesforce moves the Lead's activities
// to the Contact it became, so the follow-up clock must go there too, or the SLA phase, which finds a
// touch by the record its clock is on, never counts the call (the follow-up looked missing, and a lost
// store's restore, which puts the clock on the Contact, counted one more follow-up than the run it
// restored). Through the built CLI against the emulators.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { syncUntilSettled } from "../support/kill-at-write.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const seed = generateSeed({ seed: 11, now: new Date(Date.now() - 60_000), contacts: 40 });


async function clockOf(world: SandboxWorld, personId: string) {
  const store = await openSqliteStore(world.storePath);
  try {
    const [clock] = await store.listSlaClocks({ personIds: [personId] });
    return clock ? { crmId: clock.crmId, touched: clock.firstTouchAt !== null } : undefined;
  } finally {
    await store.close();
  }
}

describe("a handed-off Lead called and converted", () => {
  let world: SandboxWorld;
  beforeEach(async () => {
    world = await openSandboxWorld(seed, "sla-converted-touch");
  });
  afterEach(async () => {
    await world.close();
  });

  it("moves the follow-up clock to the Contact and counts the call as its first touch", async () => {
    expect(await syncUntilSettled(world)).toEqual([]);
    const lead = world.salesforce.data
      .list("Lead")
      .filter((l) => l.Leadloop_MQL_Date__c && l.OwnerId && l.IsConverted !== true && l.Status === "Open - Not Contacted")
      .sort((a, b) => String(a.Email).localeCompare(String(b.Email)))[0];
    expect(lead).toBeDefined();
    const personId = String(lead!.HubSpot_Contact_Id__c);
    expect(await clockOf(world, personId)).toEqual({ crmId: lead!.Id, touched: false });

    world.salesforce.data.insert("Task", {
      Subject: "Call: discovery",
      Status: "Completed",
      TaskSubtype: "Call",
      WhoId: lead!.Id,
      OwnerId: lead!.OwnerId,
      ActivityDate: new Date().toISOString().slice(0, 10),
      Description: "Discovery call: budget confirmed.",
    });
    const { contactId } = world.salesforce.data.convertLead(String(lead!.Id), {
      convertedStatus: "Closed - Converted",
      opportunityName: `${String(lead!.Company)} - New Business`,
    });

    expect(await syncUntilSettled(world)).toEqual([]);
    expect(await clockOf(world, personId)).toEqual({ crmId: contactId, touched: true });
  });
});
