// A field changed on both sides under `most_recent` is settled by when each side changed THAT field
// (HubSpot property history, Salesforce field history, else the Lead's LastModifiedDate), not by when
// anything last touched the records (ARCHITECTURE.md "Three-way merge"). One clock for both emulators
// and leadloop, moved by minutes, so each edit has its own time however fast the test runs.
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { recordActivity } from "../../src/sandbox/hubspot/emulator.js";
import type { SalesforceEmulatorOptions } from "../../src/sandbox/salesforce/emulator.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { contactMappings } from "../support/test-mappings.js";
import { movingClock } from "../support/moving-clock.js";

const MINUTE = 60_000;
/** Past the HubSpot emulator's search index lag (5 s), inside the look-backs. */
const PAST_SEARCH_LAG = 6_000;

/**
 * The calls that ask a system when a field changed: property history, field history, LastModifiedDate,
 * the last two as calls of their own or together in a composite call (each of its queries' statements
 * is in `statements`).
 */
function historyCalls(calls: readonly ObservedCall[]): ObservedCall[] {
  return calls.filter((c) => {
    if (c.path.endsWith("/batch/read")) return "propertiesWithHistory" in (c.body as object);
    return statements(c).some((q) => /FROM \w*History\b/.test(q) || /LastModifiedDate FROM/.test(q));
  });
}

/** The SOQL a call sends: its own `q`, or each query subrequest's of a composite call. */
function statements(call: ObservedCall): string[] {
  if (!call.path.endsWith("/composite")) return [call.query.get("q") ?? ""];
  const subs = (call.body as { compositeRequest?: { url: string }[] }).compositeRequest ?? [];
  return subs.map((s) => new URLSearchParams(s.url.split("?")[1] ?? "").get("q") ?? "");
}

