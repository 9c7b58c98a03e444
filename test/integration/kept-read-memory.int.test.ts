// A run's kept reads (src/sync/kept-reads.ts) hold their pages in memory up to KEPT_HELD_RECORDS records
// in all and keep the rest in the store: the later stream takes the same records in the same order either
// way, and a read past the bound holds nothing in memory, so a first load of a million contacts does not.
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import type { StateStore } from "../../src/store/port.js";
import {
  KEPT_HELD_RECORDS,
  type KeptRead,
  keepPage,
  keptPages,
  keptReadFor,
  releaseKeptReads,
  startKeeping,
} from "../../src/sync/kept-reads.js";
import type { RunContext } from "../../src/sync/run-context.js";
import type { ChangePage, SystemPort } from "../../src/sync/system-port.js";

const hubspot = { system: "hubspot" } as SystemPort;
const QUALIFICATION = { system: hubspot, object: "contacts", fields: ["email", "firstname", "hubspotscore"] };
const CONTACT_SYNC = { cursorObject: "contacts", fields: ["email", "firstname", "jobtitle", "notes_last_contacted"] };
const NAMES = ["Zoé", "Łucja", "Søren", "José", "Renée", "Anaïs", "Jürgen", "Océane"];
const UNTIL = "2026-12-05T09:00:00.000Z";

let store: StateStore;
let ctx: RunContext;
beforeEach(async () => {
  store = await openSqliteStore(":memory:");
  ctx = { store, runId: "20261205T090000-kept" } as unknown as RunContext;
});
afterEach(async () => {
  await store.close();
});

/** `count` pages of `size` contacts from contact `first` on, as HubSpot's change read gives them. */
function contactPages(count: number, size: number, first = 0): ChangePage[] {
  return Array.from({ length: count }, (_, p) => {
    const records = Array.from({ length: size }, (_, i) => {
      const n = first + p * size + i;
      const name = NAMES[n % NAMES.length]!;
      return {
        object: "contacts",
        id: String(10_000 + n),
        modifiedAt: new Date(Date.parse("2026-12-04T08:00:00.000Z") + n * 1_000).toISOString(),
        fields: {
          email: n % 5 === 0 ? `${name.toUpperCase()}.K${n}@Exemple.fr` : `contact.${n}@exemple.fr`,
          firstname: n % 9 === 4 ? "" : name,
          jobtitle: n % 3 === 0 ? null : "Directrice Marketing",
          // A long value, as notes and reasons are: its text must come back whole from the store too.
          notes_last_contacted: n % 50 === 0 ? `Rappeler ${name} – ${"é".repeat(3_000)}` : null,
        },
      };
    });
    return { records, cursor: { modifiedAt: records.at(-1)!.modifiedAt, lastId: records.at(-1)!.id } };
  });
}

async function keep(pages: readonly ChangePage[], object = "contacts"): Promise<KeptRead> {
  const read = await startKeeping(ctx, { ...QUALIFICATION, object }, { ...CONTACT_SYNC, cursorObject: object }, null, UNTIL);
  expect(read).not.toBeNull();
  for (const page of pages) await keepPage(ctx, read!, page);
  read!.complete = true;
  return read!;
}

async function take(object = "contacts"): Promise<ChangePage[]> {
  const read = keptReadFor(ctx, { system: hubspot, object, cursorObject: object, fields: CONTACT_SYNC.fields }, null, UNTIL);
  expect(read).not.toBeNull();
  const taken: ChangePage[] = [];
  for await (const page of keptPages(ctx, read!)) taken.push(page);
  return taken;
}

it("hands a read within the bound to the later stream as read, and keeps none of it in the store", async () => {
  const pages = contactPages(3, 200);
  const read = await keep(pages);
  expect(read.heldRecords).toBe(600);
  const taken = await take();
  expect(taken).toHaveLength(3);
  taken.forEach((page, i) => expect(page).toBe(pages[i]));
  expect(await store.takeKeptReadPages(read.key, 10)).toEqual([]);
  // Taken once: the read holds nothing more.
  expect(await take()).toEqual([]);
});

it("keeps a read past the bound in the store, every page in order, and holds none of it", async () => {
  const size = 2_000;
  const pages = contactPages(Math.floor(KEPT_HELD_RECORDS / size) + 1, size);
  const read = await keep(pages);
  expect(read.held).toBeNull();
  expect(read.heldRecords).toBe(0);
  const taken = await take();
  expect(taken.map((p) => p.cursor)).toEqual(pages.map((p) => p.cursor));
  expect(taken.flatMap((p) => p.records)).toEqual(pages.flatMap((p) => p.records));
  expect(await store.takeKeptReadPages(read.key, 10)).toEqual([]);
});

it("counts every kept read of the run against the bound", async () => {
  const companies = await keep(contactPages(1, KEPT_HELD_RECORDS - 100, 50_000), "companies");
  // The contacts' first page would pass the bound the companies nearly fill: it goes to the store.
  const pages = contactPages(2, 200);
  const contacts = await keep(pages);
  expect(contacts.held).toBeNull();
  expect(companies.heldRecords).toBe(KEPT_HELD_RECORDS - 100);
  expect((await take()).flatMap((p) => p.records)).toEqual(pages.flatMap((p) => p.records));
  expect((await take("companies"))[0]!.records).toHaveLength(KEPT_HELD_RECORDS - 100);
});

it("leaves nothing in memory or the store once the run releases its kept reads", async () => {
  const held = await keep(contactPages(2, 200));
  const stored = await keep(contactPages(1, KEPT_HELD_RECORDS, 90_000), "companies");
  expect(stored.held).toBeNull();
  await releaseKeptReads(ctx);
  expect(ctx.keptReads).toEqual([]);
  expect(await store.takeKeptReadPages(held.key, 10)).toEqual([]);
  expect(await store.takeKeptReadPages(stored.key, 10)).toEqual([]);
});
