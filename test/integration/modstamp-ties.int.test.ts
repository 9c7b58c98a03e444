// Salesforce keeps dateTimes to the second, so records saved together share one SystemModstamp, and a
// query answers at most 2,000 rows a page (REST API Developer Guide, "Query": batches of 2,000 behind
// nextRecordsUrl; SOQL and SOSL Reference: dateTimes to the second). leadloop's change cursor is
// (SystemModstamp, Id) with a look-back; through the engine, more ties than one page holds are read once.
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { contactMappings } from "../support/test-mappings.js";

const MINUTE = 60_000;
/** More Leads in one second than one query page (2,000) holds. */
const TIES = 2_600;

describe("records sharing one SystemModstamp across a page boundary", () => {
  let loop: LoopHarness;
  let t = Date.parse("2026-03-02T09:00:00.000Z");
  const now = () => new Date(t);

  beforeAll(async () => {
    loop = await startLoop({ mappings: contactMappings(), now });
  });
  afterAll(async () => {
    await loop.close();
  });

  /** A rep's import: `count` Leads saved in one second (accents, mixed-case emails, some without a title). */
  const importLeads = (domain: string, count: number, at: Date) => {
    for (let i = 0; i < count; i++) {
      loop.salesforce.data.insert(
        "Lead",
        {
          FirstName: i % 3 === 0 ? "Zoë" : "Jürgen",
          LastName: `Müller-${i}`,
          Company: i % 2 === 0 ? "Kraków Logistics" : "Nordlys AB",
          Email: `Lead.${i}@${domain}`,
          ...(i % 5 === 0 ? {} : { Title: "Responsable des achats" }),
        },
        at,
      );
    }
  };
  const contactsAt = (domain: string) =>
    loop.hubspot.data.listObjects("contacts").filter((c) => c.properties.email?.endsWith(`@${domain.toLowerCase()}`));

  it("are each read once and synced once, and the next runs write nothing", async () => {
    loop.salesforce.data.insert("Lead", {
      FirstName: "Søren",
      LastName: "Kierkegaard",
      Company: "Øresund Logistik",
      Email: "soren.k@oresund.dk",
    });
    const first = await loop.sync();
    expect(first.summary.created).toEqual({ hubspot: 1, salesforce: 0 });

    // A rep's import: 2,600 Leads saved in one second.
    t += 10 * MINUTE;
    importLeads("Tie-Import.example", TIES, new Date(t + 400));
    const stamps = new Set(
      loop.salesforce.data
        .list("Lead")
        .filter((l) => String(l.Email).toLowerCase().endsWith("@tie-import.example"))
        .map((l) => l.SystemModstamp),
    );
    expect(stamps.size).toBe(1);

    t += 10 * MINUTE;
    const run = await loop.sync();
    expect(run.summary.status).toBe("succeeded");
    // Read once each within the run (the look-back reaches back before the import, where only Søren's
    // Lead, stamped by the first run, may be read again), created once each.
    expect(run.summary.read.salesforce).toBeGreaterThanOrEqual(TIES);
    expect(run.summary.read.salesforce).toBeLessThanOrEqual(TIES + 1);
    expect(run.summary.created).toEqual({ hubspot: TIES, salesforce: 0 });
    const contacts = loop.hubspot.data
      .listObjects("contacts")
      .filter((c) => c.properties.email?.endsWith("@tie-import.example"));
    expect(contacts).toHaveLength(TIES);
    expect(new Set(contacts.map((c) => c.properties.email)).size).toBe(TIES);
    expect(contacts.find((c) => c.properties.email === "lead.2599@tie-import.example")?.properties).toMatchObject({
      firstname: "Jürgen",
      jobtitle: "Responsable des achats",
    });
    const stamped = loop.salesforce.data
      .list("Lead")
      .filter((l) => String(l.Email).toLowerCase().endsWith("@tie-import.example") && l.HubSpot_Contact_Id__c);
    expect(stamped).toHaveLength(TIES);

    // The next runs read leadloop's own stamps back (again all in a few seconds) and write nothing.
    for (const gap of [10 * MINUTE, 10 * MINUTE]) {
      t += gap;
      const quiet = await loop.sync();
      expect(quiet.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
      expect(quiet.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    }
    expect(
      loop.hubspot.data.listObjects("contacts").filter((c) => c.properties.email?.endsWith("@tie-import.example")),
    ).toHaveLength(TIES);
  }, 180_000);

  it("a run stopped at the page boundary inside the ties resumes from its cursor and creates each contact once", async () => {
    t += 10 * MINUTE;
    importLeads("Resumed-Import.example", TIES, new Date(t + 700));
    t += 10 * MINUTE;
    // The second page of the query is refused: the run stops after the first page's group was synced,
    // its cursor saved at (the shared second, the last Id of page one).
    loop.salesforce.faults.add({ requests: [{ kind: "status", status: 400, path: "/query/01g", times: 1 }] });
    await expect(loop.sync()).rejects.toThrow(/Salesforce call failed/);
    const firstPage = contactsAt("Resumed-Import.example").length;
    expect(firstPage).toBeGreaterThan(0);
    expect(firstPage).toBeLessThan(TIES);

    t += 10 * MINUTE;
    const resumed = await loop.sync();
    expect(resumed.summary.status).toBe("succeeded");
    expect(resumed.summary.created.hubspot).toBe(TIES - firstPage);
    const contacts = contactsAt("Resumed-Import.example");
    expect(contacts).toHaveLength(TIES);
    expect(new Set(contacts.map((c) => c.properties.email)).size).toBe(TIES);
    const stamped = loop.salesforce.data
      .list("Lead")
      .filter((l) => String(l.Email).toLowerCase().endsWith("@resumed-import.example") && l.HubSpot_Contact_Id__c);
    expect(stamped).toHaveLength(TIES);
  }, 180_000);
});
