// A link's snapshot row is read straight from its text (src/store/sqlite/snapshot-row-scan.ts) when it is
// in the forms the store writes, and through JSON.parse otherwise: both give what was synced, accents,
// quotes, blanks, patched fields and older forms included, and a corrupt row is still refused by name.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { LinkWrite, SnapshotWrite } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { scanSnapshotRow } from "../../src/store/sqlite/snapshot-row-scan.js";
import { encodeSnapshotRow, encodeSnapshots } from "../../src/store/sqlite/snapshots.js";

const LINKED = "2026-11-28T09:15:00.000Z";
const PATCHED = "2026-11-30T16:40:12.345Z";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-snapshot-scan-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function lead(marketingId: string, crmId: string, snapshots: Record<string, SnapshotWrite>, linkId?: number): LinkWrite {
  return { pair: "contact", marketingType: "contacts", marketingId, crmType: "Lead", crmId, snapshots, ...(linkId ? { linkId } : {}) };
}

/** The names table as a reader of rows needs it, and each link's row as stored. */
function storedRows(file: string): {
  names: { nameOf: (id: number | string) => string };
  idOf: (name: string) => string;
  rows: Map<number, string>;
} {
  const db = new Database(file, { readonly: true });
  const byId = new Map((db.prepare("SELECT id, name FROM names").all() as { id: number; name: string }[]).map((n) => [String(n.id), n.name]));
  const rows = new Map(
    (db.prepare("SELECT link_id AS linkId, fields FROM link_snapshots").all() as { linkId: number; fields: string }[]).map((r) => [r.linkId, r.fields]),
  );
  db.close();
  const idOf = (name: string) => [...byId].find(([, n]) => n === name)![0];
  return { names: { nameOf: (id) => byId.get(String(id))! }, idOf, rows };
}

