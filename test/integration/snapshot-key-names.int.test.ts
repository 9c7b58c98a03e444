// A snapshot row names its fields by the numbers of the store's names (snapshots.ts); the store holds the
// first numbers in a list and later ones in a Map (names.ts). Rows naming fields from both read back whole,
// whether a connection meets the numbers for the first time or has them cached.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { pieceHash } from "../../src/store/sqlite/detail-hash.js";

type Snapshots = Record<string, { marketing: string | null; crm: string | null }>;

const LINKED = "2026-11-28T09:15:00.000Z";
const SYNCED = "2026-12-02T16:40:12.345Z";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-key-names-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("reads back snapshot rows whose field keys are numbered below and far beyond the listed names", async () => {
  const file = join(dir, "state.db");
  const first = await openSqliteStore(file);
  const zoe = { pair: "contact", marketingType: "contacts", marketingId: "61", crmType: "Lead", crmId: "00Q5g00000ZoeMAAZ", matchKey: "zoë.ångström@nordlicht.se" };
  const zoeSnapshots: Snapshots = {
    "email>Email": { marketing: "zoë.ångström@nordlicht.se", crm: "zoë.ångström@nordlicht.se" },
    "firstname>FirstName": { marketing: "Zoë", crm: "Zoë" },
    "company>Company": { marketing: null, crm: "[not provided]" },
  };
  const { linkIds: [zoeLink] } = await first.commitBatch({ runId: "run-1", at: LINKED, links: [{ ...zoe, snapshots: zoeSnapshots }] });
  await first.close();

  // Thousands of runs later (each run's id is a name): the next field keys are numbered past 5,000.
  const db = new Database(file);
  db.prepare("INSERT INTO names (id, hash, name) VALUES (5000, ?, 'run-4999')").run(pieceHash("run-4999"));
  db.close();
  const second = await openSqliteStore(file);
  const jose = { pair: "contact", marketingType: "contacts", marketingId: "62", crmType: "Lead", crmId: "00Q5g00000JoseAAZ", matchKey: "jose.nunez@ejemplo.es" };
  const joseSnapshots: Snapshots = {
    "firstname>FirstName": { marketing: "José", crm: "JOSÉ" },
    "city>City": { marketing: "  ", crm: null },
    "jobtitle>Title": { marketing: "Jefe de Ventas", crm: "jefe de ventas" },
  };
  const { linkIds: [joseLink] } = await second.commitBatch({ runId: "run-5000", at: SYNCED, links: [{ ...jose, snapshots: joseSnapshots }] });
  await second.close();
  const numbers = new Database(file, { readonly: true });
  const titleNumber = numbers.prepare("SELECT id FROM names WHERE name = 'jobtitle>Title'").pluck().get() as number;
  const emailNumber = numbers.prepare("SELECT id FROM names WHERE name = 'email>Email'").pluck().get() as number;
  numbers.close();
  expect(titleNumber).toBeGreaterThan(5000);
  expect(emailNumber).toBeLessThan(100);

  const expected = new Map<number, Snapshots>([
    [zoeLink!, Object.fromEntries(Object.entries(zoeSnapshots).map(([key, s]) => [key, { ...s, syncedAt: LINKED }]))],
    [joseLink!, Object.fromEntries(Object.entries(joseSnapshots).map(([key, s]) => [key, { ...s, syncedAt: SYNCED }]))],
  ]);
  const reader = await openSqliteStore(file);
  // First from the names table, then from what the connection cached (a write empties the link read cache).
  expect(await reader.getSnapshots([zoeLink!, joseLink!])).toEqual(expected);
  await reader.commitBatch({ runId: "run-5001", at: SYNCED });
  expect(await reader.getSnapshots([joseLink!, zoeLink!])).toEqual(expected);
  await reader.close();
});
