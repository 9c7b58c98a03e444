// A page's bulk look-up of links (findLinksByMarketingIds / findLinksByCrmIds) gives each link's records
// and key without the times it was made and last synced, which no sync reads; the look-ups of single
// links, which `explain` shows, still give them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

const LINKED = "2026-11-28T09:15:00.000Z";
const SYNCED = "2026-11-30T16:40:12.345Z";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-page-links-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("gives a page's links without their times, and a single link's with them", async () => {
  const store = await openSqliteStore(join(dir, "state.db"));
  const zoe = { pair: "contact", marketingType: "contacts", marketingId: "61", crmType: "Lead", crmId: "00Q5g00000ZoeMAAZ", matchKey: "zoë.ångström@nordlicht.se" };
  const jose = { pair: "contact", marketingType: "contacts", marketingId: "62", crmType: "Contact", crmId: "0035g00000JoseAAZ", matchKey: null };
  const { linkIds } = await store.commitBatch({ runId: "run-1", at: LINKED, links: [zoe, jose] });
  await store.commitBatch({ runId: "run-2", at: SYNCED, links: [{ ...zoe, linkId: linkIds[0] }] });

  const expected = {
    id: linkIds[0],
    pair: "contact",
    marketingType: "contacts",
    marketingId: "61",
    crmType: "Lead",
    crmId: "00Q5g00000ZoeMAAZ",
    matchKey: "zoë.ångström@nordlicht.se",
    status: "active",
    retiredReason: null,
  };
  expect((await store.findLinksByMarketingIds("contact", ["61", "62", "63"])).get("61")).toEqual(expected);
  expect((await store.findLinksByCrmIds("contact", ["0035g00000JoseAAZ"])).get("0035g00000JoseAAZ")).toEqual({
    ...jose,
    id: linkIds[1],
    status: "active",
    retiredReason: null,
  });
  const dated = { ...expected, createdAt: LINKED, updatedAt: SYNCED };
  expect(await store.findLinkByMarketing("contact", "61")).toEqual(dated);
  expect(await store.findLinkByCrm("contact", "Lead", "00Q5g00000ZoeMAAZ")).toEqual(dated);
  expect(await store.findLinksByMatchKey("contact", "zoë.ångström@nordlicht.se")).toEqual([dated]);
  await store.close();
});

it("gives the newer of two links that share a CRM id under two CRM types, read fresh or cached", async () => {
  const store = await openSqliteStore(join(dir, "state.db"));
  const crmId = "0035g00000ÅsaAAZ";
  const lead = { pair: "contact", marketingType: "contacts", marketingId: "71", crmType: "Lead", crmId, matchKey: "åsa.lindqvist@Nordlicht.se" };
  const contact = { pair: "contact", marketingType: "contacts", marketingId: "72", crmType: "Contact", crmId, matchKey: null };
  const snapshots = { "firstname>FirstName": { marketing: "Åsa", crm: "ÅSA" } };
  const { linkIds: [older] } = await store.commitBatch({ runId: "run-1", at: LINKED, links: [{ ...lead, snapshots }] });
  const { linkIds: [newer] } = await store.commitBatch({ runId: "run-2", at: SYNCED, links: [{ ...contact, snapshots }] });
  expect(newer).toBeGreaterThan(older!);

  const read = async () => (await store.findLinksByCrmIds("contact", [crmId, " ", "0035g00000NobodyAAZ", crmId])).get(crmId);
  expect((await read())?.id).toBe(newer);
  expect((await read())?.marketingId).toBe("72");
  // Both links' snapshots came with the read: each link's own.
  expect((await store.getSnapshots([older!, newer!])).get(older!)).toEqual({ "firstname>FirstName": { ...snapshots["firstname>FirstName"], syncedAt: LINKED } });
  expect([...(await store.findLinksByMarketingIds("contact", ["72", "71"])).keys()]).toEqual(["72", "71"]);
  await store.close();
});
