// A person's rows of the qualification and the match: her score row holds her steady score and its
// scoring's time as a number where that gives the same text back (migration 42), a match note her id as
// a number and keys that repeat one text as that text once (43); a store at 38 upgraded keeps every
// score, steady score and match note it held, and every note comes back as it was saved.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openConnection } from "../../src/store/sqlite/connection.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { MIGRATIONS, migrate } from "../../src/store/sqlite/migrations.js";

const AT = "2026-11-16T09:30:00.000Z";
const UNTIL = Date.parse(AT) + 3_600_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-score-rows-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A time as an older leadloop (or a hand) may have written it: no milliseconds, kept as written. */
const AT_NO_MS = "2026-11-16T09:30:00Z";

/** A store as migration 38 left it, holding two scored people, one steady score each and two match notes. */
function storeAt38(file: string): void {
  const db = openConnection(file);
  migrate(db, file, MIGRATIONS.filter((m) => m.version <= 38));
  const score = db.prepare(
    `INSERT INTO person_scores (person_id, email, name, score, fit, behaviour, near_missing, owner_email, scored_at, first_name, last_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  score.run("10201", "Zoë.Lindqvist@Nordlicht-Angstrom.se", "Zoë Lindqvist", 38.5, 25, 13.5, null, "márta.kovács@leadloop-demo.com", AT, "Zoë", "Lindqvist");
  score.run("10202", "jose.nunez@exemple.es", "José Núñez", 52, 30, 22, "decision-maker-title", null, AT_NO_MS, "José", "Núñez");
  const steady = db.prepare("INSERT INTO steady_scores (person_id, email, inputs, until_ms) VALUES (?, ?, ?, ?)");
  steady.run("10201", "zoë.lindqvist@nordlicht-angstrom.se", "9c1f03b2e4d5a6b7", UNTIL);
  steady.run("10202", "jose.nunez@exemple.es", "46d8dc3ca0090512", UNTIL);
  db.exec("INSERT INTO names (name) VALUES ('contact'), ('ZmimTW5a5PQVRm8z'), ('company'), ('Qx1bTW5a5PQVRm00')");
  const id = (name: string) => db.prepare("SELECT id FROM names WHERE name = ?").pluck().get(name) as number;
  const miss = db.prepare("INSERT INTO match_misses (pair, marketing_id, keys, matcher) VALUES (?, ?, ?, ?)");
  miss.run(id("contact"), "10203", '["ingrid.sjöberg@exemple.se","ingrid.sjöberg@exemple.se"]', id("ZmimTW5a5PQVRm8z"));
  miss.run(id("company"), "0a7-Ünïcode", '["société-générale.fr"]', id("Qx1bTW5a5PQVRm00"));
  db.close();
}

describe("a store at 38 upgraded", () => {
  it("keeps its scores, steady scores and match notes, the steady scores as columns of the score rows, the notes packed", async () => {
    const file = join(dir, "state.db");
    storeAt38(file);
    const store = await openSqliteStore(file);
    expect(await store.listPersonScores({ personIds: ["10201", "10202"] })).toEqual([
      { personId: "10202", email: "jose.nunez@exemple.es", name: "José Núñez", score: 52, fit: 30, behaviour: 22, nearMissing: "decision-maker-title", ownerEmail: null, scoredAt: AT_NO_MS },
      { personId: "10201", email: "Zoë.Lindqvist@Nordlicht-Angstrom.se", name: "Zoë Lindqvist", score: 38.5, fit: 25, behaviour: 13.5, nearMissing: null, ownerEmail: "márta.kovács@leadloop-demo.com", scoredAt: AT },
    ]);
    expect(await store.listPersonScores({ ownerEmail: "MÁRTA.KOVÁCS@leadloop-demo.com" })).toHaveLength(1);
    expect(await store.steadyScores(["10201", "10202", "10203"])).toEqual(
      new Map([
        ["10201", { personId: "10201", email: "zoë.lindqvist@nordlicht-angstrom.se", inputs: "9c1f03b2e4d5a6b7", untilMs: UNTIL }],
        ["10202", { personId: "10202", email: "jose.nunez@exemple.es", inputs: "46d8dc3ca0090512", untilMs: UNTIL }],
      ]),
    );
    expect([...(await store.matchMisses("contact", ["10203"])).values()]).toEqual([
      { pair: "contact", marketingId: "10203", keys: '["ingrid.sjöberg@exemple.se","ingrid.sjöberg@exemple.se"]', matcher: "ZmimTW5a5PQVRm8z" },
    ]);
    expect([...(await store.matchMisses("company", ["0a7-Ünïcode"])).values()]).toEqual([
      { pair: "company", marketingId: "0a7-Ünïcode", keys: '["société-générale.fr"]', matcher: "Qx1bTW5a5PQVRm00" },
    ]);
    // Behaviour kept by Zoë's address blanks her steady score and leaves her score.
    await store.commitBatch({
      runId: "run-2",
      at: AT,
      behaviour: [
        { ownerKey: "email:zoë.lindqvist@nordlicht-angstrom.se", id: "e-1", kind: "email_click", occurredAt: AT, properties: {}, source: "email" },
      ],
    });
    expect([...(await store.steadyScores(["10201", "10202"])).keys()]).toEqual(["10202"]);
    expect((await store.listPersonScores({ personIds: ["10201"] }))[0]?.score).toBe(38.5);
    // Notes of every shape the matcher makes come back as saved: one email for the Lead and the Contact
    // (one starting with a digit), a contact with no email for one of them, a contact holding two.
    const matcher = "ZmimTW5a5PQVRm8z";
    const notes = [
      { pair: "contact", marketingId: "10204", keys: '["2fast.anaïs@exemple.fr","2fast.anaïs@exemple.fr"]', matcher },
      { pair: "contact", marketingId: "10205", keys: '["o\\"brien@exemple.ie","o\\"brien@exemple.ie"]', matcher },
      { pair: "contact", marketingId: "10206", keys: '[null,"zoë@exemple.fr"]', matcher },
      { pair: "contact", marketingId: "10207", keys: '[["zoe@exemple.fr","zoë@exemple.fr"],["zoe@exemple.fr","zoë@exemple.fr"]]', matcher },
    ];
    await store.commitBatch({ runId: "run-3", at: AT, matchMisses: notes });
    expect([...(await store.matchMisses("contact", notes.map((n) => n.marketingId))).values()]).toEqual(notes);
    await store.close();

    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'steady%'").pluck().all()).toEqual([]);
      expect(db.prepare("SELECT person_id || ' ' || typeof(scored_at) FROM person_scores ORDER BY person_id").pluck().all()).toEqual([
        "10201 integer",
        "10202 text",
      ]);
      expect(db.prepare("SELECT typeof(marketing_id) || ' ' || keys FROM match_misses ORDER BY pair, keys").pluck().all()).toEqual([
        "integer 22fast.anaïs@exemple.fr",
        "integer 2ingrid.sjöberg@exemple.se",
        'integer 2o"brien@exemple.ie',
        'integer [["zoe@exemple.fr","zoë@exemple.fr"],["zoe@exemple.fr","zoë@exemple.fr"]]',
        'integer [null,"zoë@exemple.fr"]',
        "text 1société-générale.fr",
      ]);
    } finally {
      db.close();
    }
  });
});

describe("a steady score's email", () => {
  it("is the score row's own until the row's email changes, and behaviour by the address it was kept for still blanks it", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const score = (personId: string, email: string) => ({
      personId,
      email,
      name: "Inès Sjöberg",
      score: 12.5,
      fit: 10,
      behaviour: 2.5,
      nearMissing: null,
      ownerEmail: null,
      scoredAt: AT,
    });
    const steady = (personId: string, email: string) => ({ personId, email, inputs: "9c1f03b2e4d5a6b7", untilMs: UNTIL });
    await store.commitBatch({
      runId: "run-1",
      at: AT,
      personScores: [score("10208", "ines.sjoberg@exemple.se"), score("10209", "ines.nordin@exemple.se"), score("10210", "Åsa.Berg@Exemple.se")],
      steadyScores: [
        steady("10208", "ines.sjoberg@exemple.se"),
        steady("10209", "ines.nordin@exemple.se"),
        steady("10210", "åsa.berg@exemple.se"),
      ],
    });
    const raw = () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare("SELECT person_id || ' ' || ifnull(steady_email, '-') FROM person_scores ORDER BY person_id").pluck().all();
      } finally {
        db.close();
      }
    };
    // An address that is the row's own is not kept twice; one that differs in case is kept.
    expect(raw()).toEqual(["10208 -", "10209 -", "10210 åsa.berg@exemple.se"]);
    // A write puts a new address on 10208's contact, and 10209 is scored again under another address:
    // their steady scores stay those of the addresses they were kept for.
    await store.commitBatch({
      runId: "run-2",
      at: AT,
      personContacts: [{ personId: "10208", email: "ines.lindgren@exemple.se" }],
      personScores: [score("10209", "ines.nordin@nordlicht.se")],
    });
    expect(raw()).toEqual(["10208 ines.sjoberg@exemple.se", "10209 ines.nordin@exemple.se", "10210 åsa.berg@exemple.se"]);
    expect([...(await store.steadyScores(["10208", "10209", "10210"])).values()].map((s) => s.email)).toEqual([
      "ines.sjoberg@exemple.se",
      "ines.nordin@exemple.se",
      "åsa.berg@exemple.se",
    ]);
    const activity = (ownerKey: string, id: string) => ({ ownerKey, id, kind: "email_open", occurredAt: AT, properties: {}, source: "email" });
    const people = ["10208", "10209", "10210"];
    await store.commitBatch({
      runId: "run-3",
      at: AT,
      behaviour: [activity("email:ines.lindgren@exemple.se", "e-2"), activity("email:ines.nordin@nordlicht.se", "e-3")],
    });
    expect([...(await store.steadyScores(people)).keys()]).toEqual(people);
    await store.commitBatch({
      runId: "run-4",
      at: AT,
      behaviour: [activity("email:ines.sjoberg@exemple.se", "e-4"), activity("email:ines.nordin@exemple.se", "e-5")],
    });
    expect([...(await store.steadyScores(people)).keys()]).toEqual(["10210"]);
    await store.close();
  });
});
