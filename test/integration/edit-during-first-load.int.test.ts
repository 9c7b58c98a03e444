// A user's edit made while the first load runs (after leadloop read the contact, before its drain wrote
// to it) is not taken for leadloop's own write coming back: the contact's modification time is then
// leadloop's write's, yet the next run reads the edit and carries it, to the Lead with Salesforce as the
// CRM and to the fit score with HubSpot's own objects. The run after a first load re-reads every contact
// the first load wrote, and tells echoes by their values (page-sync.ts `linkedEchoes`), not by that time.
import { funnelFor, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

let loop: LoopHarness;
beforeEach(async () => {
  loop = await startLoop();
  seedReps(loop);
});
afterEach(async () => loop.close());

const PEOPLE = [
  { email: "zoe.lefevre@brasserie-du-quai.fr", firstname: "Zoé", lastname: "Lefèvre", jobtitle: "Stagiaire" },
  { email: "JOSE.nunez@ejemplo-ibérico.es", firstname: "José", lastname: "Núñez", jobtitle: "  " },
  { email: "m.ostergaard@fjordkraft.dk", firstname: "Mårten", lastname: "Østergaard", jobtitle: "Analyst" },
];
/** Her new title: a decision-maker's (20 fit points in the shipped qualification), long and accented. */
const NEW_TITLE = "Directrice générale adjointe, responsable des opérations commerciales Europe du Sud";

describe("a contact edited while the first load runs", () => {
  it.each(["salesforce", "hubspot"] as const)("is carried by the next run (crm: %s)", async (crm) => {
    const hs = loop.hubspot.data;
    const ids = PEOPLE.map((p) => hs.createObject("contacts", p).id);
    // With Salesforce as the CRM each has a Lead the contact pair links (and stamps, in the drain).
    if (crm === "salesforce")
      for (const p of PEOPLE)
        loop.salesforce.data.insert("Lead", { FirstName: p.firstname, LastName: p.lastname, Company: "Brasserie", Email: p.email.trim(), Status: "Working - Contacted" });
    const funnel = funnelFor(loop, crm);
    const sync = (extra: object = {}) =>
      loop.sync(crm === "salesforce" ? { funnel, ...extra } : { funnel, mappings: [], crm: loop.hubspotAdapter, ...extra });

    // The edit lands once every contact is read and decided, before the drain writes to them.
    const edited = ids[0]!;
    let editedAt: string | undefined;
    const first = await sync({
      onProgress: (p: { phase: string }) => {
        if (p.phase !== "outbox" || editedAt) return;
        hs.updateObject("contacts", edited, { jobtitle: NEW_TITLE });
        editedAt = hs.getObject("contacts", edited)!.properties.lastmodifieddate;
      },
    });
    expect(first.summary.status).toBe("succeeded");
    expect(editedAt).toBeDefined();
    // leadloop wrote to her after the edit: her modification time is its write's.
    expect(hs.getObject("contacts", edited)!.properties.lastmodifieddate! > editedAt!).toBe(true);
    expect(hs.getObject("contacts", edited)!.properties.jobtitle).toBe(NEW_TITLE);
    const fitBefore = Number(hs.getObject("contacts", edited)!.properties.leadloop_fit_score ?? 0);
    await tick();

    expect((await sync()).summary.status).toBe("succeeded");
    if (crm === "salesforce") {
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === edited)!;
      expect(lead.Title).toBe(NEW_TITLE);
      const others = loop.salesforce.data.list("Lead").filter((l) => l.HubSpot_Contact_Id__c !== edited);
      expect(others.map((l) => l.Title ?? null).sort()).toEqual(["Analyst", null]);
    }
    // The new title is scored: 20 decision-maker points more.
    expect(Number(hs.getObject("contacts", edited)!.properties.leadloop_fit_score)).toBe(fitBefore + 20);
  });
});
