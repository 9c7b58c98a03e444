// Migration 20: a v18 file's behaviour cache and marks come through the upgrade and read back the same
// (activities whole, ids and owners as they were; marks as what the reader compares), take less than half
// the room, and owners numbered for email addresses go with the last of their activities.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { signalFingerprint } from "../../src/core/behaviour/signal-marks.js";
import type { CachedActivity, MarkSignature } from "../../src/store/port.js";
import { emptyEntry, readEntry } from "../../src/store/sqlite/behaviour-history.js";
import { openConnection } from "../../src/store/sqlite/connection.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";
import { activity, DAY_MS, daysAgo, NOW, pricing, webinar } from "../support/cached-activities.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-behaviour-packed-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A store file at schema version 18 (what main shipped before migration 20), and its raw connection. */
function v18File(): { file: string; db: Database.Database } {
  const file = join(dir, "state.db");
  const db = openConnection(file);
  migrate(db, file, MIGRATIONS.filter((m) => m.version <= 18));
  return { file, db };
}

/** Rows as the v18 store wrote them (behaviour-cache.ts at 33823e8): a detail, then its activities. */
function writeV18(db: Database.Database, activities: readonly CachedActivity[]): void {
  const detail = db.prepare("INSERT INTO behaviour_details (hash, kind, source, properties, last_ms) VALUES (0, ?, ?, ?, ?)");
  const row = db.prepare("INSERT INTO behaviour_activities (owner_key, activity_id, occurred_ms, detail) VALUES (?, ?, ?, ?)");
  const details = new Map<string, number>();
  for (const a of activities) {
    const key = `${a.kind}\u0000${a.source}\u0000${JSON.stringify(a.properties)}`;
    let id = details.get(key);
    if (id === undefined) {
      id = Number(detail.run(a.kind, a.source, JSON.stringify(a.properties), Date.parse(a.occurredAt)).lastInsertRowid);
      details.set(key, id);
    }
    row.run(a.ownerKey, a.id, Date.parse(a.occurredAt), id);
  }
}


/** A contact's signal parts as the reader builds them (behaviour-reader.ts `signatureOf`). */
const webParts = (views: string | null) =>
  JSON.stringify([views, views === null ? null : "3", "2026-10-20T03:58:58.283Z", "2026-10-20T03:58:58.283Z", "https://www.exemple.fr/tarifs"]);
const formParts = JSON.stringify(["1", "2026-10-06T00:46:03.677Z"]);
const emailParts = JSON.stringify([null, null, null, null]);

