// The behaviour every StateStore implementation must show. An implementation's test calls
// describeStoreContract with a factory that returns a fresh, empty store each time.
import { type BatchCommit, type ErrorClass, type OutboxPage, type OutboxWrite, type SlaBreachRow, type SlaClock, type StateStore, StoreError } from "../../src/store/port.js";
import { problemsOf } from "../../src/core/text/error-problems.js";
import {
  at,
  auditEntry,
  failedWrite,
  funnelEvent,
  leadLink,
  matchKey,
  people,
  problemRefusals,
  qualificationWrite,
  RUN,
  slaClock,
} from "./store-fixtures.js";

function batch(minutes: number, parts: Omit<BatchCommit, "runId" | "at">): BatchCommit {
  return { runId: RUN, at: at(minutes), ...parts };
}

export function describeStoreContract(name: string, makeStore: () => Promise<StateStore>): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
    });

    /** The pending writes of these keys as a drain lists them, to accept as it would once they are sent. */
    const listed = (...keys: string[]) => store.listOutbox({ keys });

    describe("links", () => {
      it("creates links and finds them by marketing id, CRM id and match key", async () => {
        const { linkIds } = await store.commitBatch(
          batch(1, { links: [leadLink(people.zoe), leadLink(people.jose)] }),
        );

        expect(linkIds).toHaveLength(2);
        expect(linkIds[0]).not.toBe(linkIds[1]);
        const zoe = await store.findLinkByMarketing("contact", people.zoe.hubspotId);
        expect(zoe).toEqual({
          id: linkIds[0],
          pair: "contact",
          marketingType: "contact",
          marketingId: "51",
          crmType: "Lead",
          crmId: people.zoe.lead,
          matchKey: "zoë.ångström@nordlicht.se",
          status: "active",
          retiredReason: null,
          createdAt: at(1),
          updatedAt: at(1),
        });
        expect(await store.findLinkByCrm("contact", "Lead", people.jose.lead)).toMatchObject({
          id: linkIds[1],
          marketingId: people.jose.hubspotId,
        });
        expect(await store.findLinksByMatchKey("contact", "josé.garcía@example.com")).toEqual([
          expect.objectContaining({ id: linkIds[1] }),
        ]);
        expect(await store.findLinkByMarketing("company", people.zoe.hubspotId)).toBeUndefined();
        expect(await store.findLinkByCrm("contact", "Contact", people.zoe.lead)).toBeUndefined();
        expect(await store.countLinks()).toBe(2);
        expect(await store.countLinks("contact")).toBe(2);
        expect(await store.countLinks("deal")).toBe(0);
      });

      it("upserts on (pair, marketing id) without duplicating, keeping the match key unless given", async () => {
        const [first] = (await store.commitBatch(batch(1, { links: [leadLink(people.zoe)] }))).linkIds;
        const { matchKey: _omitted, ...withoutKey } = leadLink(people.zoe);
        const [again] = (await store.commitBatch(batch(5, { links: [withoutKey] }))).linkIds;

        expect(again).toBe(first);
        expect(await store.countLinks()).toBe(1);
        const kept = await store.findLinkByMarketing("contact", people.zoe.hubspotId);
        expect(kept).toMatchObject({
          matchKey: matchKey(people.zoe.email),
          createdAt: at(1),
          updatedAt: at(5),
        });

        await store.commitBatch(batch(6, { links: [{ ...withoutKey, matchKey: null }] }));
        expect((await store.findLinkByMarketing("contact", people.zoe.hubspotId))?.matchKey).toBeNull();
      });

      it("keeps the same marketing id in different pairs apart", async () => {
        const { linkIds } = await store.commitBatch(
          batch(1, {
            links: [
              leadLink(people.zoe),
              {
                pair: "company",
                marketingType: "company",
                marketingId: "51",
                crmType: "Account",
                crmId: "0015e00000NordAA",
              },
            ],
          }),
        );
        expect(new Set(linkIds).size).toBe(2);
        expect((await store.findLinkByMarketing("company", "51"))?.crmType).toBe("Account");
        expect((await store.findLinkByMarketing("contact", "51"))?.crmType).toBe("Lead");
        expect(await store.countLinks("company")).toBe(1);
      });

      it("re-points a link when its CRM record changes (Lead converted to Contact)", async () => {
        const [id] = (
          await store.commitBatch(
            batch(1, {
              links: [
                {
                  ...leadLink(people.zoe),
                  snapshots: {
                    email: { marketing: people.zoe.email, crm: people.zoe.email, syncedAt: at(1) },
                  },
                },
              ],
            }),
          )
        ).linkIds;

        const converted = { ...leadLink(people.zoe), crmType: "Contact", crmId: people.zoe.contact };
        const [after] = (await store.commitBatch(batch(30, { links: [converted] }))).linkIds;

        expect(after).toBe(id);
        expect(await store.countLinks()).toBe(1);
        expect(await store.findLinkByCrm("contact", "Lead", people.zoe.lead)).toBeUndefined();
        expect(await store.findLinkByCrm("contact", "Contact", people.zoe.contact)).toMatchObject({
          id,
          createdAt: at(1),
          updatedAt: at(30),
        });
        expect((await store.findLinksByCrmIds("contact", [people.zoe.lead, people.zoe.contact])).size).toBe(
          1,
        );
        expect((await store.getSnapshots([id as number])).get(id as number)?.email?.crm).toBe(
          people.zoe.email,
        );
      });

      it("settles a link named by its id, and treats a stale or wrong id as absent", async () => {
        const [zoeId, joseId] = (
          await store.commitBatch(batch(1, { links: [leadLink(people.zoe), leadLink(people.jose)] }))
        ).linkIds;

        // The link as read: same records and key, a new sync time.
        const settled = await store.commitBatch(batch(5, { links: [{ ...leadLink(people.zoe), linkId: zoeId }] }));
        expect(settled.linkIds).toEqual([zoeId]);
        expect(await store.findLinkByMarketing("contact", people.zoe.hubspotId)).toMatchObject({
          id: zoeId,
          crmId: people.zoe.lead,
          createdAt: at(1),
          updatedAt: at(5),
        });

        // Re-pointed since it was read (converted to a Contact): the write still lands on Zoë's link.
        const converted = { ...leadLink(people.zoe), crmType: "Contact", crmId: people.zoe.contact, linkId: zoeId };
        expect((await store.commitBatch(batch(6, { links: [converted] }))).linkIds).toEqual([zoeId]);
        expect((await store.findLinkByMarketing("contact", people.zoe.hubspotId))?.crmType).toBe("Contact");

        // An id naming another person's link settles nothing of that link.
        const wrong = { ...leadLink(people.francoise), linkId: joseId };
        const [francoiseId] = (await store.commitBatch(batch(7, { links: [wrong] }))).linkIds;
        expect(francoiseId).not.toBe(joseId);
        expect(await store.findLinkByMarketing("contact", people.jose.hubspotId)).toMatchObject({
          id: joseId,
          crmId: people.jose.lead,
          updatedAt: at(1),
        });

        // A retired link named by its id is not brought back: the records are linked anew.
        await store.commitBatch(batch(8, { retireLinks: [{ id: joseId as number, reason: "Lead deleted" }] }));
        const [relinked] = (await store.commitBatch(batch(9, { links: [{ ...leadLink(people.jose), linkId: joseId }] })))
          .linkIds;
        expect(relinked).not.toBe(joseId);
        expect(await store.countLinks("contact")).toBe(3);
      });

      it("settles a page of links read back in one commit, each with its own snapshots, beside a re-pointed and a new one", async () => {
        const person = (i: number) => ({
          pair: "contact",
          marketingType: "contacts",
          marketingId: `90${i}`,
          crmType: "Lead",
          crmId: `00Q9${String(i).padStart(4, "0")}`,
          matchKey: `renée.${i}@exämple.com`,
        });
        const first = await store.commitBatch(
          batch(1, {
            links: Array.from({ length: 64 }, (_, i) => ({
              ...person(i),
              snapshots: {
                email: { marketing: `Renée.${i}@Exämple.com`, crm: `renee.${i}@example.com` },
                title: { marketing: null, crm: null },
              },
            })),
          }),
        );
        const ids = first.linkIds;
        const again = await store.commitBatch(
          batch(2, {
            links: [
              // 63 read back with a new title on the CRM side only.
              ...Array.from({ length: 63 }, (_, i) => ({
                ...person(i),
                linkId: ids[i],
                snapshots: { title: { marketing: null, crm: `Directrice ${i}` } },
              })),
              // Converted since it was read: the write re-points the link it names.
              { ...person(63), crmType: "Contact", crmId: "0039ZZZZ", linkId: ids[63], snapshots: { title: { marketing: "CEO", crm: "CEO" } } },
              { ...person(64), snapshots: { title: { marketing: "Gérante", crm: "Gérante" } } },
            ],
          }),
        );
        expect(again.linkIds.slice(0, 64)).toEqual(ids);
        expect(again.linkIds[64]).not.toBeUndefined();
        expect(new Set(again.linkIds).size).toBe(65);
        const snapshots = await store.getSnapshots(again.linkIds as number[]);
        expect(snapshots.get(ids[5]!)).toEqual({
          email: { marketing: "Renée.5@Exämple.com", crm: "renee.5@example.com", syncedAt: at(1) },
          title: { marketing: null, crm: "Directrice 5", syncedAt: at(2) },
        });
        expect(snapshots.get(ids[63]!)?.title).toEqual({ marketing: "CEO", crm: "CEO", syncedAt: at(2) });
        expect(snapshots.get(again.linkIds[64]!)).toEqual({ title: { marketing: "Gérante", crm: "Gérante", syncedAt: at(2) } });
        expect(await store.findLinkByMarketing("contact", "905")).toMatchObject({ id: ids[5], updatedAt: at(2), createdAt: at(1) });
        expect(await store.findLinkByMarketing("contact", "9063")).toMatchObject({ id: ids[63], crmType: "Contact", crmId: "0039ZZZZ" });
      });

      it("refuses to link a CRM record another active link holds, changing nothing", async () => {
        await store.commitBatch(batch(1, { links: [leadLink(people.zoe), leadLink(people.jose)] }));
        const stealing = { ...leadLink(people.jose), crmId: people.zoe.lead };

        await expect(store.commitBatch(batch(2, { links: [stealing] }))).rejects.toThrow(StoreError);
        expect((await store.findLinkByMarketing("contact", people.jose.hubspotId))?.crmId).toBe(
          people.jose.lead,
        );
        expect((await store.findLinkByCrm("contact", "Lead", people.zoe.lead))?.marketingId).toBe(
          people.zoe.hubspotId,
        );
      });

      it("returns the same id twice when one batch writes a record twice, the later write winning", async () => {
        const { linkIds } = await store.commitBatch(
          batch(1, {
            links: [
              leadLink(people.zoe),
              { ...leadLink(people.zoe), crmType: "Contact", crmId: people.zoe.contact },
            ],
          }),
        );
        expect(linkIds[0]).toBe(linkIds[1]);
        expect((await store.findLinkByMarketing("contact", people.zoe.hubspotId))?.crmId).toBe(
          people.zoe.contact,
        );
      });

      it("retires links: lookups skip them, their records can be linked anew", async () => {
        const { linkIds } = await store.commitBatch(
          batch(1, { links: [leadLink(people.zoe), leadLink(people.jose)] }),
        );
        const zoeId = linkIds[0] as number;

        await store.commitBatch(
          batch(2, { retireLinks: [{ id: zoeId, reason: "merged into contact 52 in HubSpot" }] }),
        );

        expect(await store.findLinkByMarketing("contact", people.zoe.hubspotId)).toBeUndefined();
        expect(await store.findLinkByCrm("contact", "Lead", people.zoe.lead)).toBeUndefined();
        expect(await store.findLinksByMatchKey("contact", matchKey(people.zoe.email))).toEqual([]);
        expect((await store.findLinksByMarketingIds("contact", ["51", "52"])).has("51")).toBe(false);
        expect((await store.findLinksByCrmIds("contact", [people.zoe.lead])).size).toBe(0);
        expect(await store.countLinks()).toBe(1);

        const [relinked] = (await store.commitBatch(batch(3, { links: [leadLink(people.zoe)] }))).linkIds;
        expect(relinked).not.toBe(zoeId);
        expect(await store.findLinkByMarketing("contact", people.zoe.hubspotId)).toMatchObject({
          id: relinked,
          status: "active",
          retiredReason: null,
        });
      });

      it("lists the marketing ids linked since a time, active links only", async () => {
        const { linkIds } = await store.commitBatch(batch(1, { links: [leadLink(people.zoe)] }));
        await store.commitBatch(batch(5, { links: [leadLink(people.jose)] }));
        expect(await store.listLinkedSince("contact", null)).toEqual([people.zoe.hubspotId, people.jose.hubspotId]);
        expect(await store.listLinkedSince("contact", at(5))).toEqual([people.jose.hubspotId]);
        expect(await store.listLinkedSince("contact", at(6))).toEqual([]);
        expect(await store.listLinkedSince("company", null)).toEqual([]);
        await store.commitBatch(batch(7, { retireLinks: [{ id: linkIds[0] as number, reason: "Lead deleted in Salesforce" }] }));
        expect(await store.listLinkedSince("contact", null)).toEqual([people.jose.hubspotId]);
      });

      it("retires and relinks in one batch (retirements apply first)", async () => {
        const [oldId] = (await store.commitBatch(batch(1, { links: [leadLink(people.zoe)] }))).linkIds;
        const { linkIds } = await store.commitBatch(
          batch(2, {
            retireLinks: [{ id: oldId as number, reason: "Lead deleted in Salesforce" }],
            links: [{ ...leadLink(people.zoe), crmId: "00Q5e00000ZoeBBB" }],
          }),
        );
        expect(linkIds[0]).not.toBe(oldId);
        expect((await store.findLinkByMarketing("contact", people.zoe.hubspotId))?.crmId).toBe(
          "00Q5e00000ZoeBBB",
        );
        expect(await store.countLinks()).toBe(1);
      });

      it("writes a link retired from the start: no lookup finds it active, findRetiredLinks does, an active link stays", async () => {
        const [joseId] = (await store.commitBatch(batch(1, { links: [leadLink(people.jose)] }))).linkIds;
        const reason = `salesforce Lead ${people.zoe.lead} deleted`;
        const { linkIds } = await store.commitBatch(
          batch(2, {
            links: [
              { ...leadLink(people.zoe), retired: reason },
              // A deleted duplicate of a person linked now: her active link is left as it is.
              { ...leadLink(people.jose), crmId: "00Q5e00000JoseOLD", retired: "salesforce Lead 00Q5e00000JoseOLD deleted" },
            ],
          }),
        );
        expect(await store.findLinkByMarketing("contact", people.zoe.hubspotId)).toBeUndefined();
        expect(await store.findLinkByCrm("contact", "Lead", people.zoe.lead)).toBeUndefined();
        expect(await store.countLinks()).toBe(1);
        expect((await store.findLinkByMarketing("contact", people.jose.hubspotId))?.id).toBe(joseId);
        const retired = await store.findRetiredLinks("contact", "marketing", [people.zoe.hubspotId]);
        expect(retired.get(people.zoe.hubspotId)).toMatchObject({
          id: linkIds[0],
          crmId: people.zoe.lead,
          status: "retired",
          retiredReason: reason,
        });
        expect((await store.findRetiredLinks("contact", "crm", [people.zoe.lead])).has(people.zoe.lead)).toBe(true);
        // Her records can still be linked: a retired link holds no key.
        const [relinked] = (await store.commitBatch(batch(3, { links: [leadLink(people.zoe)] }))).linkIds;
        expect((await store.findLinkByMarketing("contact", people.zoe.hubspotId))?.id).toBe(relinked);
      });

      it("finds every active link sharing a match key (duplicates in the CRM)", async () => {
        const key = matchKey(people.francoise.email);
        await store.commitBatch(
          batch(1, {
            links: [
              { ...leadLink(people.francoise), matchKey: key },
              { ...leadLink(people.bjorn), matchKey: key },
              { ...leadLink(people.zoe), pair: "contact-hubspot", matchKey: key },
            ],
          }),
        );
        const found = await store.findLinksByMatchKey("contact", key);
        expect(found.map((link) => link.marketingId).sort()).toEqual(["53", "54"]);
        expect(await store.findLinksByMatchKey("contact", key.toUpperCase())).toEqual([]);
      });

      it("looks up ten thousand links in bulk, beyond any single-statement variable limit", async () => {
        const links = Array.from({ length: 10_000 }, (_, i) => ({
          pair: "contact",
          marketingType: "contact",
          marketingId: String(100_000 + i),
          crmType: i % 2 === 0 ? "Lead" : "Contact",
          crmId: `00Q${String(i).padStart(12, "0")}`,
          matchKey: `person.${i}@beispiel.de`,
        }));
        const { linkIds } = await store.commitBatch(batch(1, { links }));
        expect(new Set(linkIds).size).toBe(10_000);

        // 40,000 ids (10,000 known, the rest unknown, some repeated) exceed SQLite's 32,766 variables.
        const asked = [
          ...links.map((link) => link.marketingId),
          ...Array.from({ length: 30_000 }, (_, i) => `missing-${i}`),
          "100000",
        ];
        const byMarketing = await store.findLinksByMarketingIds("contact", asked);
        expect(byMarketing.size).toBe(10_000);
        expect(byMarketing.get("109999")).toMatchObject({ crmId: "00Q000000009999", crmType: "Contact" });

        const byCrm = await store.findLinksByCrmIds("contact", [
          ...links.map((link) => link.crmId),
          ...Array.from({ length: 30_000 }, (_, i) => `003-missing-${i}`),
        ]);
        expect(byCrm.size).toBe(10_000);
        expect(byCrm.get("00Q000000000042")?.marketingId).toBe("100042");
        expect((await store.findLinksByMarketingIds("company", asked)).size).toBe(0);
        expect((await store.findLinksByMarketingIds("contact", [])).size).toBe(0);
      });
    });

    describe("field snapshots", () => {
      it("replaces only the fields a write names and returns them per link", async () => {
        const [id] = (
          await store.commitBatch(
            batch(1, {
              links: [
                {
                  ...leadLink(people.zoe),
                  snapshots: {
                    email: { marketing: people.zoe.email, crm: people.zoe.email, syncedAt: at(1) },
                    firstname: { marketing: "Zoë", crm: "Zoe", syncedAt: at(1) },
                    phone: { marketing: null, crm: null, syncedAt: at(1) },
                  },
                },
              ],
            }),
          )
        ).linkIds as [number];
        await store.commitBatch(
          batch(9, {
            links: [
              {
                ...leadLink(people.zoe),
                snapshots: { firstname: { marketing: "Zoë", crm: "Zoë", syncedAt: at(9) } },
              },
            ],
          }),
        );

        const snapshots = await store.getSnapshots([id, 999_999]);
        expect(snapshots.get(id)).toEqual({
          email: { marketing: people.zoe.email, crm: people.zoe.email, syncedAt: at(1) },
          firstname: { marketing: "Zoë", crm: "Zoë", syncedAt: at(9) },
          phone: { marketing: null, crm: null, syncedAt: at(1) },
        });
        expect(snapshots.has(999_999)).toBe(false);
      });

      /** The field sync's write of Zoë's new title to her Lead, carrying it for the link's snapshots. */
      const zoeTitleToLead = (): OutboxWrite => ({
        key: `sync:crm:Lead:${people.zoe.lead}`,
        phase: "field sync",
        side: "crm",
        system: "salesforce",
        object: "Lead",
        recordId: people.zoe.lead,
        upsertOn: null,
        associations: [],
        fields: [{ field: "Title", before: "Chargée de marketing", after: "Directrice Marketing", rule: "changed in marketing" }],
        personId: people.zoe.hubspotId,
        email: people.zoe.email,
        group: null,
        synced: { pair: "contact", marketingId: people.zoe.hubspotId, side: "crm", values: { "jobtitle>Title": "Directrice Marketing" } },
      });

      it("sets an accepted field-sync write's values on its side of the link's snapshots, and leaves a refused one's", async () => {
        const [id] = (
          await store.commitBatch(
            batch(1, {
              links: [
                {
                  ...leadLink(people.zoe),
                  // What each record held when read: the contact's new title, the Lead's old one.
                  snapshots: { "jobtitle>Title": { marketing: "Directrice Marketing", crm: "Chargée de marketing", syncedAt: at(1) } },
                },
              ],
              outbox: [
                zoeTitleToLead(),
              ],
            }),
          )
        ).linkIds as [number];
        const key = `sync:crm:Lead:${people.zoe.lead}`;
        await store.commitBatch(batch(2, { outboxRefused: [key] }));
        expect((await store.getSnapshots([id])).get(id)?.["jobtitle>Title"]?.crm).toBe("Chargée de marketing");

        await store.commitBatch(batch(3, { outboxReleased: [key] }));
        await store.commitBatch(batch(4, { outboxAccepted: await listed(key) }));
        expect((await store.getSnapshots([id])).get(id)).toEqual({
          "jobtitle>Title": { marketing: "Directrice Marketing", crm: "Directrice Marketing", syncedAt: at(4) },
        });
        expect(await store.listOutbox()).toEqual([]);
      });

      it("sets both sides when one commit accepts a write to each record of one link naming the same field", async () => {
        const title = "jobtitle>Title";
        const [id] = (
          await store.commitBatch(
            batch(1, {
              links: [{ ...leadLink(people.zoe), snapshots: { [title]: { marketing: "Directrice Marketing", crm: "Chargée de marketing", syncedAt: at(1) } } }],
              outbox: [
                zoeTitleToLead(),
                {
                  key: `sync:marketing:contacts:${people.zoe.hubspotId}`,
                  phase: "field sync",
                  side: "marketing",
                  system: "hubspot",
                  object: "contacts",
                  recordId: people.zoe.hubspotId,
                  upsertOn: null,
                  associations: [],
                  fields: [{ field: "jobtitle", before: "Directrice Marketing", after: "Directrice Marketing & Opérations", rule: "changed in CRM" }],
                  personId: people.zoe.hubspotId,
                  email: people.zoe.email,
                  group: null,
                  synced: { pair: "contact", marketingId: people.zoe.hubspotId, side: "marketing", values: { [title]: "Directrice Marketing & Opérations" } },
                },
              ],
            }),
          )
        ).linkIds as [number];
        await store.commitBatch(
          batch(2, { outboxAccepted: await listed(`sync:crm:Lead:${people.zoe.lead}`, `sync:marketing:contacts:${people.zoe.hubspotId}`) }),
        );
        // The second write keeps the side the first one set in the same commit.
        expect((await store.getSnapshots([id])).get(id)).toEqual({
          [title]: { marketing: "Directrice Marketing & Opérations", crm: "Directrice Marketing", syncedAt: at(2) },
        });
      });

      it("resolves the entry a refused write left once a write under its key is accepted, and no other", async () => {
        const write = (key: string, recordId: string, after: string) => ({
          key,
          phase: "field sync",
          side: "crm" as const,
          system: "salesforce",
          object: "Lead",
          recordId,
          upsertOn: null,
          associations: [],
          fields: [{ field: "Phone", before: null, after, rule: "changed in marketing" }],
          personId: null,
          email: null,
          group: null,
        });
        const refusal = (recordId: string) => ({
          runId: RUN,
          system: "salesforce",
          object: "Lead",
          recordId,
          operation: "field sync",
          payload: { outboxKey: `sync:crm:Lead:${recordId}`, fields: { Phone: "+33 1 42 68 53 00 poste 4471 (standard)" } },
          errorClass: "data" as const,
          message: "STRING_TOO_LONG: Phone",
          at: at(1),
        });
        const zoe = `sync:crm:Lead:${people.zoe.lead}`;
        const jose = `sync:crm:Lead:${people.jose.lead}`;
        await store.commitBatch(
          batch(1, {
            outbox: [write(zoe, people.zoe.lead, "+33 1 42 68 53 00 poste 4471 (standard)"), write(jose, people.jose.lead, "+34 600 000 000 ext. 12 (recepción)")],
            outboxRefused: [zoe, jose],
            errors: [refusal(people.zoe.lead), refusal(people.jose.lead)],
          }),
        );
        // Zoë's number is shortened: decided again, sent and accepted; José's stays refused.
        await store.commitBatch(batch(2, { outbox: [write(zoe, people.zoe.lead, "+33142685300")] }));
        await store.commitBatch(batch(3, { outboxAccepted: await listed(zoe) }));
        const entries = await store.listErrors();
        expect(entries.map((e) => [e.recordId, e.status, e.statusChangedAt])).toEqual([
          [people.zoe.lead, "resolved", at(3)],
          [people.jose.lead, "open", null],
        ]);
      });

      it("reads the outbox a page at a time, leaving out the records a pending write decided later writes again", async () => {
        const write = (key: string, recordId: string | null) => ({
          key,
          phase: key.split(":")[0]!,
          side: "marketing" as const,
          system: "hubspot",
          object: recordId === null ? "tasks" : "contacts",
          recordId,
          upsertOn: null,
          associations: [],
          fields: [{ field: "leadloop_status", before: null, after: "mql", rule: "test" }],
          personId: "101",
          email: "zoë.ångström@nordlicht.se",
          group: null,
        });
        await store.commitBatch(
          batch(1, {
            outbox: [
              write("qualification:101", "101"),
              write("qualification:102", "102"),
              write("handoff:task-101", null),
              write("qualification:103", "103"),
            ],
          }),
        );
        await store.commitBatch(batch(2, { outbox: [write("disposition:101", "101"), write("disposition:103", "103")] }));
        await store.commitBatch(batch(3, { outboxRefused: ["disposition:103"] }));
        const keys = (page: OutboxPage) => page.entries.map((e) => e.key);
        const contact = (id: string) => `hubspot\u0000contacts\u0000${id}`;

        // 101 is written again after the page: it waits, unread. 103's later write was refused: it waits
        // for a retry, not for this drain. A create has no record to wait for.
        const first = await store.outboxPage({ limit: 4 });
        expect(keys(first)).toEqual(["qualification:102", "handoff:task-101", "qualification:103"]);
        expect(first.later).toEqual(new Set([contact("101")]));
        expect(first.end).toBe(false);
        const second = await store.outboxPage({ after: first.last!, limit: 4 });
        expect(keys(second)).toEqual(["disposition:101"]);
        expect(second).toMatchObject({ later: new Set(), end: true });
        expect(await store.heldOutboxEntries(second.entries[0]!.seq, [{ system: "hubspot", object: "contacts", recordId: "101" }])).toEqual([
          expect.objectContaining({ key: "qualification:101", fields: write("", "101").fields }),
        ]);

        // A page of one record written again later has no entry to give; the next page reads on past it.
        const one = await store.outboxPage({ limit: 1 });
        expect(one).toMatchObject({ entries: [], later: new Set([contact("101")]), end: false });
        const next = await store.outboxPage({ after: one.last!, limit: 1 });
        expect(keys(next)).toEqual(["qualification:102"]);
        expect(next.later).toEqual(new Set());

        // Only the phase's writes, later ones included.
        const qualification = await store.outboxPage({ limit: 4, phase: "qualification" });
        expect(keys(qualification)).toEqual(["qualification:101", "qualification:102", "qualification:103"]);
        expect(qualification).toMatchObject({ later: new Set(), end: true });
        expect(await store.outboxPage({ limit: 4, phase: "digest" })).toEqual({ entries: [], later: new Set(), end: true });

        // What a drain counts before its first page: creates one by one, records to update once however
        // many writes each has (101 twice), the refused one left out; and a phase's own.
        const counts = async (phase?: string) =>
          [...(await store.pendingOutboxCounts(phase))].sort((a, b) => a.object.localeCompare(b.object));
        expect(await counts()).toEqual([
          { system: "hubspot", object: "contacts", creates: 0, updates: 3 },
          { system: "hubspot", object: "tasks", creates: 1, updates: 0 },
        ]);
        expect(await counts("disposition")).toEqual([{ system: "hubspot", object: "contacts", creates: 0, updates: 1 }]);
        expect(await counts("digest")).toEqual([]);

        // The pending writes about a person other than her own record (the task; the fixture's others name
        // her too), in decision order; the refused one left out: merges.ts re-aims them.
        expect((await store.outboxAbout("hubspot", ["101", "103"])).map((e) => e.key)).toEqual([
          "qualification:102",
          "handoff:task-101",
          "qualification:103",
        ]);
        expect(await store.outboxAbout("salesforce", ["101"])).toEqual([]);
      });

      it("gives the value pending writes of given keys give one field each, pieced values whole, refused writes left out", async () => {
        const reasons =
          "+40 Requested a demo (form “Démo produit”, 2027-03-02)\n+15 Job title matches “Directrice marketing”\n+5 Country is France";
        const stamp = (key: string, recordId: string, side: "marketing" | "crm", after: string): OutboxWrite => ({
          ...qualificationWrite(key, recordId, [{ field: "leadloop_crm_id", before: null, after, rule: "link stamp" }], "zoë@été.fr"),
          phase: "link stamp",
          side,
          ...(side === "crm" ? { system: "salesforce", object: "Lead" } : {}),
        });
        await store.commitBatch(
          batch(1, {
            outbox: [
              stamp("stamp:marketing:contacts:501", "501", "marketing", "00Q5f00000AbCdEFG1"),
              stamp("stamp:crm:Lead:00Q5f00000AbCdEFG2", "00Q5f00000AbCdEFG2", "crm", "502"),
              stamp("stamp:marketing:contacts:503", "503", "marketing", "00Q5f00000AbCdEFG3"),
              qualificationWrite(
                "qualification:504",
                "504",
                [
                  { field: "leadloop_score_reasons", before: null, after: reasons, rule: "score" },
                  { field: "leadloop_status", before: "Nurture", after: "MQL", rule: "score" },
                ],
                "Ånna.Öberg@Example.se",
              ),
            ],
          }),
        );
        await store.commitBatch(batch(2, { outboxRefused: ["stamp:marketing:contacts:503"] }));
        const values = await store.pendingOutboxValues(
          new Map([
            ["stamp:marketing:contacts:501", "leadloop_crm_id"],
            ["stamp:crm:Lead:00Q5f00000AbCdEFG2", "leadloop_crm_id"],
            // Refused: its stamp is not on its way.
            ["stamp:marketing:contacts:503", "leadloop_crm_id"],
            ["qualification:504", "leadloop_score_reasons"],
            // No write kept for these keys.
            ["stamp:marketing:contacts:504", "leadloop_crm_id"],
            ["sync:marketing:contacts:505", "leadloop_crm_id"],
          ]),
        );
        expect([...values].sort((a, b) => a.key.localeCompare(b.key))).toEqual([
          { key: "qualification:504", side: "marketing", recordId: "504", value: reasons },
          { key: "stamp:crm:Lead:00Q5f00000AbCdEFG2", side: "crm", recordId: "00Q5f00000AbCdEFG2", value: "502" },
          { key: "stamp:marketing:contacts:501", side: "marketing", recordId: "501", value: "00Q5f00000AbCdEFG1" },
        ]);
        // A write naming no such field: one the store knows by another write, one it never named.
        expect(
          await store.pendingOutboxValues(
            new Map([
              ["qualification:504", "leadloop_crm_id"],
              ["stamp:marketing:contacts:501", "leadloop_owner"],
            ]),
          ),
        ).toEqual([]);
      });

      it("keeps a page's many writes in decision order, one per key, and a refused write decided again refused", async () => {
        const write = (key: string, recordId: string, field: string, after: string) =>
          qualificationWrite(key, recordId, [{ field, before: null, after, rule: "test" }], `Zoë.${recordId}@Example.com`);
        await store.commitBatch(batch(1, { outbox: [write("qualification:7", "7", "leadloop_status", "mql")] }));
        await store.commitBatch(batch(2, { outboxRefused: ["qualification:7"] }));
        // 73 writes in one commit (more than one multi-row statement holds), 201 decided twice in it.
        const many = Array.from({ length: 72 }, (_, i) => write(`qualification:${200 + i}`, String(200 + i), "leadloop_score", `${i}`));
        await store.commitBatch(
          batch(3, {
            outbox: [
              ...many.slice(0, 40),
              write("qualification:201", "201", "leadloop_status", "mql"),
              write("qualification:7", "7", "leadloop_status", "mql"),
              ...many.slice(40),
            ],
          }),
        );
        const pending = await store.listOutbox();
        expect(pending.map((e) => e.key)).toEqual(many.map((w) => w.key));
        expect(pending[1]!.fields).toEqual([
          { field: "leadloop_score", before: null, after: "1", rule: "test" },
          { field: "leadloop_status", before: null, after: "mql", rule: "test" },
        ]);
        expect(pending[71]!.email).toBe("Zoë.271@Example.com");
        // The same values again: still refused, waiting for a change or a retry.
        expect((await store.listOutbox({ refused: true })).map((e) => e.key)).toEqual(["qualification:7"]);
      });

      it("replaces the values of a write decided again with every field it named, long reasons included, and keeps a refused one refused on the same values", async () => {
        const reasons = (demo: number) =>
          [
            `+40 Requested a demo: ${demo} × form_submission, latest 2026-11-28; capped at 40`,
            '+15 Company of 50 to 5,000 employees (our core market) (company.numberofemployees "2316")',
            '+5 In a country we sell in (country "Sverige" → SE)',
          ].join("\n");
        const score = (key: string, recordId: string, points: string, text: string) =>
          qualificationWrite(
            key,
            recordId,
            // The reasons named last: the store keeps fields in one order whatever order they come in.
            [
              { field: "leadloop_score", before: null, after: points, rule: `score: ${points} points` },
              { field: "leadloop_reasons", before: "+5 In a country we sell in", after: text, rule: `score: ${points} points` },
            ],
            `Åsa.${recordId}@Nordlicht.se`,
          );
        const status = (key: string, recordId: string) => ({
          ...score(key, recordId, "0", ""),
          fields: [{ field: "leadloop_status", before: null, after: "mql", rule: "qualified" }],
        });
        await store.commitBatch(batch(1, { outbox: [score("qualification:81", "81", "55", reasons(1)), score("qualification:82", "82", "55", reasons(1))] }));
        await store.commitBatch(batch(2, { outboxRefused: ["qualification:82"] }));
        await store.commitBatch(
          batch(3, {
            outbox: [
              // Åsa's score again with new reasons; Ola's, refused, with the same; Åsa's status beside her score.
              score("qualification:81", "81", "95", reasons(2)),
              score("qualification:82", "82", "55", reasons(1)),
              status("qualification:81", "81"),
            ],
          }),
        );
        const [asa] = await store.listOutbox();
        expect(asa!.fields).toEqual([
          { field: "leadloop_reasons", before: "+5 In a country we sell in", after: reasons(2), rule: "score: 95 points" },
          { field: "leadloop_score", before: null, after: "95", rule: "score: 95 points" },
          { field: "leadloop_status", before: null, after: "mql", rule: "qualified" },
        ]);
        expect((await store.listOutbox({ refused: true })).map((e) => [e.key, e.fields.find((f) => f.field === "leadloop_reasons")!.after])).toEqual([
          ["qualification:82", reasons(1)],
        ]);
        // Ola's score decided with other reasons: pending again, with them.
        await store.commitBatch(batch(4, { outbox: [score("qualification:82", "82", "95", reasons(2))] }));
        expect(await store.listOutbox({ refused: true })).toEqual([]);
        const [, ola] = await store.listOutbox();
        expect(ola!.fields.map((f) => f.after)).toEqual([reasons(2), "95"]);
      });

      it("keeps snapshots of different links apart and survives a retirement", async () => {
        const { linkIds } = await store.commitBatch(
          batch(1, {
            links: [
              {
                ...leadLink(people.zoe),
                snapshots: { country: { marketing: "Sverige", crm: "SE", syncedAt: at(1) } },
              },
              {
                ...leadLink(people.jose),
                snapshots: { country: { marketing: "España", crm: "ES", syncedAt: at(1) } },
              },
            ],
          }),
        );
        const [zoeId, joseId] = linkIds as [number, number];
        await store.commitBatch(batch(2, { retireLinks: [{ id: zoeId, reason: "deleted in HubSpot" }] }));

        const snapshots = await store.getSnapshots(linkIds);
        expect(snapshots.get(zoeId)?.country?.marketing).toBe("Sverige");
        expect(snapshots.get(joseId)?.country?.crm).toBe("ES");
      });
    });

    describe("commitBatch atomicity", () => {
      async function seed(): Promise<number> {
        const [id] = (
          await store.commitBatch(
            batch(1, {
              links: [
                {
                  ...leadLink(people.zoe),
                  snapshots: { firstname: { marketing: "Zoë", crm: "Zoë", syncedAt: at(1) } },
                },
                leadLink(people.jose),
              ],
              cursors: [{ system: "hubspot", object: "contacts", value: at(0), lastId: "51" }],
            }),
          )
        ).linkIds;
        return id as number;
      }

      async function expectOnlySeed(zoeId: number): Promise<void> {
        expect(await store.countLinks()).toBe(2);
        expect(await store.findLinkByMarketing("contact", people.bjorn.hubspotId)).toBeUndefined();
        expect((await store.findLinkByMarketing("contact", people.zoe.hubspotId))?.crmId).toBe(
          people.zoe.lead,
        );
        expect((await store.getSnapshots([zoeId])).get(zoeId)?.firstname?.crm).toBe("Zoë");
        expect(await store.listAudit([people.zoe.lead, people.bjorn.lead])).toEqual([]);
        expect(await store.listErrors()).toEqual([]);
        expect(await store.listFunnelEvents()).toEqual([]);
        expect(await store.getCursor("hubspot", "contacts")).toMatchObject({ value: at(0), lastId: "51" });
        expect(await store.getCursor("salesforce", "Lead")).toBeUndefined();
      }

      it("writes nothing when a link in the middle of the batch conflicts", async () => {
        const zoeId = await seed();
        const failing = batch(5, {
          links: [
            leadLink(people.bjorn),
            {
              ...leadLink(people.zoe),
              crmType: "Contact",
              crmId: people.zoe.contact,
              snapshots: { firstname: { marketing: "Zoé", crm: "Zoé", syncedAt: at(5) } },
            },
            { ...leadLink(people.francoise), crmId: people.jose.lead },
          ],
          audit: [auditEntry(people.bjorn.lead, 5, "FirstName", "Björn")],
          errors: [failedWrite(people.zoe.lead, 5, "FIELD_CUSTOM_VALIDATION_EXCEPTION: Country required")],
          funnelEvents: [funnelEvent(people.bjorn.hubspotId, "mql", 5)],
          cursors: [
            { system: "hubspot", object: "contacts", value: at(5), lastId: "54" },
            { system: "salesforce", object: "Lead", value: at(5), lastId: null },
          ],
        });

        await expect(store.commitBatch(failing)).rejects.toThrow(StoreError);
        await expectOnlySeed(zoeId);
      });

      it("writes nothing when the last part of the batch violates a constraint", async () => {
        const zoeId = await seed();
        const failing = batch(5, {
          links: [
            leadLink(people.bjorn),
            { ...leadLink(people.zoe), crmType: "Contact", crmId: people.zoe.contact },
          ],
          audit: [auditEntry(people.bjorn.lead, 5, "FirstName", "Björn")],
          funnelEvents: [funnelEvent(people.bjorn.hubspotId, "mql", 5)],
          errors: [
            failedWrite(people.zoe.lead, 5, "FIELD_CUSTOM_VALIDATION_EXCEPTION: Country required"),
            { ...failedWrite(people.bjorn.lead, 5, "boom"), errorClass: "not-a-class" as ErrorClass },
          ],
          cursors: [{ system: "hubspot", object: "contacts", value: at(5), lastId: "54" }],
        });

        await expect(store.commitBatch(failing)).rejects.toThrow(StoreError);
        await expectOnlySeed(zoeId);
      });

      it("rejects retiring a link that does not exist, writing nothing", async () => {
        const zoeId = await seed();
        await expect(
          store.commitBatch(
            batch(5, {
              links: [leadLink(people.bjorn)],
              retireLinks: [{ id: 987_654, reason: "deleted" }],
              cursors: [{ system: "salesforce", object: "Lead", value: at(5), lastId: null }],
            }),
          ),
        ).rejects.toThrow(StoreError);
        await expectOnlySeed(zoeId);
      });
    });

    describe("cursors", () => {
      it("saves cursors with a batch, overwrites them and lists them in order", async () => {
        expect(await store.getCursor("hubspot", "contacts")).toBeUndefined();
        await store.commitBatch(
          batch(1, {
            cursors: [
              {
                system: "salesforce",
                object: "Lead",
                value: "2025-03-10T08:59:59.000Z",
                lastId: "00Q5e00000ZoeAAA",
              },
              { system: "hubspot", object: "contacts", value: "2025-03-10T08:58:00.000Z", lastId: null },
            ],
          }),
        );
        await store.commitBatch(
          batch(2, {
            cursors: [
              { system: "hubspot", object: "contacts", value: "2025-03-10T09:01:00.000Z", lastId: "52" },
            ],
          }),
        );

        expect(await store.getCursor("hubspot", "contacts")).toEqual({
          system: "hubspot",
          object: "contacts",
          value: "2025-03-10T09:01:00.000Z",
          lastId: "52",
          updatedAt: at(2),
        });
        expect((await store.listCursors()).map((c) => `${c.system}/${c.object}@${c.updatedAt}`)).toEqual([
          `hubspot/contacts@${at(2)}`,
          `salesforce/Lead@${at(1)}`,
        ]);
        expect(await store.getCursor("salesforce", "Contact")).toBeUndefined();
      });
    });

    describe("error queue", () => {
      it("adds an open entry with its payload and one attempt", async () => {
        await store.commitBatch(
          batch(1, { errors: [failedWrite(people.zoe.lead, 1, "INVALID_EMAIL_ADDRESS: Email")] }),
        );
        const [entry] = await store.listErrors();
        expect(entry).toEqual({
          id: expect.any(Number),
          runId: RUN,
          system: "salesforce",
          object: "Lead",
          recordId: people.zoe.lead,
          operation: "update",
          payload: { FirstName: "Zoë", LastName: "Ångström", Country: "Sverige", Phone: null },
          errorClass: "data",
          message: "INVALID_EMAIL_ADDRESS: Email",
          attempts: 1,
          sentByRuns: false,
          status: "open",
          firstSeenAt: at(1),
          lastSeenAt: at(1),
          statusChangedAt: null,
        });
        expect(await store.getError(entry?.id as number)).toEqual(entry);
        expect(await store.getError(424_242)).toBeUndefined();
      });

      it("finds the open entries of given records only, none once all are resolved", async () => {
        expect((await store.openErrorsFor([people.zoe.lead])).size).toBe(0);
        await store.commitBatch(
          batch(1, {
            errors: [
              failedWrite(people.zoe.lead, 1, "INVALID_EMAIL_ADDRESS: Email"),
              { ...failedWrite(people.zoe.lead, 1, "DELETE_FAILED"), operation: "delete" },
              failedWrite(people.jose.lead, 1, "REQUIRED_FIELD_MISSING: LastName"),
            ],
          }),
        );

        const open = await store.openErrorsFor([people.zoe.lead, people.bjorn.lead]);
        expect([...open.keys()]).toEqual([people.zoe.lead]);
        expect(open.get(people.zoe.lead)?.map((e) => e.operation).sort()).toEqual(["delete", "update"]);

        // Listed by record, whatever their status, with when that status last changed.
        const zoes = await store.listErrors({ recordIds: [people.zoe.lead, people.bjorn.lead] });
        expect(zoes.map((e) => [e.recordId, e.operation, e.statusChangedAt]).sort()).toEqual([
          [people.zoe.lead, "delete", null],
          [people.zoe.lead, "update", null],
        ]);
        // By object and by when last seen: a Contact's entry, and the Leads' entries seen at minute 1.
        await store.commitBatch(batch(1, { errors: [{ ...failedWrite(people.bjorn.lead, 3, "ENTITY_IS_DELETED"), object: "Contact" }] }));
        const leadsSince = (since: number) =>
          store.listErrors({ status: "open", system: "salesforce", object: "Lead", seenSince: at(since) });
        expect((await leadsSince(1)).map((e) => e.recordId).sort()).toEqual([people.jose.lead, people.zoe.lead, people.zoe.lead].sort());
        expect(await leadsSince(2)).toEqual([]);
        expect((await store.listErrors({ object: "Contact", seenSince: at(3) })).map((e) => e.recordId)).toEqual([people.bjorn.lead]);
        const ids = (await store.listErrors()).map((e) => e.id);
        await store.commitBatch(batch(2, { resolvedErrors: ids }));
        expect((await store.openErrorsFor([people.zoe.lead, people.jose.lead])).size).toBe(0);
        const resolved = await store.listErrors({ recordIds: [people.jose.lead], status: "resolved" });
        expect(resolved.map((e) => [e.recordId, e.statusChangedAt])).toEqual([[people.jose.lead, at(2)]]);
        expect(await store.listErrors({ recordIds: [] })).toEqual([]);
      });

      it("counts a repeat failure on the open entry instead of duplicating it", async () => {
        await store.commitBatch(
          batch(1, { errors: [failedWrite(people.zoe.lead, 1, "UNABLE_TO_LOCK_ROW")] }),
        );
        await store.commitBatch(
          batch(7, {
            errors: [
              {
                ...failedWrite(people.zoe.lead, 7, "FIELD_INTEGRITY_EXCEPTION: Country"),
                payload: { Country: "SE" },
              },
              { ...failedWrite(people.zoe.lead, 7, "DELETE_FAILED"), operation: "delete" },
            ],
          }),
        );

        const entries = await store.listErrors();
        expect(entries).toHaveLength(2);
        expect(entries[0]).toMatchObject({
          operation: "update",
          attempts: 2,
          message: "FIELD_INTEGRITY_EXCEPTION: Country",
          payload: { Country: "SE" },
          firstSeenAt: at(1),
          lastSeenAt: at(7),
          status: "open",
        });
        expect(entries[1]).toMatchObject({ operation: "delete", attempts: 1 });
      });

      it("opens a new entry once the earlier one is resolved, and never merges writes without a record id", async () => {
        await store.commitBatch(
          batch(1, { errors: [failedWrite(people.zoe.lead, 1, "UNABLE_TO_LOCK_ROW")] }),
        );
        const [first] = await store.listErrors();
        await store.commitBatch(batch(2, { resolvedErrors: [first?.id as number] }));
        await store.commitBatch(
          batch(3, {
            errors: [
              failedWrite(people.zoe.lead, 3, "UNABLE_TO_LOCK_ROW"),
              { ...failedWrite(null, 3, "REQUIRED_FIELD_MISSING: LastName"), operation: "create" },
              { ...failedWrite(null, 3, "REQUIRED_FIELD_MISSING: Company"), operation: "create" },
            ],
          }),
        );

        expect((await store.getError(first?.id as number))?.status).toBe("resolved");
        const open = await store.listErrors({ status: "open" });
        expect(open.map((e) => [e.recordId, e.attempts])).toEqual([
          [people.zoe.lead, 1],
          [null, 1],
          [null, 1],
        ]);
      });

      // A run opens by sending again what clears by itself (store/port.ts sentAgainByRuns): a refusal in
      // passing, or a lock its system ends by itself (an approval's), not an owner who left.
      it("finds the entries runs send again: refusals in passing and lasting locks, by their class or lock", async () => {
        await store.commitBatch(
          batch(1, {
            errors: [
              { ...failedWrite(people.zoe.lead, 1, "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access"), errorClass: "transient" },
              { ...failedWrite(people.jose.lead, 1, "ENTITY_IS_LOCKED: the entity is locked for editing"), errorClass: "conflict", lastingLock: true },
              { ...failedWrite(people.zoe.contact, 1, "INACTIVE_OWNER_OR_USER: operation performed with inactive user"), errorClass: "conflict" },
            ],
          }),
        );
        const all = await store.listErrors({ status: "open" });
        expect(all.map((e) => [e.recordId, e.sentByRuns])).toEqual([
          [people.zoe.lead, true],
          [people.jose.lead, true],
          [people.zoe.contact, false],
        ]);
        expect((await store.listErrors({ status: "open", sentByRuns: true })).map((e) => e.recordId)).toEqual([people.zoe.lead, people.jose.lead]);
        // Refused again, the lock's entry keeps saying so.
        await store.commitBatch(
          batch(2, { errors: [{ ...failedWrite(people.jose.lead, 2, "ENTITY_IS_LOCKED: the entity is locked for editing"), errorClass: "conflict", lastingLock: true }] }),
        );
        expect(await store.listErrors({ status: "open", sentByRuns: true, afterId: all[0]!.id })).toEqual([
          expect.objectContaining({ recordId: people.jose.lead, attempts: 2, sentByRuns: true }),
        ]);
      });

      it("records retry attempts and status changes", async () => {
        await store.commitBatch(
          batch(1, { errors: [failedWrite(people.jose.lead, 1, "UNABLE_TO_LOCK_ROW")] }),
        );
        const [entry] = await store.listErrors();
        const id = entry?.id as number;

        await store.recordErrorAttempt(id, "UNABLE_TO_LOCK_ROW: still locked", at(20));
        expect(await store.getError(id)).toMatchObject({
          attempts: 2,
          message: "UNABLE_TO_LOCK_ROW: still locked",
          lastSeenAt: at(20),
          firstSeenAt: at(1),
          status: "open",
        });

        await store.setErrorStatus(id, "discarded", at(21));
        expect((await store.getError(id))?.status).toBe("discarded");
        await expect(store.recordErrorAttempt(31_337, "x", at(22))).rejects.toThrow(StoreError);
        await expect(store.setErrorStatus(31_337, "resolved", at(22))).rejects.toThrow(StoreError);
      });

      it("filters by status and system and honours the limit, oldest first", async () => {
        await store.commitBatch(
          batch(1, {
            errors: [
              failedWrite(people.zoe.lead, 1, "a"),
              failedWrite(people.jose.lead, 2, "b"),
              { ...failedWrite("51", 3, "c"), system: "hubspot", object: "contacts" },
              failedWrite(people.bjorn.lead, 4, "d"),
            ],
          }),
        );
        const all = await store.listErrors();
        await store.setErrorStatus(all[1]?.id as number, "resolved", at(5));

        expect((await store.listErrors({ system: "salesforce" })).map((e) => e.message)).toEqual([
          "a",
          "b",
          "d",
        ]);
        expect(
          (await store.listErrors({ status: "open", system: "salesforce" })).map((e) => e.message),
        ).toEqual(["a", "d"]);
        expect((await store.listErrors({ status: "resolved" })).map((e) => e.message)).toEqual(["b"]);
        expect((await store.listErrors({ limit: 2 })).map((e) => e.message)).toEqual(["a", "b"]);
        expect(await store.listErrors({ system: "marketo" })).toEqual([]);
      });

      // `/metrics` and the console count problems from keys the store keeps with each entry; every write
      // that changes what the grouping reads (a repeat refusal, a retry's new message, a write moved to a
      // merge's survivor) keeps the count the grouping of the open entries gives.
      it("counts the open entries' problems as the grouping does, through repeats, retries and moves", async () => {
        const refusals = problemRefusals(1);
        await store.commitBatch(batch(1, { errors: refusals.map((r) => r.entry) }));
        const listed = await store.listErrors();
        for (const [i, r] of refusals.entries()) if (r.resolved) await store.setErrorStatus(listed[i]!.id, "resolved", at(2));
        const grouped = async () => {
          const counts = new Map<ErrorClass, number>();
          for (const { entries } of problemsOf(await store.listErrors({ status: "open" })))
            counts.set(entries[0]!.errorClass, (counts.get(entries[0]!.errorClass) ?? 0) + 1);
          return [...counts].map(([errorClass, count]) => ({ errorClass, count })).sort((a, b) => a.errorClass.localeCompare(b.errorClass));
        };
        expect(await store.countOpenProblems()).toEqual([{ errorClass: "conflict", count: 1 }, { errorClass: "data", count: 5 }]);
        expect(await store.countOpenProblems()).toEqual(await grouped());
        // A person's entries are found by the key they are counted by.
        expect((await store.listErrors({ status: "open", personIds: [people.francoise.hubspotId] })).map((e) => e.object)).toEqual(["Contact", "Contact", "Task"]);

        // Zoë's qualification refused again by the country rule: one cause, one problem.
        const [, , , zoeCountry, zoeCompany, joseUpdate, joseQualification] = listed;
        await store.recordErrorAttempt(zoeCompany!.id, zoeCountry!.message, at(3));
        expect(await store.countOpenProblems()).toEqual([{ errorClass: "conflict", count: 1 }, { errorClass: "data", count: 4 }]);
        // José's qualification moved to the contact his was merged into, its payload now naming him: his
        // person's problem, no longer his old record's.
        const jose = { personId: people.jose.hubspotId, email: "José.García@Example" };
        await store.commitBatch(batch(4, { movedErrors: [{ id: joseQualification!.id, recordId: "1187", payload: jose }] }));
        expect(await store.countOpenProblems()).toEqual([{ errorClass: "conflict", count: 1 }, { errorClass: "data", count: 5 }]);
        // His old record's update refused again, now naming him (a repeat on the open entry): one problem again.
        const again = { ...failedWrite(joseUpdate!.recordId, 5, joseUpdate!.message), system: "hubspot", object: "contacts", payload: jose };
        await store.commitBatch(batch(5, { errors: [again] }));
        expect((await store.getError(joseUpdate!.id))?.attempts).toBe(2);
        expect(await store.countOpenProblems()).toEqual([{ errorClass: "conflict", count: 1 }, { errorClass: "data", count: 4 }]);
        expect(await store.countOpenProblems()).toEqual(await grouped());
        await store.commitBatch(batch(6, { resolvedErrors: (await store.listErrors({ status: "open" })).map((e) => e.id) }));
        expect(await store.countOpenProblems()).toEqual([]);
      });
    });

    describe("audit", () => {
      it("returns rows for the asked records oldest first, across batches", async () => {
        await store.commitBatch(
          batch(10, {
            audit: [
              auditEntry(people.zoe.lead, 10, "FirstName", "Zoë"),
              auditEntry(people.jose.lead, 10, "LastName", "García"),
            ],
          }),
        );
        await store.commitBatch(
          batch(3, {
            audit: [
              {
                ...auditEntry(people.zoe.lead, 3, "Email", people.zoe.email),
                before: "zoe@old.se",
                rule: "conflict: prefer_crm",
              },
              auditEntry(people.zoe.lead, 10, "Country", "SE"),
            ],
          }),
        );

        const rows = await store.listAudit([people.zoe.lead]);
        expect(rows.map((r) => `${r.at} ${r.field}`)).toEqual([
          `${at(3)} Email`,
          `${at(10)} FirstName`,
          `${at(10)} Country`,
        ]);
        expect(rows[0]).toEqual({
          runId: RUN,
          at: at(3),
          system: "salesforce",
          object: "Lead",
          recordId: people.zoe.lead,
          operation: "update",
          field: "Email",
          before: "zoe@old.se",
          after: people.zoe.email,
          rule: "conflict: prefer_crm",
        });
        expect((await store.listAudit([people.zoe.lead, people.jose.lead, "unknown"])).length).toBe(4);
        expect(await store.listAudit([])).toEqual([]);
      });

      it("with a limit returns the latest rows, still oldest first", async () => {
        await store.commitBatch(
          batch(1, {
            audit: Array.from({ length: 6 }, (_, i) =>
              auditEntry(people.bjorn.lead, i, `Field${i}`, `Wert ${i}`),
            ),
          }),
        );
        expect((await store.listAudit([people.bjorn.lead], 2)).map((r) => r.field)).toEqual([
          "Field4",
          "Field5",
        ]);
      });
      it("keeps every row of a large batch, in order, with names and values intact", async () => {
        // 123 rows: more than one multi-row statement holds, and a remainder of single rows.
        const entries = Array.from({ length: 123 }, (_, i) => ({
          ...auditEntry(i % 2 === 0 ? people.zoe.lead : people.jose.lead, 4, `Feld_${i}`, `Wert ${i} – ß`),
          before: i % 3 === 0 ? null : `alt ${i}`,
          rule: i % 5 === 0 ? "conflict: most_recent" : "changed in marketing",
        }));
        await store.commitBatch(batch(4, { audit: entries }));

        const rows = await store.listAudit([people.zoe.lead, people.jose.lead]);
        expect(rows).toEqual(entries);
      });

      it("keeps each field of a write with its own rule and its blanks, whichever rule most of them name", async () => {
        const field = (name: string, before: string | null, after: string | null, rule: string) => ({
          ...auditEntry(people.zoe.lead, 5, name, after),
          before,
          rule,
        });
        const handoff = "handoff to hélène.dubois@acme.com by emea";
        const sync = "changed in marketing";
        // A write (one record, run, time and operation) naming two rules as often as each other; then one
        // whose fields mostly name one rule, some with a blank before or after.
        const tie = [field("OwnerId", "005A", "005B", handoff), field("Title", "CMO", null, sync)];
        const most = [
          field("Status", null, null, "qualified"),
          field("Rating", "Warm", "Hot", "qualified"),
          field("Industry", null, "Software", sync),
          field("Leadloop_Score__c", "12", "72.5", "qualified"),
          field("Leadloop_Upsell__c", "yes", null, "qualified"),
        ];
        await store.commitBatch(batch(5, { audit: tie }));
        await store.commitBatch(batch(6, { audit: most.map((e) => ({ ...e, at: at(6) })) }));

        expect(await store.listAudit([people.zoe.lead])).toEqual([...tie, ...most.map((e) => ({ ...e, at: at(6) }))]);
      });
    });

    describe("runs", () => {
      it("starts, finishes and lists runs most recent first", async () => {
        await store.startRun({ id: "run-a", startedAt: at(0), dryRun: false });
        await store.startRun({ id: "run-b", startedAt: at(15), dryRun: true });
        await store.finishRun("run-a", {
          finishedAt: at(3),
          status: "succeeded",
          summary: { created: 12, updated: 3, errors: 1, note: "Société Générale ajoutée" },
        });

        const runs = await store.listRuns(10);
        expect(runs).toEqual([
          {
            id: "run-b",
            startedAt: at(15),
            finishedAt: null,
            status: "running",
            dryRun: true,
            summary: null,
          },
          {
            id: "run-a",
            startedAt: at(0),
            finishedAt: at(3),
            status: "succeeded",
            dryRun: false,
            summary: { created: 12, updated: 3, errors: 1, note: "Société Générale ajoutée" },
          },
        ]);
        expect((await store.listRuns(1)).map((r) => r.id)).toEqual(["run-b"]);
      });

      it("rejects finishing an unknown run and starting a run twice", async () => {
        await store.startRun({ id: "run-a", startedAt: at(0), dryRun: false });
        await expect(store.startRun({ id: "run-a", startedAt: at(1), dryRun: false })).rejects.toThrow(
          StoreError,
        );
        await expect(
          store.finishRun("run-x", { finishedAt: at(1), status: "failed", summary: null }),
        ).rejects.toThrow(StoreError);
      });
    });

    describe("scratch copy (a dry run's store)", () => {
      it("holds what the store holds, keeps its own changes to itself, and goes away when closed", async () => {
        await store.commitBatch(batch(1, { links: [leadLink(people.zoe)] }));
        await store.commitBatch(
          batch(2, { cursors: [{ system: "hubspot", object: "contacts", value: at(2), lastId: "Zoé-1" }] }),
        );
        const copy = await store.scratchCopy();
        try {
          expect(await copy.findLinkByMarketing("contact", people.zoe.hubspotId)).toBeDefined();
          expect((await copy.getCursor("hubspot", "contacts"))?.lastId).toBe("Zoé-1");

          await copy.commitBatch(
            batch(3, {
              links: [leadLink(people.jose)],
              cursors: [{ system: "hubspot", object: "contacts", value: at(3), lastId: null }],
            }),
          );
          await copy.commitBatch(batch(4, { roundRobinTurns: [{ queue: "emea-inbound", next: 1, taken: 1 }] }));
          expect(await copy.roundRobinNext("emea-inbound")).toBe(1);
          expect(await copy.findLinkByMarketing("contact", people.jose.hubspotId)).toBeDefined();
        } finally {
          await copy.close();
        }
        expect(await store.findLinkByMarketing("contact", people.jose.hubspotId)).toBeUndefined();
        expect((await store.getCursor("hubspot", "contacts"))?.lastId).toBe("Zoé-1");
        expect(await store.roundRobinNext("emea-inbound")).toBeUndefined();
        await expect(copy.countLinks()).rejects.toThrow(StoreError);
      });
    });

    describe("locks", () => {
      const ttl = 5 * 60_000;

      it("refuses a second holder until the first releases", async () => {
        expect(await store.acquireLock("sync", "daemon-a", at(0), ttl)).toBe(true);
        expect(await store.acquireLock("sync", "daemon-b", at(1), ttl)).toBe(false);
        expect(await store.acquireLock("sync", "daemon-a", at(1), ttl)).toBe(true);
        expect(await store.acquireLock("metrics", "daemon-b", at(1), ttl)).toBe(true);

        await store.releaseLock("sync", "daemon-b");
        expect(await store.acquireLock("sync", "daemon-b", at(2), ttl)).toBe(false);

        await store.releaseLock("sync", "daemon-a");
        expect(await store.acquireLock("sync", "daemon-b", at(2), ttl)).toBe(true);
        expect(await store.acquireLock("sync", "daemon-a", at(3), ttl)).toBe(false);
      });

      it("lets another holder take a lease that expired, after which the old holder cannot renew", async () => {
        expect(await store.acquireLock("sync", "daemon-a", at(0), ttl)).toBe(true);
        expect(await store.acquireLock("sync", "daemon-b", at(4), ttl)).toBe(false);
        expect(await store.acquireLock("sync", "daemon-b", at(5), ttl)).toBe(true);
        expect(await store.renewLock("sync", "daemon-a", at(6), ttl)).toBe(false);
        expect(await store.acquireLock("sync", "daemon-a", at(6), ttl)).toBe(false);
      });

      it("renewing extends the lease from the renewal time", async () => {
        expect(await store.acquireLock("sync", "daemon-a", at(0), ttl)).toBe(true);
        expect(await store.renewLock("sync", "daemon-a", at(4), ttl)).toBe(true);
        expect(await store.acquireLock("sync", "daemon-b", at(8), ttl)).toBe(false);
        expect(await store.acquireLock("sync", "daemon-b", at(9), ttl)).toBe(true);
        expect(await store.renewLock("sync", "daemon-z", at(9), ttl)).toBe(false);
      });

      it("names the holder, since when and until when, lapsed lease included", async () => {
        expect(await store.lockHolder("sync")).toBeUndefined();
        await store.acquireLock("sync", "host-a:4242:run-1", at(0), ttl);
        await store.renewLock("sync", "host-a:4242:run-1", at(3), ttl);
        expect(await store.lockHolder("sync")).toEqual({
          name: "sync",
          holder: "host-a:4242:run-1",
          acquiredAt: at(0),
          expiresAt: at(8),
        });
        expect(await store.lockHolder("metrics")).toBeUndefined();

        await store.acquireLock("sync", "host-b:7:run-2", at(9), ttl);
        expect(await store.lockHolder("sync")).toMatchObject({ holder: "host-b:7:run-2", acquiredAt: at(9) });
      });

      it("frees a lock for whoever names its holder, live lease or not, and only that holder's", async () => {
        // What a run does with a holder whose process died, and what `leadloop unlock` does.
        await store.acquireLock("sync", "host-a:4242:run-1", at(0), ttl);
        expect(await store.acquireLock("sync", "host-a:5151:run-2", at(1), ttl)).toBe(false);
        expect(await store.releaseLock("sync", "host-a:4242:run-1")).toBe(true);
        expect(await store.lockHolder("sync")).toBeUndefined();
        expect(await store.acquireLock("sync", "host-a:5151:run-2", at(1), ttl)).toBe(true);

        // A holder read before the lock changed hands frees nothing: the live holder keeps it.
        expect(await store.releaseLock("sync", "host-a:4242:run-1")).toBe(false);
        expect(await store.lockHolder("sync")).toMatchObject({ holder: "host-a:5151:run-2" });
        expect(await store.acquireLock("sync", "host-c:1:run-3", at(2), ttl)).toBe(false);
        expect(await store.renewLock("sync", "host-a:5151:run-2", at(2), ttl)).toBe(true);
        expect(await store.releaseLock("sync", "nobody")).toBe(false);
      });
    });

    describe("funnel events", () => {
      it("gives a person's latest restored move to a stage the verdict behind it, and no other move", async () => {
        const restored = (e: ReturnType<typeof funnelEvent>) => ({ ...e, cause: "restored: the contact's leadloop_status (the state store knew no stage for this person)" });
        await store.commitBatch(
          batch(1, {
            funnelEvents: [
              funnelEvent("71", "mql", 10, "lead"),
              { ...funnelEvent("71", "recycled", 20, "mql"), cause: "disposition recycle: Nurture – rappeler en été" },
              restored(funnelEvent("72", "mql", 10, "lead")),
              restored(funnelEvent("72", "recycled", 30, "mql")),
            ],
          }),
        );
        await store.commitBatch(
          batch(40, {
            restoredVerdicts: [
              { personId: "71", toStage: "recycled", cause: "restored: disposition recycle: Nurture" },
              { personId: "72", toStage: "recycled", cause: "restored: disposition recycle: Nurture – rappeler en été" },
            ],
          }),
        );
        expect((await store.listFunnelEvents({ personId: "71" })).map((e) => e.cause)[1]).toBe("disposition recycle: Nurture – rappeler en été");
        expect((await store.listFunnelEvents({ personId: "72" })).map((e) => e.cause)).toEqual([
          "restored: the contact's leadloop_status (the state store knew no stage for this person)",
          "restored: disposition recycle: Nurture – rappeler en été",
        ]);
      });

      it("keeps an event's campaign id and origin, and the campaigns read, replacing one read again", async () => {
        await store.commitBatch(
          batch(1, {
            funnelEvents: [
              { ...funnelEvent("61", "mql", 10, "lead"), campaign: "Salon Logística Bilbao 2026", campaignId: "701Hs00000AbCdEIAZ", campaignOrigin: "salesforce-campaign" },
            ],
          }),
        );
        expect((await store.listFunnelEvents({ personId: "61" }))[0]).toMatchObject({
          campaign: "Salon Logística Bilbao 2026",
          campaignId: "701Hs00000AbCdEIAZ",
          campaignOrigin: "salesforce-campaign",
        });
        const fair = { origin: "salesforce-campaign" as const, id: "701Hs00000AbCdEIAZ", name: "Salon Logística Bilbao", type: "Trade Show", status: "Planned", startDate: "2026-10-06", endDate: null, readAt: at(0) };
        const webinar = { origin: "hubspot-campaign" as const, id: "c41a9e77-0b2d-4e8f-8a63-5d9f1e2c7a03", name: "Webinaire Été 2026", type: null, status: "active", startDate: null, endDate: null, readAt: at(0) };
        await store.saveCampaigns([fair, webinar]);
        await store.saveCampaigns([{ ...fair, name: "Salon Logística Bilbao 2026", status: "Completed", readAt: at(5) }]);
        expect(await store.listCampaigns()).toEqual([webinar, { ...fair, name: "Salon Logística Bilbao 2026", status: "Completed", readAt: at(5) }]);
        expect(await store.listCampaigns({ origin: "hubspot-campaign" })).toEqual([webinar]);
      });

      it("lists events in time order with filters, from inclusive and to exclusive", async () => {
        await store.commitBatch(
          batch(1, {
            funnelEvents: [
              { ...funnelEvent("51", "sal", 60, "mql"), ownerId: "0055e000001RepA", email: people.zoe.email },
              funnelEvent("51", "mql", 10, "lead"),
              { ...funnelEvent("52", "won", 120, "opportunity"), amount: 48_500.5 },
            ],
          }),
        );

        const all = await store.listFunnelEvents();
        expect(all.map((e) => `${e.personId}:${e.toStage}`)).toEqual(["51:mql", "51:sal", "52:won"]);
        expect(all[1]).toEqual({
          personId: "51",
          email: people.zoe.email,
          fromStage: "mql",
          toStage: "sal",
          at: at(60),
          cause: "score 72 ≥ 60 (pricing page, demo request)",
          runId: RUN,
          source: "organic_search",
          campaign: "Frühjahrs-Webinar 2025",
          campaignId: null,
          campaignOrigin: null,
          ownerId: "0055e000001RepA",
          amount: null,
        });
        expect(all[2]?.amount).toBe(48_500.5);
        expect((await store.listFunnelEvents({ personId: "51" })).length).toBe(2);
        expect((await store.listFunnelEvents({ from: at(10), to: at(120) })).map((e) => e.toStage)).toEqual([
          "mql",
          "sal",
        ]);
        expect((await store.listFunnelEvents({ personId: "52", to: at(120) })).length).toBe(0);
      });

      it("gives each person's latest stage, whatever order events arrived in", async () => {
        await store.commitBatch(
          batch(1, {
            funnelEvents: [
              funnelEvent("51", "opportunity", 300, "sal"),
              funnelEvent("52", "mql", 20, "lead"),
            ],
          }),
        );
        await store.commitBatch(
          batch(2, {
            funnelEvents: [funnelEvent("51", "mql", 10, "lead"), funnelEvent("52", "recycle", 400, "mql")],
          }),
        );

        const stages = await store.currentStages(["51", "52", "53"]);
        expect(Object.fromEntries(stages)).toEqual({ "51": "opportunity", "52": "recycle" });
        // With when it happened (what a move read from a CRM's stamp must not fall before), why, and the
        // amount it carries (a win's, which a corrected deal amount replaces; none here).
        const cause = "score 72 ≥ 60 (pricing page, demo request)";
        expect(Object.fromEntries(await store.latestEvents(["51", "52", "53"]))).toEqual({
          "51": { stage: "opportunity", at: at(300), cause, amount: null },
          "52": { stage: "recycle", at: at(400), cause, amount: null },
        });

        const many = Array.from({ length: 1_200 }, (_, i) => `p${i}`);
        await store.commitBatch(batch(3, { funnelEvents: many.map((id) => funnelEvent(id, "mql", 5)) }));
        expect((await store.currentStages(many)).size).toBe(1_200);
      });

      it("tells whether a restored win still waits for its deal's amount, and stops once the deal gives it", async () => {
        // A win from a deal with no amount, and wins with one, are no restored win waiting.
        const dealWin = { ...funnelEvent("61", "won", 50, "opportunity"), cause: "opportunity: Opportunity 006Hs00000Zürich won" };
        await store.commitBatch(batch(1, { funnelEvents: [dealWin, { ...funnelEvent("62", "won", 60, "opportunity"), amount: 12_000 }] }));
        expect(await store.restoredWinsAwaitDeals()).toBe(false);
        const restored = "restored: the contact's leadloop_status (the state store knew no stage for this person)";
        await store.commitBatch(batch(2, { funnelEvents: [{ ...funnelEvent("63", "won", 70, "opportunity"), cause: restored }] }));
        expect(await store.restoredWinsAwaitDeals()).toBe(true);
        const fromDeal = "restored: from opportunity: Opportunity 006Hs00000Ångström won";
        await store.commitBatch(batch(3, { wonAmounts: [{ personId: "63", cause: restored, amount: 42_000, newCause: fromDeal }] }));
        expect(await store.restoredWinsAwaitDeals()).toBe(false);
      });
    });

    describe("SLA clocks", () => {
      it("upserts one clock per person and filters open ones and by owner", async () => {
        await store.upsertSlaClock(slaClock("51", "0055e000001RepA"));
        await store.upsertSlaClock(slaClock("52", "0055e000001RepB"));
        await store.upsertSlaClock(
          slaClock("53", "0055e000001RepA", { dueAt: at(100), breachedAt: at(100) }),
        );
        await store.upsertSlaClock(slaClock("51", "0055e000001RepA", { firstTouchAt: at(45), touches: 2 }));

        const all = await store.listSlaClocks();
        expect(all).toHaveLength(3);
        expect(all.find((c) => c.personId === "51")).toEqual({
          personId: "51",
          crmType: "Lead",
          crmId: "00Q-51",
          ownerId: "0055e000001RepA",
          handoffAt: at(0),
          dueAt: at(240),
          firstTouchAt: at(45),
          touches: 2,
          breachedAt: null,
        });
        expect((await store.listSlaClocks({ open: true })).map((c) => c.personId)).toEqual(["53", "52"]);
        expect((await store.listSlaClocks({ open: false })).map((c) => c.personId)).toEqual(["51"]);
        expect(
          (await store.listSlaClocks({ ownerId: "0055e000001RepA" })).map((c) => c.personId).sort(),
        ).toEqual(["51", "53"]);
        expect(
          (await store.listSlaClocks({ open: true, ownerId: "0055e000001RepA" })).map((c) => c.personId),
        ).toEqual(["53"]);
      });

      it("keeps the clocks a later handoff replaced, and lists them for some people, oldest first", async () => {
        // 51 breached with RepA and was rerouted to RepB, who breached too and was rerouted to RepC; 52 was
        // handed off again after a recycle; 53 has one clock only.
        await store.upsertSlaClock(slaClock("51", "0055e000001RepA"));
        await store.upsertSlaClock(slaClock("52", "0055e000001RepA", { handoffAt: at(-600), dueAt: at(-360) }));
        await store.upsertSlaClock(slaClock("53", "0055e000001RepB"));
        await store.upsertSlaClock(slaClock("51", "0055e000001RepA", { breachedAt: at(240) }));
        await store.upsertSlaClock(slaClock("51", "0055e000001RepB", { handoffAt: at(241), dueAt: at(481) }));
        await store.upsertSlaClock(slaClock("51", "0055e000001RepB", { handoffAt: at(241), dueAt: at(481), breachedAt: at(481) }));
        await store.upsertSlaClock(slaClock("51", "0055e000001RepC", { handoffAt: at(482), dueAt: at(722) }));
        await store.upsertSlaClock(slaClock("52", "0055e000001RepB", { handoffAt: at(30), dueAt: at(270) }));

        const held = (clocks: SlaClock[]) => clocks.map((c) => [c.personId, c.ownerId, c.handoffAt, c.breachedAt]);
        expect(held(await store.listReplacedSlaClocks())).toEqual([
          ["52", "0055e000001RepA", at(-600), null],
          ["51", "0055e000001RepA", at(0), at(240)],
          ["51", "0055e000001RepB", at(241), at(481)],
        ]);
        expect(held(await store.listReplacedSlaClocks({ personIds: ["51", "53", "99"] }))).toEqual([
          ["51", "0055e000001RepA", at(0), at(240)],
          ["51", "0055e000001RepB", at(241), at(481)],
        ]);
        // More ids than one statement binds are looked up in chunks.
        const many = [...Array.from({ length: 1_200 }, (_, i) => `nobody-${i}`), "52"];
        expect(held(await store.listReplacedSlaClocks({ personIds: many }))).toEqual([["52", "0055e000001RepA", at(-600), null]]);
        expect(await store.listReplacedSlaClocks({ personIds: [] })).toEqual([]);
        expect((await store.listSlaClocks()).map((c) => [c.personId, c.ownerId])).toEqual([
          ["53", "0055e000001RepB"],
          ["52", "0055e000001RepB"],
          ["51", "0055e000001RepC"],
        ]);
      });
    });

    describe("Reading a page at a time (ARCHITECTURE.md \"Memory at scale\")", () => {
      it("finds clocks by person or CRM record, unraised ones, a page at a time, and the earliest handoff", async () => {
        expect(await store.earliestSlaHandoff()).toBeNull();
        await store.upsertSlaClock(slaClock("51", "0055e000001RepA", { handoffAt: at(30) }));
        await store.upsertSlaClock(slaClock("52", "0055e000001RepB", { handoffAt: at(-60), dueAt: at(100) }));
        await store.upsertSlaClock(slaClock("53", "0055e000001RepA", { dueAt: at(100), breachedAt: at(100) }));
        await store.upsertSlaClock(slaClock("54", null, { crmType: "Contact", crmId: people.bjorn.lead }));
        expect(await store.earliestSlaHandoff()).toBe(at(-60));

        const ids = (clocks: { personId: string }[]) => clocks.map((c) => c.personId);
        // Soonest due first, as the unfiltered list; ids that have no clock are left out.
        expect(ids(await store.listSlaClocks({ personIds: ["54", "52", "99", "53"] }))).toEqual(["52", "53", "54"]);
        expect(ids(await store.listSlaClocks({ crmIds: [people.bjorn.lead, "00Q-51", "00Q-missing"] }))).toEqual(["51", "54"]);
        expect(ids(await store.listSlaClocks({ unraised: true }))).toEqual(["52", "51", "54"]);
        // More ids than one statement binds are looked up in chunks.
        const many = [...Array.from({ length: 1_200 }, (_, i) => `nobody-${i}`), "53"];
        expect(ids(await store.listSlaClocks({ personIds: many }))).toEqual(["53"]);

        // Pages in person id order, each after the last id of the one before.
        const first = await store.listSlaClocks({ unraised: true, page: { after: null, limit: 2 } });
        expect(ids(first)).toEqual(["51", "52"]);
        const second = await store.listSlaClocks({ unraised: true, page: { after: "52", limit: 2 } });
        expect(ids(second)).toEqual(["54"]);
        expect(await store.listSlaClocks({ unraised: true, page: { after: "54", limit: 2 } })).toEqual([]);
      });

      it("names each MQL since a time once, at their latest move to mql, in the order they first qualified", async () => {
        await store.commitBatch(
          batch(1, {
            funnelEvents: [
              funnelEvent("51", "mql", -10),
              funnelEvent("52", "mql", 20),
              funnelEvent("53", "mql", 10),
              funnelEvent("53", "recycle", 30, "mql"),
              funnelEvent("53", "mql", 50, "recycle"),
              funnelEvent("54", "sal", 40, "mql"),
            ],
          }),
        );
        expect(await store.mqlsSince(at(0))).toEqual([
          { personId: "53", mqlAt: at(50) },
          { personId: "52", mqlAt: at(20) },
        ]);
        expect((await store.mqlsSince(at(-30))).map((m) => m.personId)).toEqual(["51", "53", "52"]);
        expect(await store.mqlsSince(at(60))).toEqual([]);
      });

      it("lists the history still to fill a page at a time, by person id", async () => {
        const item = (personId: string) => ({ personId, crmType: "Lead", crmId: `00Q-${personId}` });
        await store.commitBatch(batch(1, { historyToFill: [item("53"), item("51"), item("54"), item("52")] }));
        expect((await store.listHistoryToFill()).map((h) => h.personId)).toEqual(["51", "52", "53", "54"]);
        expect(await store.listHistoryToFill({ after: null, limit: 3 })).toEqual([item("51"), item("52"), item("53")]);
        expect(await store.listHistoryToFill({ after: "53", limit: 3 })).toEqual([item("54")]);
        await store.commitBatch(batch(2, { historyDecided: ["51", "52", "53"] }));
        expect(await store.listHistoryToFill({ after: null, limit: 3 })).toEqual([item("54")]);
      });
    });

    describe("Written values (the loop hold)", () => {
      const reasons =
        "+40 Requested a demo: 3 × form_submission, latest 2026-11-29\n+10 Industry we sell to (company.industry \"Software\")";
      const write = (key: string, after: string | null) => ({
        key,
        phase: "qualification",
        side: "marketing" as const,
        system: "hubspot",
        object: "contacts",
        recordId: people.zoe.hubspotId,
        upsertOn: null,
        associations: [],
        fields: [
          { field: "leadloop_status", before: null, after: after === null ? null : "mql", rule: "qualified" },
          { field: "leadloop_reasons", before: null, after, rule: "qualified" },
        ],
        personId: people.zoe.hubspotId,
        email: people.zoe.email,
        group: null,
      });
      const record = [{ system: "hubspot", object: "contacts", recordId: people.zoe.hubspotId }];

      it("keeps short values as written and long ones as a fingerprint of their text, and prunes the old", async () => {
        await store.commitBatch(batch(0, { outbox: [write("qualification:51", reasons)] }));
        await store.commitBatch(batch(1, { outboxAccepted: await listed("qualification:51") }));
        await store.commitBatch(batch(5, { outbox: [write("qualification:51", null)] }));
        await store.commitBatch(batch(6, { outboxAccepted: await listed("qualification:51") }));
        await store.commitBatch(batch(10, { outbox: [write("qualification:51", reasons)] }));
        await store.commitBatch(batch(11, { outboxAccepted: await listed("qualification:51") }));

        const kept = (await store.writtenValues(record, at(0))).get(`hubspot/contacts/${people.zoe.hubspotId}`)!;
        const of = (field: string) => kept.filter((v) => v.field === field).map((v) => [v.at, v.value]);
        expect(of("leadloop_status")).toEqual([[at(1), "mql"], [at(6), null], [at(11), "mql"]]);
        const long = of("leadloop_reasons");
        expect(long.map(([t]) => t)).toEqual([at(1), at(6), at(11)]);
        // The same text twice is the same fingerprint, naming its length; it is far shorter than the text.
        expect(long[0]![1]).toMatch(new RegExp(`^⟨${reasons.length} chars #[0-9a-f]{16}⟩$`));
        expect(long[2]![1]).toBe(long[0]![1]);
        expect(long[1]![1]).toBeNull();

        expect((await store.writtenValues(record, at(6))).get(`hubspot/contacts/${people.zoe.hubspotId}`)).toHaveLength(4);
        expect(await store.pruneWrittenValues(at(6))).toBe(2);
        const left = (await store.writtenValues(record, at(0))).get(`hubspot/contacts/${people.zoe.hubspotId}`)!;
        expect(left.map((v) => v.at)).toEqual([at(6), at(6), at(11), at(11)]);
      });

      it("keeps each field's newest eight values, a record written more often than that included", async () => {
        // Ten accepted writes of the status, the reasons in the first two only: the status keeps its eight newest.
        for (let n = 0; n < 10; n++) {
          await store.commitBatch(batch(2 * n, { outbox: [write("qualification:51", n < 2 ? reasons : null)] }));
          await store.commitBatch(batch(2 * n + 1, { outboxAccepted: await listed("qualification:51") }));
        }
        const kept = (await store.writtenValues(record, at(0))).get(`hubspot/contacts/${people.zoe.hubspotId}`)!;
        const times = (field: string) => kept.filter((v) => v.field === field).map((v) => v.at);
        const newestEight = [5, 7, 9, 11, 13, 15, 17, 19].map((t) => at(t));
        expect(times("leadloop_status")).toEqual(newestEight);
        expect(times("leadloop_reasons")).toEqual(newestEight);
      });

      it("keeps every write one batch accepts for a record, whether or not it kept any before", async () => {
        await store.commitBatch(batch(0, { outbox: [write("qualification:51", reasons)] }));
        await store.commitBatch(batch(1, { outboxAccepted: await listed("qualification:51") }));
        // The qualification and the handoff both decide for each contact; the drain accepts them together.
        const jose = { recordId: people.jose.hubspotId, personId: people.jose.hubspotId, email: people.jose.email };
        const owner = (person: string, recordId: string) => ({
          ...write(`handoff:${person}:contact`, null),
          recordId,
          phase: "handoff",
          fields: [{ field: "hubspot_owner_id", before: null, after: "81234567", rule: "round-robin emea" }],
        });
        const decided = [
          write("qualification:51", null),
          owner(people.zoe.hubspotId, people.zoe.hubspotId),
          { ...write("qualification:52", reasons), ...jose },
          { ...owner(people.jose.hubspotId, people.jose.hubspotId), ...jose },
        ];
        await store.commitBatch(batch(5, { outbox: decided }));
        await store.commitBatch(batch(6, { outboxAccepted: await listed(...decided.map((w) => w.key)) }));

        const values = await store.writtenValues([...record, { ...record[0]!, recordId: people.jose.hubspotId }], at(0));
        const of = (id: string) => values.get(`hubspot/contacts/${id}`)!.map((v) => [v.at, v.field, v.value]);
        const fingerprint = expect.stringMatching(/^⟨\d+ chars #[0-9a-f]{16}⟩$/);
        expect(of(people.zoe.hubspotId)).toEqual([
          [at(1), "leadloop_reasons", fingerprint],
          [at(1), "leadloop_status", "mql"],
          [at(6), "hubspot_owner_id", "81234567"],
          [at(6), "leadloop_reasons", null],
          [at(6), "leadloop_status", null],
        ]);
        expect(of(people.jose.hubspotId)).toEqual([
          [at(6), "hubspot_owner_id", "81234567"],
          [at(6), "leadloop_reasons", fingerprint],
          [at(6), "leadloop_status", "mql"],
        ]);
      });
    });

    describe("Outbox groups (a handoff's writes)", () => {
      const task = (person: { hubspotId: string; email: string }, n: number, group: string) => ({
        key: `handoff:${person.hubspotId}:task:${n}`,
        phase: "handoff",
        side: "crm" as const,
        system: "salesforce",
        object: "Task",
        recordId: null,
        upsertOn: "Leadloop_Activity_Key__c",
        associations: [],
        fields: [
          { field: "Subject", before: null, after: `Suivi n°${n} — ${person.email}`, rule: "handoff" },
          { field: "Description", before: null, after: "Demande de démo ×3; visites tarifs ×5 ".repeat(4), rule: "handoff" },
        ],
        personId: person.hubspotId,
        email: person.email,
        group,
      });
      const effect = (personId: string) => ({
        slaClock: slaClock(personId, "0055e000001RepA"),
        personScores: [
          {
            personId,
            email: null,
            name: "Zoë Ångström",
            score: 72,
            fit: 40,
            behaviour: 32,
            nearMissing: null,
            ownerEmail: "rep.a@example.com",
            scoredAt: at(0),
          },
        ],
      });

      it("applies a group's effect once, when its last write is accepted, however the accepts are batched", async () => {
        const zoe = task(people.zoe, 1, "handoff:51");
        const zoe2 = task(people.zoe, 2, "handoff:51");
        const zoe3 = task(people.zoe, 3, "handoff:51");
        const jose = task(people.jose, 1, `handoff:${people.jose.hubspotId}`);
        await store.commitBatch(
          batch(0, {
            outbox: [zoe, zoe2, zoe3, jose],
            outboxGroups: [
              { group: "handoff:51", onDone: effect(people.zoe.hubspotId) },
              { group: jose.group, onDone: effect(people.jose.hubspotId) },
            ],
          }),
        );

        // One of Zoë's three: her handoff is not complete; José's only write, named twice, completes his once.
        const sentFirst = await listed(zoe.key, jose.key);
        const first = await store.commitBatch(batch(1, { outboxAccepted: [...sentFirst, ...(await listed(jose.key))] }));
        expect(first.completedGroups).toEqual([jose.group]);
        expect((await store.listSlaClocks()).map((c) => c.personId)).toEqual([people.jose.hubspotId]);
        // Her last two together, with a key no longer kept: her group completes once.
        const [sent3, sent2] = [...(await listed(zoe3.key)), ...(await listed(zoe2.key))];
        const gone = { ...sent3!, key: "handoff:gone" };
        const second = await store.commitBatch(batch(2, { outboxAccepted: [sent3!, gone, sent2!] }));
        expect(second.completedGroups).toEqual(["handoff:51"]);
        expect((await store.listSlaClocks()).map((c) => c.personId).sort()).toEqual(
          [people.jose.hubspotId, people.zoe.hubspotId].sort(),
        );
        expect((await store.listPersonScores({})).map((s) => s.personId).sort()).toEqual(
          [people.jose.hubspotId, people.zoe.hubspotId].sort(),
        );
        expect(await store.listOutbox({})).toEqual([]);
        // Accepted again (a retry's late answer): nothing left to remove, no group completes twice.
        expect((await store.commitBatch(batch(3, { outboxAccepted: sentFirst }))).completedGroups).toEqual([]);
      });

      it("leaves a write decided anew after the drain listed it pending: the accept removes only what was sent", async () => {
        const zoe = task(people.zoe, 1, "handoff:51");
        await store.commitBatch(batch(0, { outbox: [zoe], outboxGroups: [{ group: "handoff:51", onDone: effect(people.zoe.hubspotId) }] }));
        const sent = await listed(zoe.key);
        // While the drain's call is out, another process decides the same key again.
        const again = { ...zoe, fields: [{ field: "Subject", before: null, after: "Rappel demandé par Zoë — «tarifs»", rule: "handoff" }] };
        await store.commitBatch({ runId: "requalify 2026-03-15", at: at(1), outbox: [again] });
        expect((await store.commitBatch(batch(2, { outboxAccepted: sent }))).completedGroups).toEqual([]);
        expect((await store.listOutbox({})).map((e) => [e.key, e.fields.find((f) => f.field === "Subject")?.after])).toEqual([
          [zoe.key, "Rappel demandé par Zoë — «tarifs»"],
        ]);
        expect(await store.listSlaClocks()).toEqual([]);
        // Sent in its turn and accepted, the new decision completes the group.
        expect((await store.commitBatch(batch(3, { outboxAccepted: await listed(zoe.key) }))).completedGroups).toEqual(["handoff:51"]);
        expect(await store.listOutbox({})).toEqual([]);
      });

      it("drops every write kept for a deleted record, pending or refused, and completes the group it ends", async () => {
        const onLead = (person: { hubspotId: string; email: string }, leadId: string, group: string) => ({
          ...task(person, 9, group),
          key: `handoff:${person.hubspotId}:record`,
          object: "Lead",
          recordId: leadId,
          upsertOn: null,
        });
        const zoeTask = task(people.zoe, 1, "handoff:51");
        const zoeLead = onLead(people.zoe, "00Q5e000004ZoeAAA", "handoff:51");
        const joseLead = onLead(people.jose, "00Q5e000004JosAAA", `handoff:${people.jose.hubspotId}`);
        const joseSync = { ...joseLead, key: "sync:crm:Lead:00Q5e000004JosAAA", phase: "field sync", group: null };
        await store.commitBatch(
          batch(0, {
            outbox: [zoeTask, zoeLead, joseLead, joseSync],
            outboxGroups: [
              { group: "handoff:51", onDone: effect(people.zoe.hubspotId) },
              { group: joseLead.group, onDone: effect(people.jose.hubspotId) },
            ],
          }),
        );
        await store.commitBatch(batch(1, { outboxAccepted: await listed(zoeTask.key), outboxRefused: [joseSync.key] }));

        // Both Leads deleted: José's two writes go (one refused), Zoë's last write too; each group is done.
        const gone = (recordId: string) => ({ system: "salesforce", object: "Lead", recordId });
        const dropped = await store.commitBatch(
          batch(2, { outboxDroppedFor: [gone("00Q5e000004JosAAA"), gone("00Q5e000004ZoeAAA"), gone("00Q5e000004NonAAA")] }),
        );
        expect(dropped.completedGroups.sort()).toEqual(["handoff:51", joseLead.group].sort());
        expect(await store.listOutbox({})).toEqual([]);
        expect(await store.listOutbox({ refused: true })).toEqual([]);
        expect((await store.listSlaClocks()).map((c) => c.personId).sort()).toEqual(
          [people.jose.hubspotId, people.zoe.hubspotId].sort(),
        );
        // A Contact with the same id is another record: its write stays.
        const contactWrite = { ...joseSync, key: "sync:crm:Contact:00Q5e000004JosAAA", object: "Contact" };
        await store.commitBatch(batch(3, { outbox: [contactWrite] }));
        await store.commitBatch(batch(4, { outboxDroppedFor: [gone("00Q5e000004JosAAA")] }));
        expect((await store.listOutbox({})).map((w) => w.key)).toEqual([contactWrite.key]);
      });

      it("drops the writes about a deleted contact's person on its system, lists her queue entries by person, and stops the clock on it", async () => {
        // With HubSpot as the CRM the contact is Zoë's record: her task there names her only as its person.
        const contact = people.zoe.hubspotId;
        const onHubspot = { ...task(people.zoe, 1, `handoff:${contact}`), system: "hubspot", object: "tasks", upsertOn: "leadloop_activity_key" };
        const onSalesforce = task(people.zoe, 2, "handoff:other");
        const joseTask = { ...task(people.jose, 3, `handoff:${people.jose.hubspotId}`), system: "hubspot", object: "tasks" };
        await store.commitBatch(
          batch(0, {
            outbox: [onHubspot, onSalesforce, joseTask],
            slaClocks: [
              slaClock(contact, "77001", { crmType: "contacts", crmId: contact }),
              slaClock(people.jose.hubspotId, "77001", { crmType: "contacts", crmId: people.jose.hubspotId }),
            ],
            errors: [
              { runId: "r", system: "hubspot", object: "tasks", recordId: onHubspot.key, operation: "handoff", payload: { outboxKey: onHubspot.key, personId: contact }, errorClass: "data", message: "association to a missing contact", at: at(0) },
              { runId: "r", system: "hubspot", object: "tasks", recordId: joseTask.key, operation: "handoff", payload: { outboxKey: joseTask.key, personId: people.jose.hubspotId }, errorClass: "data", message: "association to a missing contact", at: at(0) },
            ],
          }),
        );
        expect((await store.listErrors({ status: "open", system: "hubspot", personIds: [contact] })).map((e) => e.recordId)).toEqual([onHubspot.key]);
        expect(await store.listErrors({ status: "open", system: "salesforce", personIds: [contact] })).toEqual([]);

        await store.commitBatch(
          batch(5, {
            outboxDroppedFor: [{ system: "hubspot", object: "contacts", recordId: contact }],
            slaClocksStoppedOn: [{ object: "contacts", recordId: contact }],
          }),
        );
        expect((await store.listOutbox({})).map((w) => w.key).sort()).toEqual([joseTask.key, onSalesforce.key].sort());
        // Her clock is decided when it stopped; José's, on a record still there, is owed.
        const clocks = await store.listSlaClocks();
        const decisions = await store.slaClockDecisions(clocks);
        expect([...decisions.values()]).toEqual([at(5)]);
        expect(decisions.get(`${contact}\u0000${at(0)}`)).toBe(at(5));
        // Asked apart: hers is the one stopped by its record's deletion.
        expect((await store.listSlaClocks({ gone: true })).map((c) => c.personId)).toEqual([contact]);
        expect((await store.listSlaClocks({ gone: false })).map((c) => c.personId)).not.toContain(contact);
        // Her Lead deleted in Salesforce: its writes go, and the ones about her person there (her task).
        await store.commitBatch(batch(6, { outboxDroppedFor: [{ system: "salesforce", object: "Lead", recordId: "00Q5e000004ZoeAAA", personId: contact }] }));
        expect((await store.listOutbox({})).map((w) => w.key)).toEqual([joseTask.key]);
        // A later handoff's clock starts afresh, owed.
        await store.commitBatch(batch(9, { slaClocks: [slaClock(contact, "77001", { crmType: "contacts", crmId: contact, handoffAt: at(9), dueAt: at(249) })] }));
        expect((await store.slaClockDecisions(await store.listSlaClocks())).size).toBe(0);
        expect(await store.listSlaClocks({ gone: true })).toEqual([]);
      });
    });

    describe("People a marketing merge made one", () => {
      const score = (personId: string, value: number) => ({
        personId,
        email: null,
        name: "Zoë Ångström",
        score: value,
        fit: 40,
        behaviour: value - 40,
        nearMissing: null,
        ownerEmail: "rep.a@example.com",
        scoredAt: at(6),
      });

      it("moves a person's events, clock, touches and score to a merged record without a history", async () => {
        const merged = "90051";
        await store.commitBatch(
          batch(0, {
            funnelEvents: [funnelEvent(people.zoe.hubspotId, "lead", 1), funnelEvent(people.zoe.hubspotId, "mql", 5, "lead")],
            slaClocks: [slaClock(people.zoe.hubspotId, "0055e000001RepA")],
            slaTouches: [{ personId: people.zoe.hubspotId, key: "Task:00T1:call", at: at(30) }],
          }),
        );
        await store.savePersonScores([score(people.zoe.hubspotId, 72), score(merged, 12)]);

        await store.commitBatch(batch(1, { peopleMerged: [{ from: people.zoe.hubspotId, to: merged }] }));
        expect(await store.listFunnelEvents({ personId: people.zoe.hubspotId })).toEqual([]);
        expect((await store.listFunnelEvents({ personId: merged })).map((e) => e.toStage)).toEqual(["lead", "mql"]);
        expect((await store.listSlaClocks()).map((c) => [c.personId, c.touches])).toEqual([[merged, 1]]);
        // The score the merged record got before it had a history gives way to the person's.
        expect((await store.listPersonScores({})).map((s) => [s.personId, s.score])).toEqual([[merged, 72]]);
        // The same touch read again counts nothing more under the merged record.
        await store.commitBatch(batch(2, { slaTouches: [{ personId: merged, key: "Task:00T1:call", at: at(30) }] }));
        expect((await store.listSlaClocks())[0]?.touches).toBe(1);
      });

      it("never interleaves two people's histories: a record with a history keeps its own", async () => {
        const merged = "90052";
        await store.commitBatch(
          batch(0, {
            funnelEvents: [funnelEvent(people.jose.hubspotId, "mql", 5, "lead"), funnelEvent(merged, "lead", 7)],
            slaClocks: [slaClock(people.jose.hubspotId, "0055e000001RepA")],
          }),
        );
        await store.commitBatch(batch(1, { peopleMerged: [{ from: people.jose.hubspotId, to: merged }] }));
        expect((await store.listFunnelEvents({ personId: merged })).map((e) => e.toStage)).toEqual(["lead"]);
        expect((await store.listFunnelEvents({ personId: people.jose.hubspotId })).map((e) => e.toStage)).toEqual(["mql"]);
        expect((await store.listSlaClocks()).map((c) => c.personId)).toEqual([people.jose.hubspotId]);
      });
    });

    describe("SLA breaches", () => {
      it("keeps one breach per clock, raised again or not, and lists the latest first by owner", async () => {
        const breach = (personId: string, ownerId: string, handoff: number, overrides: Partial<SlaBreachRow> = {}): SlaBreachRow => ({
          personId,
          handoffAt: at(handoff),
          crmType: "Lead",
          crmId: `00Q-${personId}`,
          ownerId,
          ownerEmail: `${ownerId.toLowerCase()}@leadloop-demo.com`,
          kind: "follow-up",
          dueAt: at(handoff + 240),
          breachedAt: at(handoff + 240),
          raisedAt: at(handoff + 300),
          runId: "run-1",
          alertTo: "0055e000001Mgr",
          rerouteTo: null,
          ...overrides,
        });
        await store.commitBatch(batch(1, { slaBreaches: [breach("61", "RepA", 0), breach("62", "RepB", 10)] }));
        // The same clock's breach again (a rerun): kept as first raised.
        await store.commitBatch(batch(2, { slaBreaches: [breach("61", "RepA", 0, { alertTo: "other", runId: "run-2" })] }));
        // A new clock of the same person (after a reroute) breaches too: a second row.
        await store.commitBatch(
          batch(3, { slaBreaches: [breach("61", "RepB", 500, { kind: "touches", rerouteTo: "jordan.miller@leadloop-demo.com" })] }),
        );
        const all = await store.listSlaBreaches();
        expect(all.map((b) => [b.personId, b.ownerId, b.kind, b.alertTo, b.runId])).toEqual([
          ["61", "RepB", "touches", "0055e000001Mgr", "run-1"],
          ["62", "RepB", "follow-up", "0055e000001Mgr", "run-1"],
          ["61", "RepA", "follow-up", "0055e000001Mgr", "run-1"],
        ]);
        expect(all[0]).toEqual(breach("61", "RepB", 500, { kind: "touches", rerouteTo: "jordan.miller@leadloop-demo.com" }));
        expect((await store.listSlaBreaches({ ownerId: "RepA" })).map((b) => b.personId)).toEqual(["61"]);
      });

      it("names every lead owner once: people's owners and the owners breaches were raised for", async () => {
        expect(await store.leadOwnerEmails()).toEqual([]);
        const person = (personId: string, ownerEmail: string | null) => ({
          personId,
          email: `${personId}@sgi-ingenierie.fr`,
          name: "Jonas Weiß",
          score: 60,
          fit: 30,
          behaviour: 30,
          nearMissing: null,
          ownerEmail,
          scoredAt: at(1),
        });
        await store.savePersonScores([
          person("71", "Jordan.Miller@Leadloop-Demo.com"),
          person("72", "jordan.miller@leadloop-demo.com"),
          person("73", null),
        ]);
        // A reroute took 71 from Hélène: only her breach names her now.
        await store.commitBatch(
          batch(1, {
            slaBreaches: [
              {
                personId: "71",
                handoffAt: at(0),
                crmType: "Lead",
                crmId: "00Q-71",
                ownerId: "0055e000001Hel",
                ownerEmail: "helene.dubois@leadloop-demo.com",
                kind: "follow-up",
                dueAt: at(240),
                breachedAt: at(240),
                raisedAt: at(300),
                runId: "run-1",
                alertTo: null,
                rerouteTo: "jordan.miller@leadloop-demo.com",
              },
            ],
          }),
        );
        expect((await store.leadOwnerEmails()).sort()).toEqual([
          "helene.dubois@leadloop-demo.com",
          "jordan.miller@leadloop-demo.com",
        ]);
      });
    });

    describe("round robin", () => {
      it("keeps each queue's next turn with the batch that took its turns, queues independent", async () => {
        expect(await store.roundRobinNext("emea-inbound")).toBeUndefined();
        await store.commitBatch(batch(1, { roundRobinTurns: [{ queue: "emea-inbound", next: 2, taken: 2 }] }));
        await store.commitBatch(
          batch(2, {
            roundRobinTurns: [
              { queue: "emea-inbound", next: 0, taken: 1 },
              { queue: "dach-enterprise", next: 1, taken: 1 },
            ],
          }),
        );
        expect(await store.roundRobinNext("emea-inbound")).toBe(0);
        expect(await store.roundRobinNext("dach-enterprise")).toBe(1);
        expect(await store.roundRobinNext("benelux")).toBeUndefined();
      });

      it("keeps no turn of a batch it refuses", async () => {
        await store.commitBatch(
          batch(1, { links: [leadLink(people.zoe), leadLink(people.jose)], roundRobinTurns: [{ queue: "iberia", next: 1, taken: 1 }] }),
        );
        const stealing = { ...leadLink(people.jose), crmId: people.zoe.lead };
        await expect(
          store.commitBatch(batch(2, { links: [stealing], roundRobinTurns: [{ queue: "iberia", next: 2, taken: 1 }] })),
        ).rejects.toThrow(StoreError);
        expect(await store.roundRobinNext("iberia")).toBe(1);
      });
    });

    describe("kept descriptions (ARCHITECTURE.md \"Kept descriptions\")", () => {
      const contacts = { system: "hubspot", object: "contacts", answer: [{ name: "jobtitle", label: "Intitulé du poste", type: "string" }] };
      const lead = { system: "salesforce", object: "Lead", answer: { name: "Lead", fields: [{ name: "Title", label: "Titre" }] } };

      it("gives back what was kept under the configuration and read since, stamped when it was kept unless told", async () => {
        expect(await store.keptDescriptions("config-a", "2026-01-01T00:00:00.000Z")).toEqual([]);
        await store.keepDescriptions("config-a", [contacts, { ...lead, learnedAt: "2026-03-01T08:00:00.000Z" }], [], "2026-03-02T09:30:00.000Z");
        expect(await store.keptDescriptions("config-a", "2026-03-01T00:00:00.000Z")).toEqual([
          { ...contacts, learnedAt: "2026-03-02T09:30:00.000Z" },
          { ...lead, learnedAt: "2026-03-01T08:00:00.000Z" },
        ]);
        // Read before `since`: too old to serve.
        expect(await store.keptDescriptions("config-a", "2026-03-02T00:00:00.000Z")).toEqual([{ ...contacts, learnedAt: "2026-03-02T09:30:00.000Z" }]);
        expect(await store.keptDescriptions("config-b", "2026-01-01T00:00:00.000Z")).toEqual([]);
      });

      it("replaces a description read again, drops a forgotten one in any case, and every one of another configuration", async () => {
        await store.keepDescriptions("config-a", [contacts, lead], [], "2026-03-02T09:30:00.000Z");
        const retitled = { ...contacts, answer: [{ name: "jobtitle", label: "Fonction", type: "string" }] };
        await store.keepDescriptions("config-a", [retitled], [{ system: "salesforce", object: "lead" }], "2026-03-03T09:30:00.000Z");
        expect(await store.keptDescriptions("config-a", "2026-01-01T00:00:00.000Z")).toEqual([{ ...retitled, learnedAt: "2026-03-03T09:30:00.000Z" }]);
        await store.keepDescriptions("config-b", [lead], [], "2026-03-04T09:30:00.000Z");
        expect(await store.keptDescriptions("config-a", "2026-01-01T00:00:00.000Z")).toEqual([]);
        expect(await store.keptDescriptions("config-b", "2026-01-01T00:00:00.000Z")).toEqual([{ ...lead, learnedAt: "2026-03-04T09:30:00.000Z" }]);
      });
    });

    describe("person scores", () => {
      it("keeps each person's latest score, owner and near-qualified flag, highest score first", async () => {
        const row = (
          personId: string,
          score: number,
          extra: Partial<import("../../src/store/port.js").PersonScoreRow> = {},
        ) => ({
          personId,
          email: `${personId}@exemple.fr`,
          name: "Zoë Ångström",
          score,
          fit: score / 2,
          behaviour: score / 2,
          nearMissing: null,
          ownerEmail: null,
          scoredAt: at(1),
          ...extra,
        });
        await store.savePersonScores([
          row("p1", 72.5, { ownerEmail: "Helene.Dubois@Leadloop-Demo.com" }),
          row("p2", 41),
        ]);
        await store.savePersonScores([row("p1", 80), row("p3", 35, { nearMissing: "firstname" })]);

        const all = await store.listPersonScores();
        expect(all.map((r) => [r.personId, r.score])).toEqual([
          ["p1", 80],
          ["p2", 41],
          ["p3", 35],
        ]);
        // A rescore without an owner keeps the owner the handoff stored.
        expect(all[0]?.ownerEmail).toBe("helene.dubois@leadloop-demo.com");
        expect(
          (await store.listPersonScores({ ownerEmail: "HELENE.DUBOIS@leadloop-demo.com" })).map(
            (r) => r.personId,
          ),
        ).toEqual(["p1"]);
        expect(
          (await store.listPersonScores({ nearQualified: true })).map((r) => [r.personId, r.nearMissing]),
        ).toEqual([["p3", "firstname"]]);
        expect(
          (await store.listPersonScores({ personIds: ["p3", "p2", "nobody"] })).map((r) => r.personId),
        ).toEqual(["p2", "p3"]);
      });
    });

    describe("behaviour cache", () => {
      const activity = (ownerKey: string, id: string, minutes: number, source = "events") => ({
        ownerKey,
        id,
        kind: "page_view",
        occurredAt: at(minutes),
        properties: { hs_url: "https://www.exemple.fr/tarifs?é=1", hs_title: "Tarifs — Zoë" } as Record<string, string>,
        source,
      });

      it("keeps activities per contact or email with the signals they cover, one copy per id, dropping decayed ones", async () => {
        await store.commitBatch(
          batch(10, {
            behaviour: [
              activity("contact:51", "e1", 1),
              activity("contact:51", "e2", 5),
              activity("email:zoë.ångström@nordlicht.se", "form:c1", 3, "forms"),
              activity("contact:52", "e9", 4),
            ],
            behaviourMarks: [{ personId: "51", signature: { web: 4_294_967_295, forms: 0, email: 7, pageViews: "3", conversions: "2" }, readAt: at(10) }],
            cursors: [{ system: "hubspot", object: "behaviour#forms", value: at(10), lastId: null }],
          }),
        );
        // Read again (a look-back): replaced, not doubled.
        await store.commitBatch(batch(11, { behaviour: [{ ...activity("contact:51", "e2", 5), kind: "form_submission" }] }));

        const mine = await store.listBehaviour(["contact:51", "email:zoë.ångström@nordlicht.se"], at(0));
        expect(mine.map((a) => [a.ownerKey, a.id, a.kind])).toEqual([
          ["contact:51", "e1", "page_view"],
          ["email:zoë.ångström@nordlicht.se", "form:c1", "page_view"],
          ["contact:51", "e2", "form_submission"],
        ]);
        expect(mine[0]?.properties).toEqual({ hs_url: "https://www.exemple.fr/tarifs?é=1", hs_title: "Tarifs — Zoë" });
        expect(mine[1]?.source).toBe("forms");
        expect((await store.listBehaviour(["contact:51"], at(2))).map((a) => a.id)).toEqual(["e2"]);
        expect((await store.behaviourMarks(["51", "52"])).get("51")).toEqual({
          personId: "51",
          signature: { web: 4_294_967_295, forms: 0, email: 7, pageViews: "3", conversions: "2" },
          readAt: at(10),
        });
        expect((await store.behaviourMarks(["52"])).size).toBe(0);
        expect((await store.getCursor("hubspot", "behaviour#forms"))?.value).toBe(at(10));

        await store.commitBatch(batch(12, { behaviourPruneBefore: at(4) }));
        expect((await store.listBehaviour(["contact:51", "contact:52"], at(0))).map((a) => a.id)).toEqual(["e9", "e2"]);
      });

      it("gives every activity and person id back exactly as it was given, whatever its shape", async () => {
        // HubSpot's ids are long (GUID-shaped conversion and email event ids); leadloop prefixes some.
        const ids = [
          "0a1b9d28-5a37-4a03-8b10-0e73d7a1f7d2",
          "email:7f3c2b1e-9d4a-4e6f-8a2b-1c0d9e8f7a6b",
          "form:3C8F0C8D-8E8C-4B1F-9C3A-5D2E1F0A9B8C",
          "page-views:12",
          "1784421164560-1",
          "500123",
          "007",
          "0",
          "12345678901234567890",
          "évènement:Zoë/Ångström",
          "a-b_c.d e",
          "dead-beef-cafe",
        ];
        await store.commitBatch(
          batch(10, {
            behaviour: ids.map((id, i) => activity(i % 2 === 0 ? "contact:10041" : "email:zoë@exemple.fr", id, 1)),
            behaviourMarks: ids.map((id) => ({ personId: id, signature: { web: 1, forms: 2, email: 3, pageViews: id, conversions: null }, readAt: at(2) })),
          }),
        );
        // Read again: each replaced, none doubled.
        await store.commitBatch(batch(11, { behaviour: ids.map((id, i) => activity(i % 2 === 0 ? "contact:10041" : "email:zoë@exemple.fr", id, 1)) }));
        const read = await store.listBehaviour(["contact:10041", "email:zoë@exemple.fr"], at(0));
        // One instant: in the binary order of the ids' texts.
        expect(read.map((a) => a.id)).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
        expect(read.find((a) => a.id === "email:7f3c2b1e-9d4a-4e6f-8a2b-1c0d9e8f7a6b")?.ownerKey).toBe("email:zoë@exemple.fr");
        const marks = await store.behaviourMarks(ids);
        expect([...marks.values()].map((m) => [m.personId, m.signature.pageViews])).toEqual(
          expect.arrayContaining(ids.map((id) => [id, id])),
        );
        expect(marks.size).toBe(ids.length);
      });

      it("keeps a bulk page of hundreds of activities once each, an id given twice in it as the later one says", async () => {
        // A first load's bulk events page: many contacts, ids of every shape, one event listed twice.
        const shapes = (i: number) =>
          [`1784421164${String(i).padStart(3, "0")}-${i}`, `${500_000 + i}`, `évènement:Zoë/${i}`, `0a1b9d28-5a37-4a03-8b10-${String(i).padStart(12, "0")}`][i % 4]!;
        const page = Array.from({ length: 250 }, (_, i) => activity(`contact:${20_000 + (i % 37)}`, shapes(i), 1 + (i % 3)));
        page.push({ ...activity("contact:20005", shapes(5), 9), kind: "email_click", properties: { hs_email_subject: "Herbstangebot für Zoë" } });
        await store.commitBatch(batch(10, { behaviour: page }));
        const owners = Array.from({ length: 37 }, (_, i) => `contact:${20_000 + i}`);
        const read = await store.listBehaviour(owners, at(0));
        expect(read).toHaveLength(250);
        expect(new Set(read.map((a) => `${a.ownerKey} ${a.id}`)).size).toBe(250);
        const again = read.find((a) => a.id === shapes(5));
        expect(again).toMatchObject({ ownerKey: "contact:20005", kind: "email_click", occurredAt: at(9), properties: { hs_email_subject: "Herbstangebot für Zoë" } });
        expect(read.find((a) => a.id === shapes(6))).toMatchObject({ ownerKey: "contact:20006", kind: "page_view", occurredAt: at(1) });
        // Oldest first, the ids of one instant in binary order.
        const order = read.map((a) => [Date.parse(a.occurredAt), a.id] as const);
        expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
      });

      it("keeps a fact with the time it was learnt, the newest replacing the older", async () => {
        expect(await store.getFact("hubspot.behaviourSource")).toBeUndefined();
        await store.commitBatch(batch(1, { facts: [{ name: "hubspot.behaviourSource", value: "events", at: at(1) }] }));
        await store.commitBatch(batch(2, { facts: [{ name: "hubspot.behaviourSource", value: "bulk", at: at(2) }] }));
        expect(await store.getFact("hubspot.behaviourSource")).toEqual({
          name: "hubspot.behaviourSource",
          value: "bulk",
          at: at(2),
        });
      });
    });

    it("rejects every call with a StoreError once closed", async () => {
      await store.close();
      await expect(store.countLinks()).rejects.toThrow(StoreError);
      await expect(store.commitBatch(batch(1, { links: [leadLink(people.zoe)] }))).rejects.toThrow(
        StoreError,
      );
      store = await makeStore();
    });
  });
}
