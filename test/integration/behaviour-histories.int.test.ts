// Migration 40: the behaviour cache keeps an owner's activities as one row, her history. A v38 file's
// activities come through the upgrade and read back the same; a look-back's re-read, a merged contact's
// activities and the prune keep one activity per id, and the history no larger than the activities it holds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { CachedActivity } from "../../src/store/port.js";
import { packId } from "../../src/store/sqlite/activity-id.js";
import { openConnection } from "../../src/store/sqlite/connection.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { MIGRATIONS, migrate, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";
import { activity, daysAgo, pricing, webinar } from "../support/cached-activities.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-behaviour-histories-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Activities as the cache reads them back (their time also as epoch ms), oldest first, ids of one instant in binary order. */
const asRead = (activities: readonly CachedActivity[]) =>
  activities
    .map((a) => ({ ...a, occurredMs: Date.parse(a.occurredAt) }))
    .sort((a, b) => a.occurredMs - b.occurredMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const held = [
  activity("contact:10041", "0a1b9d28-5a37-4a03-8b10-0e73d7a1f7d2", 3, pricing),
  activity("contact:10041", "page-views:10041:12", 2, pricing, "properties"),
  activity("contact:10041", "1784421164560-1", 9, { hs_url: "https://www.exemple.fr/blog/un-très-long-article-sur-l'été".repeat(8), hs_title: "" }),
  activity("contact:52", "500123", 4, pricing),
  activity("contact:c-Ångström", "évènement:Zoë/Ångström", 1, pricing),
  activity("email:zoë.ångström@nordlicht.se", "form:3c8f0c8d-8e8c-4b1f-9c3a-5d2e1f0a9b8c", 1, webinar, "forms"),
  activity("email:zoë.ångström@nordlicht.se", "email:9001", 2, pricing, "email"),
];
const owners = ["contact:10041", "contact:52", "contact:c-Ångström", "email:zoë.ångström@nordlicht.se"];

/** The cache's rows: one per owner. */
function count(file: string): number {
  const raw = new Database(file, { readonly: true });
  try {
    return (raw.prepare("SELECT COUNT(*) AS n FROM behaviour_activities").get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

/** Each owner's row and the bytes of her history. */
function rows(file: string): { owner: number; bytes: number }[] {
  const raw = new Database(file, { readonly: true });
  try {
    return raw.prepare("SELECT owner, length(activities) AS bytes FROM behaviour_activities ORDER BY owner").all() as { owner: number; bytes: number }[];
  } finally {
    raw.close();
  }
}

describe("migration 40: an owner's activities as one history", () => {
  it("keeps a person's activities as one row, a look-back's re-read and a merged contact's once each", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    await store.commitBatch({ runId: "run-1", at: daysAgo(0.5), behaviour: held });
    expect(count(file)).toBe(owners.length);
    const bytesOnce = rows(file);

    // A look-back reads two of Zoë's contact's activities again, one of them changed: it replaces the one held.
    const changed = { ...held[0]!, kind: "cta_click" };
    await store.commitBatch({ runId: "run-2", at: daysAgo(0.4), behaviour: [changed, held[1]!] });
    const now = [changed, ...held.slice(1)];
    expect(await store.listBehaviour(owners, daysAgo(30))).toEqual(asRead(now));
    expect(count(file)).toBe(owners.length);

    // The run's prune (nothing decayed) leaves each history with one entry per id: as long as before.
    await store.commitBatch({ runId: "run-3", at: daysAgo(0.3), behaviourPruneBefore: daysAgo(30) });
    expect(rows(file)).toEqual(bytesOnce);
    expect(await store.listBehaviour(owners, daysAgo(30))).toEqual(asRead(now));

    // Contact 52 merged into 10041, both holding 500123: 10041 keeps her own, and 52's row goes.
    const own = activity("contact:10041", "500123", 5, webinar, "forms");
    await store.commitBatch({ runId: "run-4", at: daysAgo(0.2), behaviour: [own] });
    await store.commitBatch({ runId: "run-5", at: daysAgo(0.1), contactsMerged: [{ from: "52", to: "10041" }] });
    expect(rows(file).map((r) => r.owner)).not.toContain(52);
    expect(await store.listBehaviour(["contact:10041", "contact:52"], daysAgo(30))).toEqual(asRead([...now.slice(0, 3), own]));

    // Decayed activities go, and a history left empty goes with them.
    await store.commitBatch({ runId: "run-6", at: daysAgo(0), behaviourPruneBefore: daysAgo(2.5) });
    expect(await store.listBehaviour(owners, daysAgo(30))).toEqual(asRead([held[1]!, ...held.slice(4)]));
    expect(count(file)).toBe(3);
    await store.close();
  });

  it("keeps a busy person's many activities once each through a look-back that reads them all again", async () => {
    const file = join(dir, "state.db");
    const store = await openSqliteStore(file);
    const busy = Array.from({ length: 45 }, (_, i) =>
      activity("contact:10041", i % 3 === 0 ? `${500_000 + i}` : `0a1b9d28-5a37-4a03-8b10-${String(i).padStart(12, "0")}`, 1 + (i % 20), i % 2 ? pricing : webinar),
    );
    await store.commitBatch({ runId: "run-1", at: daysAgo(0.5), behaviour: busy });
    expect(count(file)).toBe(1);
    const bytesOnce = rows(file);
    // Read again, a third of them changed: the history holds each id twice until the prune.
    const again = busy.map((a, i) => (i % 3 === 1 ? { ...a, kind: "email_click", properties: { hs_email_subject: "Relance Zoë" } } : a));
    await store.commitBatch({ runId: "run-2", at: daysAgo(0.4), behaviour: again });
    expect(await store.listBehaviour(["contact:10041"], daysAgo(30))).toEqual(asRead(again));
    await store.commitBatch({ runId: "run-3", at: daysAgo(0.3), behaviourPruneBefore: daysAgo(30) });
    expect(await store.listBehaviour(["contact:10041"], daysAgo(30))).toEqual(asRead(again));
    expect(count(file)).toBe(1);
    // Each id once again, as long as when first written (the changed ones' details are numbered in a byte too).
    expect(rows(file)).toEqual(bytesOnce);
    await store.close();
  });

  it("upgrades a v38 file's activities in place, one row per owner, reading back the same", async () => {
    const file = join(dir, "state.db");
    const db = openConnection(file);
    migrate(db, file, MIGRATIONS.filter((m) => m.version <= 38));
    // Rows as the v38 store wrote them (behaviour-cache.ts at c803a6a): details, owners, then activities.
    const detail = db.prepare("INSERT INTO behaviour_details (hash, kind, source, properties, last_ms) VALUES (0, ?, ?, ?, ?)");
    const owner = db.prepare("INSERT INTO behaviour_owners (key) VALUES (?)");
    const row = db.prepare("INSERT INTO behaviour_activities (owner, activity_id, occurred_ms, detail) VALUES (?, ?, ?, ?)");
    const numbered = new Map<string, number>();
    for (const a of held) {
      const id = Number(detail.run(a.kind, a.source, JSON.stringify(a.properties), Date.parse(a.occurredAt)).lastInsertRowid);
      const contact = /^contact:(\d+)$/.exec(a.ownerKey);
      if (!contact && !numbered.has(a.ownerKey)) numbered.set(a.ownerKey, Number(owner.run(a.ownerKey).lastInsertRowid));
      row.run(contact ? Number(contact[1]) : -numbered.get(a.ownerKey)!, packId(a.id), Date.parse(a.occurredAt), id);
    }
    db.close();

    const store = await openSqliteStore(file);
    expect(await store.listBehaviour(owners, daysAgo(30))).toEqual(asRead(held));
    await store.close();
    const check = new Database(file, { readonly: true });
    try {
      expect(check.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
      expect(count(file)).toBe(owners.length);
    } finally {
      check.close();
    }
  });
});