describe("migration 20: a packed behaviour cache", () => {
  it("upgrades a v18 file's activities and marks in place, reading back the same", async () => {
    const { file, db } = v18File();
    const before = [
      activity("contact:10041", "0a1b9d28-5a37-4a03-8b10-0e73d7a1f7d2", 3, pricing),
      activity("contact:10041", "page-views:12", 2, pricing, "properties"),
      activity("contact:52", "1784421164560-1", 3, pricing),
      activity("contact:c-Ångström", "E-17", 1, pricing),
      activity("email:zoë.ångström@nordlicht.se", "form:3c8f0c8d-8e8c-4b1f-9c3a-5d2e1f0a9b8c", 1, webinar, "forms"),
      activity("email:zoë.ångström@nordlicht.se", "email:9001", 2, pricing, "email"),
      activity("email:jose@exemple.es", "email:7f3c2b1e-9d4a-4e6f-8a2b-1c0d9e8f7a6b", 4, pricing, "email"),
    ];
    writeV18(db, before);
    // Marks as the reader's text (older rows) and as migration 16's store packed them.
    const raw = JSON.stringify({ web: webParts("4"), forms: formParts, email: emailParts });
    const packed = JSON.stringify([
      ["web", ["12", "3", Date.parse("2026-10-20T03:58:58.283Z"), Date.parse("2026-10-20T03:58:58.283Z"), "https://www.exemple.fr/tarifs"]],
      ["forms", ["1", Date.parse("2026-10-06T00:46:03.677Z")]],
      ["email", [null, null, null, null]],
    ]);
    const mark = db.prepare("INSERT INTO behaviour_marks (person_id, signature, read_ms) VALUES (?, ?, ?)");
    mark.run("10041", raw, NOW - DAY_MS);
    mark.run("52", packed, NOW - 2 * DAY_MS);
    mark.run("c-Ångström", JSON.stringify({ web: webParts(null), forms: formParts }), NOW - 3 * DAY_MS);
    db.prepare("INSERT INTO store_facts (name, value, at) VALUES ('behaviour.prunedTo', 'contact:52', ?)").run(daysAgo(1));
    db.close();

    const store = await openSqliteStore(file);
    const owners = ["contact:10041", "contact:52", "contact:c-Ångström", "email:zoë.ångström@nordlicht.se", "email:jose@exemple.es"];
    // Read back with the time as the cache keeps it, epoch ms (occurredMs), beside its text.
    const read = before.map((a) => ({ ...a, occurredMs: Date.parse(a.occurredAt) }));
    const oldestFirst = [...read].sort((a, b) => a.occurredMs - b.occurredMs || (a.id < b.id ? -1 : 1));
    expect(await store.listBehaviour(owners, daysAgo(10))).toEqual(oldestFirst);
    expect(await store.listBehaviour(["email:jose@exemple.es"], daysAgo(10))).toEqual([read[6]]);

    const signature = (web: string, forms: string, email: string | null, pageViews: string | null): MarkSignature => ({
      web: signalFingerprint(web),
      forms: signalFingerprint(forms),
      // A part the old mark lacked never matches a part the reader builds: it is read again.
      email: email === null ? signalFingerprint("") : signalFingerprint(email),
      pageViews,
      // Migration 21: a mark made before keeps no submission count.
      conversions: null,
    });
    const marks = await store.behaviourMarks(["10041", "52", "c-Ångström", "53"]);
    expect(Object.fromEntries(marks)).toEqual({
      "10041": { personId: "10041", signature: signature(webParts("4"), formParts, emailParts, "4"), readAt: daysAgo(1) },
      "52": { personId: "52", signature: signature(webParts("12"), formParts, emailParts, "12"), readAt: daysAgo(2) },
      "c-Ångström": { personId: "c-Ångström", signature: signature(webParts(null), formParts, null, null), readAt: daysAgo(3) },
    });
    expect(marks.get("10041")?.signature.email).not.toBe(signalFingerprint(JSON.stringify([null, null, null, "2026-11-01T00:00:00.000Z"])));

    // A look-back reads an activity again after the upgrade: it replaces the one held.
    await store.commitBatch({ runId: "run-2", at: daysAgo(0), behaviour: [{ ...before[0]!, kind: "cta_click" }] });
    const again = await store.listBehaviour(["contact:10041"], daysAgo(10));
    expect(again.map((a) => [a.id, a.kind])).toEqual([
      ["0a1b9d28-5a37-4a03-8b10-0e73d7a1f7d2", "cta_click"],
      ["page-views:12", "page_view"],
    ]);

    // The prune starts over (the old place was a text key); José's email goes with his last activity.
    await store.commitBatch({ runId: "run-3", at: daysAgo(0), behaviourPruneBefore: daysAgo(3.5) });
    expect(await store.listBehaviour(["email:jose@exemple.es"], daysAgo(10))).toEqual([]);
    await store.close();

    const check = new Database(file, { readonly: true });
    expect(check.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(check.prepare("SELECT key FROM behaviour_owners ORDER BY key").all()).toEqual([
      { key: "contact:c-Ångström" },
      { key: "email:zoë.ångström@nordlicht.se" },
    ]);
    // A contact with a numeric id is that number; the HubSpot-shaped ids are kept in fewer bytes (in its
    // owner's history since migration 40: an entry's id form 1 is packed bytes).
    const ids = (check.prepare("SELECT owner, activities FROM behaviour_activities ORDER BY owner").all() as { owner: number; activities: Buffer }[]).flatMap(
      ({ owner, activities }) => {
        const out: { owner: number; type: string; bytes: number }[] = [];
        const entry = emptyEntry();
        for (let at = 0; at < activities.length; at = entry.end) {
          readEntry(activities, at, entry);
          out.push({ owner, type: ["integer", "blob", "text"][entry.form]!, bytes: entry.idEnd - entry.idStart });
        }
        return out;
      },
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        { owner: 10041, type: "blob", bytes: 17 },
        { owner: 52, type: "blob", bytes: 10 },
      ]),
    );
    check.close();
  });

  it("takes less than half the room a v18 file took for the same activities and marks", async () => {
    const { file, db } = v18File();
    const contacts = 1_000;
    const activities: CachedActivity[] = [];
    for (let c = 0; c < contacts; c++) {
      for (let k = 0; k < 8; k++) {
        const guid = `${(c * 8 + k).toString(16).padStart(8, "0")}-5a37-4a03-8b10-0e73d7a1f7d2`;
        activities.push(activity(`contact:${10_000 + c}`, guid, 1 + ((c + k) % 60), k % 2 === 0 ? pricing : webinar));
      }
    }
    writeV18(db, activities);
    const mark = db.prepare("INSERT INTO behaviour_marks (person_id, signature, read_ms) VALUES (?, ?, ?)");
    for (let c = 0; c < contacts; c++) {
      const packed = JSON.stringify([
        ["web", [String(c % 40), "3", NOW - c * 60_000, NOW - c * 60_000, `https://www.exemple.fr/blog/article-${c % 50}`]],
        ["forms", [String(c % 3), NOW - c * 120_000]],
        ["email", [String(c % 9), String(c % 4), NOW - c * 30_000, null]],
      ]);
      mark.run(String(10_000 + c), packed, NOW - DAY_MS);
    }
    const bytes = (conn: Database.Database) =>
      (conn.prepare("SELECT SUM(pgsize) AS n FROM dbstat WHERE name LIKE 'behaviour_activities%' OR name LIKE 'behaviour_marks%' OR name LIKE 'behaviour_owners%'").get() as { n: number }).n;
    const v18 = bytes(db);
    db.close();

    const store = await openSqliteStore(file);
    await store.close();
    const after = openConnection(file);
    try {
      expect(bytes(after)).toBeLessThan(v18 / 2);
    } finally {
      after.close();
    }
  });
});
