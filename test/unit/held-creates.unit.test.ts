// A stream of 100,000 creates over 50 groups through the field sync's holder (src/sync/held-creates.ts):
// it never holds a call's worth of a target, sends each create once, and hands out each cursor once,
// never one past a create still held.
import type { ObjectMapping } from "../../src/core/mapping.js";
import { HELD_CREATES_BATCH, HeldCreates } from "../../src/sync/held-creates.js";
import type { PairWrite } from "../../src/sync/write-pairs.js";

const LEAD = { pair: "contact", crmObject: "Lead", marketingObject: "contacts", crmExternalId: "HubSpot_Contact_Id__c" } as unknown as ObjectMapping;
const GROUPS = 50;
const PER_GROUP = 2_000;

/** A Lead create of contact `id`, upserting on the contact's id. */
function leadCreate(id: string): PairWrite {
  return {
    pairing: { sourceId: id },
    mapping: LEAD,
    merged: {} as PairWrite["merged"],
    crm: { fields: { LastName: `Lefèvre-${id}` }, upsertOn: "HubSpot_Contact_Id__c" } as unknown as PairWrite["crm"],
    planned: [],
  };
}

describe("the held creates of a long stream", () => {
  it("holds at most 199 of 100,000 creates, sends each once, and commits no cursor past one held", () => {
    const holder = new HeldCreates();
    const sent = new Map<string, number>();
    let taken = 0;
    let sentCount = 0;
    let lastCommitted = -1;
    /** The group each create came in, to check a cursor handed out against what is still held. */
    const groupOf = new Map<string, number>();
    for (let g = 0; g < GROUPS; g++) {
      // Groups of unequal size, so what is held carries across groups.
      const count = PER_GROUP + (g % 3 === 0 ? 37 : -37);
      const ids = Array.from({ length: count }, (_, i) => `c${g}-${i}`);
      for (const id of ids) groupOf.set(id, g);
      const due = holder.take(ids.map(leadCreate), ids, { system: "hubspot", object: "contacts", value: `2026-12-0${1 + (g % 9)}`, lastId: `${g}` }, {
        last: g === GROUPS - 1,
        holdable: (pw, side) => pw[side]?.upsertOn !== undefined,
        sourceId: (pw) => (pw.pairing as { sourceId: string }).sourceId,
      });
      taken += count;
      for (const pw of due.send) {
        const id = (pw.pairing as { sourceId: string }).sourceId;
        sent.set(id, (sent.get(id) ?? 0) + 1);
        sentCount++;
      }
      const held = taken - sentCount;
      expect(held).toBeLessThan(HELD_CREATES_BATCH);
      if (g < GROUPS - 1) expect(due.send.length % HELD_CREATES_BATCH).toBe(0);
      if (due.cursor) {
        const committed = Number(due.cursor.lastId);
        expect(committed).toBeGreaterThan(lastCommitted);
        // Every create of the groups up to the committed one is sent.
        const unsent: string[] = [];
        for (const [id, group] of groupOf) {
          if (group > committed) continue;
          if (sent.get(id) !== 1) unsent.push(id);
          groupOf.delete(id);
        }
        expect(unsent).toEqual([]);
        lastCommitted = committed;
      }
    }
    expect(sent.size).toBe(taken);
    expect([...sent.values()].every((n) => n === 1)).toBe(true);
    expect(lastCommitted).toBe(GROUPS - 1);
  });
});
