// The emulators answer through indexes (Salesforce: Id, lookups, Email, unique and external ids, audit
// dateTimes; HubSpot: ids, emails, the modified date). An index changes how fast an answer comes, never
// what it is: each answer here is checked against the same filter written out over every record, after
// the writes that move index entries (changed emails, re-stamped rows, deletes, rolled-back saves, merges).
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { SortedIndex } from "../../src/sandbox/emulator/sorted-index.js";

const BASE = Date.parse("2026-03-02T09:00:00.000Z");

describe("SortedIndex", () => {
  it("keeps ids in key order whatever order keys arrive in, moves and removes them", () => {
    const index = new SortedIndex();
    const keys = new Map<string, number>();
    // A shuffled, back-dated load with many ties: 5,000 ids over 700 distinct keys.
    for (let i = 0; i < 5000; i++) {
      const key = ((i * 7919) % 700) * 1000;
      keys.set(`id${i}`, key);
      index.set(`id${i}`, key);
    }
    for (let i = 0; i < 5000; i += 3) {
      keys.set(`id${i}`, 999_000 + i);
      index.set(`id${i}`, 999_000 + i);
    }
    for (let i = 1; i < 5000; i += 10) {
      keys.delete(`id${i}`);
      index.remove(`id${i}`);
    }
    const expected = (low: number, high: number) =>
      [...keys]
        .filter(([, k]) => k >= low && k <= high)
        .sort(([a, ka], [b, kb]) => ka - kb || (a < b ? -1 : 1))
        .map(([id]) => id);
    for (const [low, high] of [
      [0, 0],
      [5000, 250_000],
      [699_000, 999_000],
      [-1, Number.POSITIVE_INFINITY],
      [500, 400],
    ] as const) {
      expect(index.range(low, high)).toEqual(expected(low, high));
      expect(index.count(low, high)).toBe(expected(low, high).length);
    }
    expect(index.size).toBe(keys.size);
  });
});

