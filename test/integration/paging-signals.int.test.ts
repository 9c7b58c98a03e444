// Paging whose signals disagree: an answer that says more pages follow without saying how to read them
// (Salesforce `done: false` without a `nextRecordsUrl`, or with it null; HubSpot `paging.next` without
// `after`; the email events' `hasMore: true` without `offset`). Each is an error naming the system, the
// endpoint and what was wrong; a run it stops is recorded failed and its cursor stays where it was, so
// the records it did not read are read by a later run rather than lost (FIDELITY.md, "paging signals").
import { randomUUID } from "node:crypto";
import { CONTACT_EVENT_TYPES } from "../../src/sandbox/hubspot/event-types.js";
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { failedRunSummary } from "../../src/sync/engine.js";
import { createHubspotAdapter } from "../../src/systems/hubspot/adapter.js";
import { FAST_RETRY, startLoop } from "../support/loop-harness.js";
import { thrown } from "../support/system-error-of.js";

describe.each(["missing", "null"] as const)("Salesforce: done: false with nextRecordsUrl %s", (locators) => {
  it("stops the run with an error naming the query answer, and the Lead cursor stays", async () => {
    const loop = await startLoop({ salesforce: { queryLocators: locators } });
    try {
      const first = await loop.sync();
      expect(first.summary.status).toBe("succeeded");
      const before = await loop.store.getCursor("salesforce", "Lead");
      expect(before).not.toBeNull();

      // More Leads than one query page holds (2,000), so the change read's first answer is not done.
      for (let i = 0; i < 2_050; i++)
        loop.salesforce.data.insert("Lead", {
          LastName: i % 3 === 0 ? `Ñúñez-Größe ${i}` : `O'Brien ${i}`,
          FirstName: i % 5 === 0 ? "" : "Zoë",
          Company: `Société Générale ${i % 17}`,
          Email: `Lead.${i}@Exämple-${i % 7}.COM`,
        });

      const err = await thrown(loop.sync());
      expect(err.system).toBe("salesforce");
      expect(err.message).toContain("says more records follow (done: false) but gives no nextRecordsUrl");
      expect(err.message).toContain(locators === "null" ? "(null)" : "(none)");
      expect(failedRunSummary(err)).toMatchObject({ status: "failed" });
      expect(failedRunSummary(err)?.failure).toContain("nextRecordsUrl");
      expect(await loop.store.getCursor("salesforce", "Lead")).toEqual(before);
    } finally {
      await loop.close();
    }
  });
});

describe("HubSpot: paging.next without after, hasMore without offset", () => {
  it("a change read, an owners list and the email events each stop with an error naming the endpoint", async () => {
    const emulator = await startHubspotEmulator({
      accessToken: `test-${randomUUID()}`,
      searchLagMs: 0,
      limits: { burstPer10Seconds: 100_000, searchPerSecond: 1_000 },
      pagingCursors: "withheld",
    });
    try {
      const adapter = createHubspotAdapter({
        accessToken: emulator.accessToken,
        baseUrl: emulator.url,
        retry: FAST_RETRY,
        searchPerSecond: 1_000,
        burstPer10Seconds: 100_000,
      });
      const at = Date.parse("2026-11-20T08:00:00.000Z");
      const contact = emulator.data.createObject("contacts", { email: "Zoë.Ñúñez@Exämple.COM", firstname: "Zoë" }, new Date(at));
      for (let i = 1; i < 230; i++)
        emulator.data.createObject("contacts", { email: `Person.${i}@Exämple-${i % 7}.COM`, lastname: `Größe ${i}` }, new Date(at + i));
      for (let i = 0; i < 120; i++) emulator.data.addOwner({ email: `Rep.${i}@Exämple.COM`, firstName: "Zoë", lastName: `Owner ${i}` });
      for (let i = 0; i < 1_010; i++)
        emulator.data.addEvent({
          contactId: contact.id,
          eventType: CONTACT_EVENT_TYPES.emailOpen,
          occurredAt: new Date(at + 60_000 + i * 1_000),
          properties: { hs_email_campaign_id: String(9_000 + (i % 3)) },
        });
      const until = new Date(at + 86_400_000).toISOString();

      const pages: number[] = [];
      const search = await thrown(
        (async () => {
          for await (const page of adapter.readChanges("contacts", ["email", "firstname"], null, until)) pages.push(page.records.length);
        })(),
      );
      expect(search.system).toBe("hubspot");
      expect(search.message).toContain("POST /crm/v3/objects/contacts/search");
      expect(search.message).toContain("paging.next gives no after");
      // The first page is not handed on: no cursor can pass the records after it.
      expect(pages).toEqual([]);

      const owners = await thrown(adapter.listOwners());
      expect(owners.message).toContain("GET /crm/v3/owners");
      expect(owners.message).toContain("paging.next gives no after");

      const read: number[] = [];
      const events = await thrown(adapter.readEmailEvents(null, until, async (page) => void read.push(page.length)));
      expect(events.message).toContain("GET /email/public/v1/events");
      expect(events.message).toContain("hasMore is true and no offset is given");
      expect(read).toEqual([]);
    } finally {
      await emulator.close();
    }
  });
});
