// An admin adds a field to a mapping after the first load: the records already linked get it on the next
// run, not only those someone edits later, and nothing is made twice.
import { loadMappings } from "../../src/config/mapping-file.js";
import type { ObjectMapping } from "../../src/core/mapping.js";
import { SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { infoLog } from "../support/info-log.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";

/** The shipped mappings as an admin had them before adding Title: the contact↔Lead pair without it. */
function withoutTitle(mappings: ObjectMapping[]): ObjectMapping[] {
  return mappings.map((m) =>
    m.crmObject === "Lead" ? { ...m, fields: m.fields.filter((f) => f.crm !== "Title") } : m,
  );
}

describe("a field added to a mapping", () => {
  let loop: LoopHarness;
  // Runs an hour apart, past every look-back (Salesforce's is five minutes): the records linked before are
  // read again only if the run asks for them, not because they are recent.
  const { now, later } = movingClock(3_600_000);
  afterEach(async () => {
    await loop.close();
  });

  it("is written to the records linked before, on the next run, with no record made twice", async () => {
    const shipped = loadMappings(SHIPPED_MAPPINGS);
    loop = await startLoop({ mappings: shipped, now });
    const ines = loop.hubspot.data.createObject("contacts", {
      email: "ines.ferreira@lisboa-logistica.pt",
      firstname: "Inês",
      lastname: "Ferreira",
      company: "Lisboa Logística",
      jobtitle: "Diretora de Operações",
    });
    const tomasz = loop.hubspot.data.createObject("contacts", {
      email: "tomasz.wrobel@gdansk-port.pl",
      firstname: "Tomasz",
      lastname: "Wróbel",
      company: "Gdańsk Port Services",
    });
    const before = withoutTitle(shipped);
    later();
    const first = await loop.sync({ mappings: before });
    expect(first.summary.created.salesforce).toBe(2);
    const titles = () =>
      loop.salesforce.data
        .query("SELECT HubSpot_Contact_Id__c, Title FROM Lead WHERE HubSpot_Contact_Id__c != null")
        .records.map((r) => [r.HubSpot_Contact_Id__c, r.Title ?? null]);
    expect(titles()).toEqual(expect.arrayContaining([[ines.id, null], [tomasz.id, null]]));
    later();
    // A run with nothing changed since, as an idle schedule makes them.
    expect((await loop.sync({ mappings: before })).summary.updated.salesforce).toBe(0);
    later();

    const secondLog = infoLog();
    const second = await loop.sync({ mappings: shipped, log: secondLog.log });

    expect(second.summary.status).toBe("succeeded");
    expect(second.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(second.summary.updated.salesforce).toBe(1);
    expect(titles()).toHaveLength(2);
    expect(titles()).toEqual(expect.arrayContaining([[ines.id, "Diretora de Operações"], [tomasz.id, null]]));
    // README "Mappings": the run says at info which fields it found added and which objects it reads again.
    expect(secondLog.lines().filter((l) => l.message === "mapping.fields_added")).toEqual([
      expect.objectContaining({ level: "info", pair: "contact", fields: ["Lead:jobtitle>Title"], reread: ["salesforce Lead"] }),
    ]);
    later();
    // Once synced, the field is like the others: the next run reads nothing again for it, and says nothing.
    const thirdLog = infoLog();
    const third = await loop.sync({ mappings: shipped, log: thirdLog.log });
    expect(third.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    expect(thirdLog.lines().map((l) => l.message)).not.toContain("mapping.fields_added");
  });
});