describe("Salesforce emulator answers through its indexes as a scan would", () => {
  let sf: SalesforceEmulator;
  const soql = (q: string) => sf.data.query(q).records.map((r) => String(r.Id));
  const all = () => sf.data.list("Lead");

  beforeAll(async () => {
    sf = await startSalesforceEmulator({ now: () => new Date(BASE + 3_600_000) });
    for (let i = 0; i < 300; i++) {
      sf.data.insert(
        "Lead",
        {
          FirstName: i % 4 === 0 ? "Zoë" : "Jürgen",
          LastName: `Müller-${i}`,
          Company: i % 2 === 0 ? "Kraków Logistics" : "Nordlys AB",
          Email: i % 9 === 0 ? null : `Lead.${i}@Example.COM`,
          HubSpot_Contact_Id__c: String(10_000 + i),
        },
        // Ten Leads a second: ties at every second, and some milliseconds Salesforce drops.
        new Date(BASE + Math.floor(i / 10) * 1000 + (i % 10) * 37),
      );
    }
  });
  afterAll(async () => {
    await sf.close();
  });

  it("matches IN and = on Email and external ids ignoring case, and Ids in their 15-character form", () => {
    // Without ORDER BY the order is Salesforce's to choose (the emulator answers against the stored order).
    const byEmail = soql("SELECT Id FROM Lead WHERE Email IN ('lead.3@example.com', 'LEAD.4@EXAMPLE.COM', 'nobody@x.io')");
    expect([...byEmail].sort()).toEqual(
      all()
        .filter((l) => ["lead.3@example.com", "lead.4@example.com"].includes(String(l.Email).toLowerCase()))
        .map((l) => String(l.Id))
        .sort(),
    );
    expect(byEmail).toHaveLength(2);
    const target = all()[42]!;
    expect(soql(`SELECT Id FROM Lead WHERE Id = '${String(target.Id).slice(0, 15)}'`)).toEqual([String(target.Id)]);
    expect(soql("SELECT Id FROM Lead WHERE HubSpot_Contact_Id__c = '10042' AND FirstName = 'Zoë'")).toEqual([]);
    expect(soql("SELECT Id FROM Lead WHERE HubSpot_Contact_Id__c = '10044' AND FirstName = 'Zoë'")).toEqual([
      String(all()[44]!.Id),
    ]);
    // An OR with a side no index answers reads every row.
    expect(soql("SELECT Id FROM Lead WHERE Email = 'lead.5@example.com' OR LastName = 'Müller-7'").sort()).toEqual(
      [all()[5]!, all()[7]!].map((l) => String(l.Id)).sort(),
    );
  });

  it("reads SystemModstamp windows to the second, ties in Id order, with LIMIT and OFFSET", () => {
    // SOQL's dateTime literals are to the second ("Date Formats and Date Literals in WHERE").
    const from = `${new Date(BASE + 5_500).toISOString().slice(0, 19)}Z`;
    const until = `${new Date(BASE + 12_000).toISOString().slice(0, 19)}Z`;
    const got = soql(
      `SELECT Id FROM Lead WHERE SystemModstamp >= ${from} AND SystemModstamp <= ${until} ORDER BY SystemModstamp, Id LIMIT 40 OFFSET 5`,
    );
    const second = (l: Record<string, unknown>) => Math.floor(Date.parse(String(l.SystemModstamp).replace("+0000", "Z")) / 1000);
    const expected = all()
      .filter((l) => second(l) >= (BASE + 5_000) / 1000 && second(l) <= (BASE + 12_000) / 1000)
      .sort((a, b) => second(a) - second(b) || (String(a.Id).toUpperCase() < String(b.Id).toUpperCase() ? -1 : 1))
      .map((l) => String(l.Id))
      .slice(5, 45);
    expect(got).toEqual(expected);
    expect(got).toHaveLength(40);
  });

  it("follows changed emails, re-stamped rows and deletes, and queryAll still finds the deleted", () => {
    const [a, b] = [all()[10]!, all()[11]!];
    sf.data.update("Lead", String(a.Id), { Email: "Renamed.Lead@Example.com" }, new Date(BASE + 2_000_000));
    sf.data.delete("Lead", String(b.Id), new Date(BASE + 2_000_000));
    expect(soql("SELECT Id FROM Lead WHERE Email = 'lead.10@example.com'")).toEqual([]);
    expect(soql("SELECT Id FROM Lead WHERE Email = 'renamed.lead@example.com'")).toEqual([String(a.Id)]);
    expect(soql(`SELECT Id FROM Lead WHERE SystemModstamp >= ${new Date(BASE + 2_000_000).toISOString().slice(0, 19)}Z`)).toEqual([
      String(a.Id),
    ]);
    const deleted = sf.data.query("SELECT Id, IsDeleted FROM Lead WHERE Email = 'lead.11@example.com'");
    expect(deleted.totalSize).toBe(0);
    expect(sf.data.query("SELECT Id FROM Lead WHERE Email = 'lead.11@example.com'", { includeDeleted: true }).records.map((r) => r.Id)).toEqual([
      b.Id,
    ]);
  });

  it("undoes a rolled-back all-or-none save in the indexes too", async () => {
    const res = await fetch(`${sf.url}/services/data/v62.0/composite/sobjects`, {
      method: "POST",
      headers: { authorization: `Bearer ${sf.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        allOrNone: true,
        records: [
          { attributes: { type: "Lead" }, LastName: "Rolled", Company: "Back", Email: "rolled.back@example.com" },
          { attributes: { type: "Lead" }, LastName: "Second", Company: "Back", HubSpot_Contact_Id__c: "99999" },
          { attributes: { type: "Lead" }, LastName: "Bad", Company: "Back", Status: "Not A Status" },
        ],
      }),
    });
    expect(res.status).toBe(200);
    expect(soql("SELECT Id FROM Lead WHERE Email = 'rolled.back@example.com' OR HubSpot_Contact_Id__c = '99999'")).toEqual([]);
    expect(soql("SELECT Id FROM Lead WHERE Email = 'rolled.back@example.com'")).toEqual([]);
    expect(soql("SELECT Id FROM Lead WHERE HubSpot_Contact_Id__c = '99999'")).toEqual([]);
    // A save that works afterwards takes the same values: nothing of the rolled-back one is left behind.
    sf.data.insert("Lead", { LastName: "Kept", Company: "Back", Email: "rolled.back@example.com", HubSpot_Contact_Id__c: "99999" });
    expect(soql("SELECT Id FROM Lead WHERE HubSpot_Contact_Id__c = '99999'")).toHaveLength(1);
  });
});

describe("HubSpot emulator answers through its indexes as a scan would", () => {
  let hs: HubspotEmulator;
  const search = async (body: unknown) => {
    const res = await fetch(`${hs.url}/crm/v3/objects/contacts/search`, {
      method: "POST",
      headers: { authorization: `Bearer ${hs.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ limit: 200, ...(body as object) }),
    });
    const json = (await res.json()) as { total: number; results: { id: string }[] };
    return json.results.map((r) => r.id);
  };

  beforeAll(async () => {
    hs = await startHubspotEmulator({ searchLagMs: 0, limits: { searchPerSecond: 1000, burstPer10Seconds: 100_000 } });
    for (let i = 0; i < 150; i++) {
      hs.data.createObject(
        "contacts",
        { email: `Contact.${i}@Fjord.example`, firstname: i % 3 === 0 ? "Åsa" : "Inès" },
        // Back-dated out of order, with ties.
        new Date(BASE + ((i * 37) % 50) * 1000),
      );
    }
  });
  afterAll(async () => {
    await hs.close();
  });

  it("finds by email ignoring case, by ids written with leading zeros, and by modified-date windows in order", async () => {
    const contacts = hs.data.listObjects("contacts");
    expect(await search({ filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ", value: "CONTACT.7@fjord.EXAMPLE" }] }] })).toEqual([
      contacts[7]!.id,
    ]);
    expect(
      await search({ filterGroups: [{ filters: [{ propertyName: "hs_object_id", operator: "IN", values: [`0${contacts[3]!.id}`, contacts[5]!.id] }] }] }),
    ).toEqual([contacts[3]!.id, contacts[5]!.id]);
    const low = BASE + 10_000;
    const high = BASE + 20_000;
    const window = await search({
      filterGroups: [
        {
          filters: [
            { propertyName: "lastmodifieddate", operator: "GTE", value: String(low) },
            { propertyName: "lastmodifieddate", operator: "LT", value: new Date(high).toISOString() },
            { propertyName: "firstname", operator: "EQ", value: "åsa" },
          ],
        },
      ],
      sorts: [{ propertyName: "lastmodifieddate", direction: "ASCENDING" }],
    });
    const expected = contacts
      .filter((c) => c.properties.firstname === "Åsa" && c.updatedAt.getTime() >= low && c.updatedAt.getTime() < high)
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || Number(a.id) - Number(b.id))
      .map((c) => c.id);
    expect(window).toEqual(expected);
    expect(window.length).toBeGreaterThan(1);
  });

  it("follows changed emails and merges: the old email finds nobody, a merged-away email finds the merged record", async () => {
    const contacts = hs.data.listObjects("contacts");
    hs.data.updateObject("contacts", contacts[8]!.id, { email: "renamed@fjord.example" });
    expect(await search({ filterGroups: [{ filters: [{ propertyName: "email", operator: "EQ", value: "contact.8@fjord.example" }] }] })).toEqual([]);
    expect(hs.data.findObject("contacts", "renamed@fjord.example", "email")?.id).toBe(contacts[8]!.id);
    const merged = hs.data.mergeContacts(contacts[9]!.id, contacts[10]!.id);
    expect(hs.data.findObject("contacts", "contact.10@fjord.example", "email")?.id).toBe(merged.id);
    expect(hs.data.findObject("contacts", "contact.9@fjord.example", "email")?.id).toBe(merged.id);
    // The list endpoint pages past the merged-away ids; the merged record, with its new id, comes last.
    const res = await fetch(`${hs.url}/crm/v3/objects/contacts?limit=3&after=${contacts[10]!.id}`, {
      headers: { authorization: `Bearer ${hs.accessToken}` },
    });
    const page = (await res.json()) as { results: { id: string }[] };
    expect(page.results.map((r) => r.id)).toEqual([contacts[11]!.id, contacts[12]!.id, contacts[13]!.id]);
    const all = hs.data.listObjects("contacts").map((c) => c.id);
    expect(all.at(-1)).toBe(merged.id);
    // A connector's merge search (merged ids, in a window of the modified date) finds what merges made, as
    // a scan would; merging the merged record again leaves only the newest.
    const mergeSearch = () =>
      search({
        filterGroups: [
          {
            filters: [
              { propertyName: "lastmodifieddate", operator: "GTE", value: String(BASE) },
              { propertyName: "hs_merged_object_ids", operator: "HAS_PROPERTY" },
            ],
          },
        ],
      });
    expect(await mergeSearch()).toEqual([merged.id]);
    const again = hs.data.mergeContacts(merged.id, contacts[11]!.id);
    expect(await mergeSearch()).toEqual([again.id]);
    expect(hs.data.getObject("contacts", again.id)?.properties.hs_merged_object_ids).toBe(
      `${contacts[9]!.id};${contacts[10]!.id};${merged.id};${contacts[11]!.id}`,
    );
  });

  it("pages a change window by the modified date with ties across pages, and counts only what search can see", async () => {
    let t = BASE + 3_600_000;
    const lagged = await startHubspotEmulator({ now: () => new Date(t), limits: { searchPerSecond: 1000, burstPer10Seconds: 100_000 } });
    try {
      // 450 contacts over 30 instants (15 ties each, created in shuffled order), then 5 fresh writes the
      // index has not reached yet.
      for (let i = 0; i < 450; i++) {
        lagged.data.createObject("contacts", { email: `tie.${i}@fjord.example` }, new Date(BASE + ((i * 7) % 30) * 1000));
      }
      const fresh = lagged.data.listObjects("contacts").slice(0, 5);
      for (const c of fresh) lagged.data.updateObject("contacts", c.id, { jobtitle: "Analyste" });
      const pageAt = async (after: string | undefined) => {
        const res = await fetch(`${lagged.url}/crm/v3/objects/contacts/search`, {
          method: "POST",
          headers: { authorization: `Bearer ${lagged.accessToken}`, "content-type": "application/json" },
          body: JSON.stringify({
            filterGroups: [{ filters: [
              { propertyName: "lastmodifieddate", operator: "GTE", value: String(BASE + 3_000) },
              { propertyName: "lastmodifieddate", operator: "LTE", value: String(t) },
            ] }],
            sorts: [{ propertyName: "lastmodifieddate", direction: "ASCENDING" }],
            limit: 100,
            ...(after ? { after } : {}),
          }),
        });
        return (await res.json()) as { total: number; results: { id: string }[]; paging?: { next: { after: string } } };
      };
      const seen: string[] = [];
      let after: string | undefined;
      let total = -1;
      do {
        const page = await pageAt(after);
        total = page.total;
        seen.push(...page.results.map((r) => r.id));
        after = page.paging?.next.after;
      } while (after);
      const freshIds = new Set(fresh.map((c) => c.id));
      const expected = lagged.data
        .listObjects("contacts")
        .filter((c) => !freshIds.has(c.id) && c.updatedAt.getTime() >= BASE + 3_000)
        // Ties on the instant by id from the highest, the emulator's default `searchTies`.
        .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || Number(b.id) - Number(a.id))
        .map((c) => c.id);
      expect(seen).toEqual(expected);
      expect(total).toBe(expected.length);
      t += 5_000;
      expect((await pageAt(undefined)).total).toBe(expected.length + fresh.length);
    } finally {
      await lagged.close();
    }
  });

  it("pages by id keyset as a scan would: id order, archived, merged and unindexed records left out, true totals", async () => {
    let t = BASE + 3_600_000;
    const lagged = await startHubspotEmulator({ now: () => new Date(t), limits: { searchPerSecond: 1000, burstPer10Seconds: 100_000 } });
    try {
      for (let i = 0; i < 520; i++)
        lagged.data.createObject("contacts", { email: `keyset.${i}@fjord.example`, firstname: i % 4 === 0 ? "Zoë" : "Łucja" }, new Date(BASE + i * 1000));
      const all = lagged.data.listObjects("contacts");
      lagged.data.archiveObject("contacts", all[10]!.id);
      lagged.data.archiveObject("contacts", all[300]!.id);
      lagged.data.mergeContacts(all[20]!.id, all[21]!.id);
      // Written now: search has not indexed them yet.
      for (const c of [all[5]!, all[450]!]) lagged.data.updateObject("contacts", c.id, { jobtitle: "Analyste" });
      const keyset = async (operator: string, value: string, body: object = {}) => {
        const res = await fetch(`${lagged.url}/crm/v3/objects/contacts/search`, {
          method: "POST",
          headers: { authorization: `Bearer ${lagged.accessToken}`, "content-type": "application/json" },
          body: JSON.stringify({
            filterGroups: [{ filters: [{ propertyName: "hs_object_id", operator, value }] }],
            sorts: [{ propertyName: "hs_object_id", direction: "ASCENDING" }],
            limit: 200,
            ...body,
          }),
        });
        return (await res.json()) as { total: number; results: { id: string }[] };
      };
      // The merge wrote the survivor too (the merged email became one of its own): not indexed yet either.
      const hidden = new Set([all[10]!.id, all[300]!.id, all[21]!.id, all[20]!.id, all[5]!.id, all[450]!.id]);
      const visible = all.map((c) => c.id).filter((id) => !hidden.has(id));
      const seen: string[] = [];
      for (let last = "0"; ; ) {
        const page = await keyset("GT", last);
        expect(page.total).toBe(visible.filter((id) => Number(id) > Number(last)).length);
        seen.push(...page.results.map((r) => r.id));
        if (page.results.length < 200) break;
        last = page.results.at(-1)!.id;
      }
      expect(seen).toEqual(visible);
      // GTE takes the bound itself, leading zeros and all; a later filter or a query goes through the scan,
      // with the same answer.
      expect((await keyset("GTE", `0${all[100]!.id}`, { limit: 3 })).results.map((r) => r.id)).toEqual(visible.filter((id) => Number(id) >= Number(all[100]!.id)).slice(0, 3));
      const scanned = await keyset("GT", all[100]!.id, { limit: 5, filterGroups: [{ filters: [
        { propertyName: "hs_object_id", operator: "GT", value: all[100]!.id },
        { propertyName: "firstname", operator: "EQ", value: "zoë" },
      ] }] });
      expect(scanned.results.map((r) => r.id)).toEqual(
        all.filter((c, i) => i > 100 && i % 4 === 0 && !hidden.has(c.id)).slice(0, 5).map((c) => c.id),
      );
      t += 5_000;
      expect((await keyset("GT", "0")).total).toBe(visible.length + 3);
    } finally {
      await lagged.close();
    }
  });
});
