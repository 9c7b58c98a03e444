// A page of the field sync asks the error queue about its records once (ARCHITECTURE.md "Performance"):
// the echoes its stream read back (which a change may wake), its pairs' records, its converted Leads and
// the records it finds gone are all decided from that one read, where the stream read the queue again for
// each API page holding an echo, and the conversions and the deletions each read it for their own (the
// deletions' share is covered by removed-records and gdpr-deleted-contact).
import type { StateStore } from "../../src/store/port.js";
import { REPS, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** The store as the run sees it, counting its reads of open entries by record between two commits. */
function countingStore(store: StateStore, perCommit: { cursors: string[]; reads: number }[]): StateStore {
  let reads = 0;
  return new Proxy(store, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof value !== "function") return value;
      if (name === "openErrorsFor")
        return (...args: unknown[]) => {
          reads++;
          return Reflect.apply(value, target, args);
        };
      if (name === "commitBatch")
        return (batch: Parameters<StateStore["commitBatch"]>[0]) => {
          perCommit.push({ cursors: (batch.cursors ?? []).map((c) => `${c.system} ${c.object}`), reads });
          reads = 0;
          return target.commitBatch(batch);
        };
      return (...args: unknown[]) => Reflect.apply(value, target, args);
    },
  });
}

const FIRST = ["Zoë", "José", "Françoise", "Björn", "Ana", "Łukasz", "Ümit", "Chloé", "Inès", "Øystein"];

/** `count` HubSpot contacts, some without a last name or company; their ids. */
function seedPeople(loop: LoopHarness, count: number): string[] {
  const people: string[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    people.push(
      loop.hubspot.data.createObject("contacts", {
        email: `${first.normalize("NFD").replace(/[^A-Za-z]/g, "")}.Dupre-${i}@Societe-${i % 9}.example.fr`,
        firstname: first,
        lastname: i % 11 === 0 ? "" : `Dupré-Ångström ${i}`,
        company: i % 4 === 0 ? "" : `Société ${i % 9} SAS`,
        jobtitle: i % 2 === 0 ? "Responsable Marketing Opérationnel" : "VP Sales",
      }).id,
    );
  }
  return people;
}

/** The Lead leadloop made for a person. */
function leadOf(loop: LoopHarness, personId: string): Record<string, unknown> {
  const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId);
  expect(lead).toBeDefined();
  return lead!;
}

describe("the field sync's error-queue reads", () => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });

  it("are one per page: echoes over several API pages, and a converted Lead", async () => {
    loop = await startLoop();
    const people = seedPeople(loop, 250);
    expect((await loop.sync()).summary.status).toBe("succeeded");
    await tick(1_100);
    // A rep converts one Lead and retitles another; every contact comes back with the stamps the run wrote.
    loop.salesforce.data.convertLead(String(leadOf(loop, people[3]!).Id), { doNotCreateOpportunity: true });
    loop.salesforce.data.update("Lead", String(leadOf(loop, people[7]!).Id), { Title: "Directrice Générale Adjointe" });
    await tick(1_100);
    const perCommit: { cursors: string[]; reads: number }[] = [];
    const run = await loop.sync({ store: countingStore(loop.store, perCommit) });
    expect(run.summary.status).toBe("succeeded");
    const reads = (cursor: string) => perCommit.filter((c) => c.cursors.includes(cursor)).map((c) => c.reads);
    // Each stream's one page (three API pages of contacts), then its signpost, which reads nothing.
    expect(reads("hubspot contacts")).toEqual([1, 0]);
    expect(reads("salesforce Lead")).toEqual([1, 0]);
    // What the reads decided: the contacts read back are unchanged, the converted Lead's link moved to
    // its Contact, and the retitle reached the person.
    expect(run.summary.unchanged).toBeGreaterThanOrEqual(240);
    expect((await loop.store.findLinkByMarketing("contact", people[3]!))?.crmType).toBe("Contact");
    expect(loop.hubspot.data.getObject("contacts", people[7]!)?.properties.jobtitle).toBe("Directrice Générale Adjointe");
  }, 60_000);

  // More echoes than a group holds: the stream settles them a group's worth at a time, with one read each,
  // and a Lead among them whose reassignment wakes the write its deactivated owner refused is written.
  it("are one per group's worth of echoes, and an echo's change still wakes its refused write", async () => {
    loop = await startLoop();
    const reps = seedReps(loop);
    const people = seedPeople(loop, 2_200);
    expect((await loop.sync()).summary.status).toBe("succeeded");
    // Hélène owns Inès's Lead and leaves: the marketer's retitle of Inès is refused for the Lead's owner.
    const ines = people[8]!;
    const lead = String(leadOf(loop, ines).Id);
    loop.salesforce.data.update("Lead", lead, { OwnerId: reps.get(REPS.emea.email)!.salesforce });
    loop.salesforce.data.update("User", reps.get(REPS.emea.email)!.salesforce, { IsActive: false });
    loop.hubspot.data.updateObject("contacts", ines, { jobtitle: "Directrice des Systèmes d'Information" });
    await tick(1_100);
    expect((await loop.sync()).summary.status).toBe("succeeded");
    const refused = (await loop.store.listErrors({ status: "open" })).filter((e) => e.recordId === lead);
    expect(refused.map((e) => e.message)).toEqual([expect.stringContaining("INACTIVE_OWNER_OR_USER")]);
    // An admin gives her Lead to Jordan, then a data steward's note touches every other Lead.
    await tick(1_100);
    loop.salesforce.data.update("Lead", lead, { OwnerId: reps.get(REPS.fallback.email)!.salesforce });
    for (const l of loop.salesforce.data.list("Lead"))
      if (l.Id !== lead && !l.IsConverted) loop.salesforce.data.update("Lead", String(l.Id), { Description: "Revue trimestrielle — équipe Île-de-France" });
    await tick(1_100);
    const perCommit: { cursors: string[]; reads: number }[] = [];
    const run = await loop.sync({ store: countingStore(loop.store, perCommit) });
    expect(run.summary.status).toBe("succeeded");
    // Two API pages of Leads, one group: the first page's 2,000 echoes settled with one read, the rest with
    // the group's; then the stream's signpost.
    expect(perCommit.filter((c) => c.cursors.includes("salesforce Lead")).map((c) => c.reads)).toEqual([2, 0]);
    expect(loop.salesforce.data.get("Lead", lead)?.Title).toBe("Directrice des Systèmes d'Information");
    expect((await loop.store.listErrors({})).find((e) => e.id === refused[0]!.id)?.status).toBe("resolved");
    expect(run.summary.unchanged).toBeGreaterThanOrEqual(2_000);
  }, 120_000);
});