describe("a most_recent conflict", () => {
  let loop: LoopHarness;
  const { now, later, reset } = movingClock();

  async function start(
    salesforce: SalesforceEmulatorOptions = {},
    mappings = contactMappings("most_recent"),
    /** More of the contact's properties, given once the emulators run (owners to seed first, say). */
    more: () => Record<string, string> = () => ({}),
  ): Promise<{ contactId: string; leadId: string }> {
    loop = await startLoop({ mappings, now, salesforce });
    const contact = loop.hubspot.data.createObject("contacts", {
      email: "Zoe.Angstrom@Nordlys.se",
      firstname: "Zoë",
      lastname: "Ångström",
      company: "Nordlys AB",
      jobtitle: "Responsable marketing",
      city: "Göteborg",
      ...more(),
    });
    later(PAST_SEARCH_LAG);
    expect((await loop.sync()).summary.status).toBe("succeeded");
    const leadId = (await loop.store.findLinkByMarketing("contact", contact.id))!.crmId;
    return { contactId: contact.id, leadId };
  }

  /** A sync with the calls each emulator answered during it. */
  async function sync() {
    later(PAST_SEARCH_LAG);
    const calls: ObservedCall[] = [];
    const stops = [loop.hubspot.calls.observe((c) => calls.push(c)), loop.salesforce.calls.observe((c) => calls.push(c))];
    try {
      const result = await loop.sync();
      expect(result.summary.status).toBe("succeeded");
      return { result, calls };
    } finally {
      for (const stop of stops) stop();
    }
  }

  const title = (leadId: string) => loop.salesforce.data.get("Lead", leadId)?.Title;
  const jobtitle = (contactId: string) => loop.hubspot.data.getObject("contacts", contactId)?.properties.jobtitle;

  afterEach(async () => {
    await loop.close();
    reset();
  });

  it("goes to the rep who changed the Title after the marketer, though a page view touched the contact later", async () => {
    const { contactId, leadId } = await start();
    later(MINUTE);
    loop.hubspot.data.updateObject("contacts", contactId, { jobtitle: "Directrice Marketing Europe" });
    later(MINUTE);
    loop.salesforce.data.update("Lead", leadId, { Title: "Head of Marketing, DACH & Nordics" });
    later(MINUTE);
    recordActivity(loop.hubspot.data, {
      contactId,
      kind: "pageView",
      properties: { hs_url: "https://nordlys.se/préstations/tarifs", hs_title: "Tarifs" },
    });

    const { result } = await sync();
    expect(result.summary.conflicts).toBe(1);
    expect(title(leadId)).toBe("Head of Marketing, DACH & Nordics");
    expect(jobtitle(contactId)).toBe("Head of Marketing, DACH & Nordics");
    // The audit says which times decided it: each side's change of the field, from its history.
    const audit = await loop.store.listAudit([contactId]);
    const written = audit.find((a) => a.field === "jobtitle" && a.after === "Head of Marketing, DACH & Nordics");
    expect(written?.rule).toMatch(/^conflict: most_recent \(marketing \S+ by field history, crm \S+ by field history\)$/);
  });

  it("goes to the marketer who changed the job title after the rep, though the Lead was edited later", async () => {
    const { contactId, leadId } = await start();
    later(MINUTE);
    loop.salesforce.data.update("Lead", leadId, { Title: "Responsable Marketing Île-de-France" });
    later(MINUTE);
    loop.hubspot.data.updateObject("contacts", contactId, { jobtitle: "Directrice Marketing Europe" });
    later(MINUTE);
    // The rep edits another field of the Lead, which moves its LastModifiedDate and SystemModstamp.
    loop.salesforce.data.update("Lead", leadId, { Company: "Nordlys AB (Göteborg)" });

    const { result } = await sync();
    expect(result.summary.conflicts).toBe(1);
    expect(jobtitle(contactId)).toBe("Directrice Marketing Europe");
    expect(title(leadId)).toBe("Directrice Marketing Europe");
  });

  it("goes by the Lead's LastModifiedDate when the org does not track the Title's history", async () => {
    // Title left out of the Lead's tracked fields: its changes leave no LeadHistory row.
    const { contactId, leadId } = await start({ trackedFields: { Lead: ["Phone", "Email", "Status"] } });
    later(MINUTE);
    loop.salesforce.data.update("Lead", leadId, { Title: "Head of Marketing, DACH & Nordics" });
    later(MINUTE);
    loop.hubspot.data.updateObject("contacts", contactId, { jobtitle: "Directrice Marketing Europe" });
    later(MINUTE);
    // Something other than an edit moves the Lead's SystemModstamp only (a system process, a recalculation).
    const lead = loop.salesforce.data.get("Lead", leadId)!;
    loop.salesforce.data.store.put("Lead", { ...lead, SystemModstamp: `${now().toISOString().slice(0, 19)}.000+0000` });
    expect(loop.salesforce.data.query(`SELECT Id FROM LeadHistory WHERE LeadId = '${leadId}' AND Field = 'Title'`).records).toEqual([]);

    const { result, calls } = await sync();
    expect(result.summary.conflicts).toBe(1);
    expect(jobtitle(contactId)).toBe("Directrice Marketing Europe");
    expect(title(leadId)).toBe("Directrice Marketing Europe");
    expect(historyCalls(calls).some((c) => statements(c).some((q) => /SELECT Id, LastModifiedDate FROM Lead /.test(q)))).toBe(true);
    // Oldest first: the Lead's create, then the conflict's write.
    const audit = await loop.store.listAudit([leadId]);
    expect(audit.filter((a) => a.field === "Title").at(-1)?.rule).toMatch(/marketing \S+ by field history, crm \S+ by last edit\)$/);
  });

  it("goes by the Address row for a Lead's City, since an org tracks an address as its compound field", async () => {
    const mappings = contactMappings("prefer_crm");
    mappings[0]!.fields.push({ marketing: "city", crm: "City", direction: "both", conflict: "most_recent", transforms: [{ kind: "trim" }] });
    const { contactId, leadId } = await start({ trackedFields: { Lead: ["Address", "Phone", "Email", "Status"] } }, mappings);
    expect(loop.salesforce.data.get("Lead", leadId)?.City).toBe("Göteborg");
    later(MINUTE);
    loop.salesforce.data.update("Lead", leadId, { City: "Malmö" });
    later(MINUTE);
    loop.hubspot.data.updateObject("contacts", contactId, { city: "Lund" });
    later(MINUTE);
    // The rep edits another field of the Lead: its LastModifiedDate moves past the marketer's change.
    loop.salesforce.data.update("Lead", leadId, { Company: "Nordlys AB (Skåne)" });

    const { result } = await sync();
    expect(result.summary.conflicts).toBe(1);
    expect(loop.hubspot.data.getObject("contacts", contactId)?.properties.city).toBe("Lund");
    expect(loop.salesforce.data.get("Lead", leadId)?.City).toBe("Lund");
    const audit = await loop.store.listAudit([leadId]);
    expect(audit.filter((a) => a.field === "City").at(-1)?.rule).toMatch(/marketing \S+ by field history, crm \S+ by field history\)$/);
  });

  it("goes by the Owner rows for a Lead's OwnerId, since an org records a lookup under its relationship's name, ids and names apart", async () => {
    const reps = [
      { email: "ingrid.sjoberg@nordlys.se", firstName: "Ingrid", lastName: "Sjöberg" },
      { email: "bjorn.lindqvist@nordlys.se", firstName: "Björn", lastName: "Lindqvist" },
      { email: "aino.maki@nordlys.se", firstName: "Aino", lastName: "Mäki" },
    ];
    const owners: { hubspot: string; salesforce: string }[] = [];
    const mappings = contactMappings("prefer_crm");
    const { contactId, leadId } = await start({ trackedFields: { Lead: ["OwnerId", "Phone", "Email", "Status"] } }, mappings, () => {
      for (const rep of reps) {
        const salesforce = loop.salesforce.data.insert("User", { Username: `${rep.email}.crm`, Email: rep.email, FirstName: rep.firstName, LastName: rep.lastName, IsActive: true });
        owners.push({ hubspot: loop.hubspot.data.addOwner(rep).id, salesforce });
      }
      const values = Object.fromEntries(owners.map((o) => [o.hubspot, o.salesforce]));
      mappings[0]!.fields.push({ marketing: "hubspot_owner_id", crm: "OwnerId", direction: "both", conflict: "most_recent", transforms: [{ kind: "value_map", values, caseInsensitive: false }] });
      return { hubspot_owner_id: owners[0]!.hubspot };
    });
    const [ingrid, bjorn, aino] = owners as [(typeof owners)[0], (typeof owners)[0], (typeof owners)[0]];
    expect(loop.salesforce.data.get("Lead", leadId)?.OwnerId).toBe(ingrid.salesforce);
    later(MINUTE);
    loop.salesforce.data.update("Lead", leadId, { OwnerId: bjorn.salesforce });
    later(MINUTE);
    loop.hubspot.data.updateObject("contacts", contactId, { hubspot_owner_id: aino.hubspot });
    later(MINUTE);
    // The rep edits another field of the Lead: its LastModifiedDate moves past the marketer's change.
    loop.salesforce.data.update("Lead", leadId, { Company: "Nordlys AB (Stockholm)" });
    const rows = loop.salesforce.data.query(`SELECT DataType FROM LeadHistory WHERE LeadId = '${leadId}' AND Field = 'Owner'`).records;
    expect(rows.map((r) => r.DataType).sort()).toEqual(["EntityId", "Text"]);

    const { result } = await sync();
    expect(result.summary.conflicts).toBe(1);
    expect(loop.hubspot.data.getObject("contacts", contactId)?.properties.hubspot_owner_id).toBe(aino.hubspot);
    expect(loop.salesforce.data.get("Lead", leadId)?.OwnerId).toBe(aino.salesforce);
    const audit = await loop.store.listAudit([leadId]);
    expect(audit.filter((a) => a.field === "OwnerId").at(-1)?.rule).toMatch(/marketing \S+ by field history, crm \S+ by field history\)$/);
  });

  it("asks for history only about the records in conflict, and nothing on a run without one", async () => {
    const zoe = await start();
    const olafur = loop.hubspot.data.createObject("contacts", {
      email: "Olafur.Sigurdsson@Hafnarfjordur.is",
      firstname: "Ólafur",
      lastname: "Sigurðsson",
      company: "Hafnarfjörður Fiskur ehf.",
      jobtitle: "Sölustjóri",
    });
    later(MINUTE);
    await sync();
    const olafurLead = (await loop.store.findLinkByMarketing("contact", olafur.id))!.crmId;

    later(MINUTE);
    loop.hubspot.data.updateObject("contacts", zoe.contactId, { jobtitle: "Directrice Marketing Europe" });
    loop.hubspot.data.updateObject("contacts", olafur.id, { jobtitle: "Framkvæmdastjóri sölu" });
    later(MINUTE);
    loop.salesforce.data.update("Lead", zoe.leadId, { Title: "Head of Marketing, DACH & Nordics" });
    // Ólafur's Lead changes another field: no conflict, nothing to ask.
    loop.salesforce.data.update("Lead", olafurLead, { Phone: "+354 555 1234" });

    const conflicted = await sync();
    expect(conflicted.result.summary.conflicts).toBe(1);
    expect(title(olafurLead)).toBe("Framkvæmdastjóri sölu");
    const asked = historyCalls(conflicted.calls);
    const named = (id: string) => asked.filter((c) => JSON.stringify(c.body ?? null).includes(id) || statements(c).some((q) => q.includes(id)));
    expect(named(zoe.contactId)).toHaveLength(1);
    expect(named(zoe.leadId)).toHaveLength(1);
    expect(named(olafur.id)).toEqual([]);
    expect(named(olafurLead)).toEqual([]);

    later(MINUTE);
    loop.hubspot.data.updateObject("contacts", olafur.id, { jobtitle: "Forstjóri" });
    loop.salesforce.data.update("Lead", zoe.leadId, { Phone: "+46 31 123 45 67" });
    const quiet = await sync();
    expect(quiet.result.summary.conflicts).toBe(0);
    expect(title(olafurLead)).toBe("Forstjóri");
    expect(historyCalls(quiet.calls)).toEqual([]);
  });
});