describe("a link's snapshot row read back", () => {
  it("gives what each field last synced, whether the row is read from its text or parsed", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const zoe: Record<string, SnapshotWrite> = {
      "email>Email": { marketing: "Zoë.Ångström@Nordlicht.SE", crm: "Zoë.Ångström@Nordlicht.SE" },
      "firstname>FirstName": { marketing: "Zoë", crm: "Zoë" },
      "company>Company": { marketing: null, crm: "[not provided]" },
      "phone>Phone": { marketing: null, crm: null },
      "zip>PostalCode": { marketing: "0", crm: "0" },
      "city>City": { marketing: "null", crm: "Malmö", syncedAt: "2026-11-20T08:00:00.000Z" },
      "country>Country": { marketing: "Sverige", crm: "SE" },
      "annualrevenue>AnnualRevenue": { marketing: "1250000", crm: "1250000" },
      "link stamp": { marketing: "00Q5g00000ZoeMAAZ", crm: "61" },
    };
    // Quotes, a backslash, a line break and an emoji are escaped in the row's JSON: that row is parsed.
    const jose: Record<string, SnapshotWrite> = {
      "company>Company": { marketing: 'Café "Le Zinc"', crm: 'Café "Le Zinc"' },
      "address>Street": { marketing: "Calle Mayor 5\n2º B", crm: "Calle Mayor 5, 2º B" },
      "website>Website": { marketing: "https://núñez.example/a\\b", crm: "https://núñez.example/a\\b" },
      "lastname>LastName": { marketing: "Núñez 🌵", crm: "Núñez 🌵" },
    };
    const { linkIds } = await store.commitBatch({ runId: "run-1", at: LINKED, links: [lead("61", "00Q5g00000ZoeMAAZ", zoe), lead("62", "00Q5g00000JoseAAZ", jose)] });
    const [zoeLink, joseLink] = linkIds as number[];
    // A later page patches two fields of Zoë's row: json_patch keeps the row's order and appends what it
    // adds, so a new field stands after the row's time.
    await store.commitBatch({
      runId: "run-2",
      at: PATCHED,
      links: [
        lead("61", "00Q5g00000ZoeMAAZ", {
          "firstname>FirstName": { marketing: "Zoé", crm: "Zoë" },
          "jobtitle>Title": { marketing: "Directrice Marketing", crm: "Directrice Marketing" },
        }, zoeLink),
      ],
    });

    const read = await store.getSnapshots([zoeLink!, joseLink!]);
    expect(read.get(zoeLink!)).toEqual({
      "email>Email": { marketing: "Zoë.Ångström@Nordlicht.SE", crm: "Zoë.Ångström@Nordlicht.SE", syncedAt: LINKED },
      "firstname>FirstName": { marketing: "Zoé", crm: "Zoë", syncedAt: PATCHED },
      "company>Company": { marketing: null, crm: "[not provided]", syncedAt: LINKED },
      "phone>Phone": { marketing: null, crm: null, syncedAt: LINKED },
      "zip>PostalCode": { marketing: "0", crm: "0", syncedAt: LINKED },
      "city>City": { marketing: "null", crm: "Malmö", syncedAt: "2026-11-20T08:00:00.000Z" },
      "country>Country": { marketing: "Sverige", crm: "SE", syncedAt: LINKED },
      "annualrevenue>AnnualRevenue": { marketing: "1250000", crm: "1250000", syncedAt: LINKED },
      "link stamp": { marketing: "00Q5g00000ZoeMAAZ", crm: "61", syncedAt: LINKED },
      "jobtitle>Title": { marketing: "Directrice Marketing", crm: "Directrice Marketing", syncedAt: PATCHED },
    });
    expect(read.get(joseLink!)).toEqual(
      Object.fromEntries(Object.entries(jose).map(([key, s]) => [key, { ...s, syncedAt: LINKED }])),
    );
    await store.close();

    // Zoë's row, patched, is one the scan reads (the same values as above); José's, with escapes, is not.
    const { names, idOf, rows } = storedRows(file);
    const zoeRow = rows.get(zoeLink!)!;
    expect(zoeRow.indexOf('"t":')).toBeLessThan(zoeRow.indexOf(`"${idOf("jobtitle>Title")}":`));
    expect(scanSnapshotRow(zoeRow, names)).toEqual(read.get(zoeLink!));
    expect(scanSnapshotRow(rows.get(joseLink!)!, names)).toBeUndefined();
  });

  it("leaves the older forms and anything unexpected to JSON.parse, which reads or refuses them as before", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const { linkIds } = await store.commitBatch({
      runId: "run-1",
      at: LINKED,
      links: [lead("63", "00Q5g00000FranAAZ", { "firstname>FirstName": { marketing: "Françoise", crm: "Françoise" } })],
    });
    await store.close();
    const db = new Database(file);
    const id = db.prepare("SELECT id FROM names WHERE name = 'firstname>FirstName'").pluck().get() as number;
    const names = { nameOf: (n: number | string) => (Number(n) === id ? "firstname>FirstName" : `field ${n}`) };
    // Before migration 12: [marketing, crm, syncedAt], which the scan reads, and the object form, which it
    // leaves to JSON.parse; white space, which the store never writes, is left to JSON.parse too.
    const older: [row: string, scanned: boolean, snapshot: SnapshotWrite][] = [
      [`{"${id}":["Françoise","FRANÇOISE","${LINKED}"]}`, true, { marketing: "Françoise", crm: "FRANÇOISE", syncedAt: LINKED }],
      [`{"${id}":{"marketing":"Françoise","crm":null,"syncedAt":"${LINKED}"}}`, false, { marketing: "Françoise", crm: null, syncedAt: LINKED }],
      [`{ "${id}": [${Date.parse(LINKED)}, "Françoise"] }`, false, { marketing: "Françoise", crm: "Françoise", syncedAt: LINKED }],
    ];
    for (const [row, scanned, snapshot] of older) {
      const scan = scanSnapshotRow(row, names);
      if (scanned) expect(scan).toEqual({ "firstname>FirstName": snapshot });
      else expect(scan).toBeUndefined();
      db.prepare("UPDATE link_snapshots SET fields = ? WHERE link_id = ?").run(row, linkIds[0]);
      const reopened = await openSqliteStore(file);
      expect((await reopened.getSnapshots([linkIds[0]!])).get(linkIds[0]!)).toEqual({ "firstname>FirstName": snapshot });
      await reopened.close();
    }
    // Rows the scan gives up on, which JSON.parse reads its own way or refuses: a number with a leading
    // zero, a fraction, a field of four values, a key that is no name's number, a truncated row.
    for (const row of [`{"${id}":[0${Date.parse(LINKED)}]}`, `{"${id}":[1.5,"a"]}`, `{"${id}":[1,"a","b","c"]}`, `{"x${id}":0,"t":1}`, `{"${id}":0,"t":1`]) {
      expect(scanSnapshotRow(row, names)).toBeUndefined();
    }
    // A field without its time in a row without one is refused by name, as JSON.parse's path refuses it.
    db.prepare("UPDATE link_snapshots SET fields = ? WHERE link_id = ?").run(`{"${id}":"Françoise"}`, linkIds[0]);
    db.close();
    const reopened = await openSqliteStore(file);
    await expect(reopened.getSnapshots([linkIds[0]!])).rejects.toThrow(/field "firstname>FirstName" without the time/);
    await reopened.close();
  });

  it("reads back every row the store's writers make, as written", () => {
    // Values as people and systems spell them: accents, mixed case, blanks, digits, and now and then a
    // quote or a line break, which makes the row one for JSON.parse.
    const values = ["José", "NÚÑEZ", "zoë.ångström@nordlicht.se", "", "  ", "0", "12", "null", "[not provided]", "Ørsted A/S", "3rd floor", 'Say "hi"', "a\nb", null];
    let seed = 11;
    const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % n;
    const names = new Map<string, number>();
    const idOf = (name: string) => names.get(name) ?? (names.set(name, names.size + 3).get(name) as number);
    const nameOf = (id: number | string) => [...names].find(([, n]) => n === Number(id))![0];
    let scanned = 0;
    for (let row = 0; row < 300; row++) {
      const written: Record<string, SnapshotWrite> = {};
      for (let f = 0; f < 1 + next(20); f++) {
        const marketing = values[next(values.length)]!;
        const crm = next(3) === 0 ? values[next(values.length)]! : marketing;
        written[`field${next(25)}>Field${f}`] = next(4) === 0 ? { marketing, crm, syncedAt: new Date(Date.UTC(2026, 10, 1 + next(28))).toISOString() } : { marketing, crm };
      }
      const text = row % 2 === 0 ? encodeSnapshotRow(written, LINKED, { idOf }) : encodeSnapshots(written, PATCHED, { idOf });
      const scan = scanSnapshotRow(text, { nameOf });
      if (text.includes("\\")) {
        expect(scan).toBeUndefined();
        continue;
      }
      scanned++;
      const at = row % 2 === 0 ? LINKED : PATCHED;
      expect(scan).toEqual(Object.fromEntries(Object.entries(written).map(([key, s]) => [key, { marketing: s.marketing, crm: s.crm, syncedAt: s.syncedAt ?? at }])));
    }
    expect(scanned).toBeGreaterThan(100);
  });
});
