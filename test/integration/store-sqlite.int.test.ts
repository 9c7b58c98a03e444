// The SQLite state store: the shared contract against a file and against ":memory:", then what only a
// file-backed store has to show — persistence, migrations, refusing foreign or newer files, and two
// connections or processes sharing one file.
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import ts from "typescript";
import { problemsOf } from "../../src/core/text/error-problems.js";
import { openStore } from "../../src/store/open-store.js";
import { type AuditEntry, StoreError } from "../../src/store/port.js";
import { openConnection } from "../../src/store/sqlite/connection.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { APPLICATION_ID, MIGRATIONS, migrate, SCHEMA_VERSION } from "../../src/store/sqlite/migrations.js";
import { describeStoreContract } from "../contract/store.contract.js";
import { at, auditEntry, leadLink, people, problemRefusals, RUN } from "../contract/store-fixtures.js";

// Processes sharing one file: the store sources (and core, which they import) are transpiled to a temp dir (node_modules linked back)
// because plain Node 20 cannot load TypeScript.
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

const WORKER = `
import { openSqliteStore } from "./src/store/sqlite/index.js";
const [file, holder, now, startAtMs] = process.argv.slice(2);
const store = await openSqliteStore(file);
while (Date.now() < Number(startAtMs)) {}
const lock = await store.acquireLock("sync", holder, now, 600000);
await store.close();
process.stdout.write(JSON.stringify({ lock }));
`;

function transpileDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      transpileDir(source, join(to, entry.name));
    } else if (entry.name.endsWith(".ts")) {
      const output = ts.transpileModule(readFileSync(source, "utf8"), {
        compilerOptions: {
          module: ts.ModuleKind.ES2022,
          target: ts.ScriptTarget.ES2022,
          verbatimModuleSyntax: true,
        },
      });
      writeFileSync(join(to, entry.name.replace(/\.ts$/, ".js")), output.outputText);
    }
  }
}

/** Builds the worker in `dir` and returns its path. */
function buildStoreWorker(dir: string): string {
  transpileDir(join(repoRoot, "src/store"), join(dir, "src/store"));
  // The store keeps written values in core's loop-hold form (core/write-loop.ts): core comes along.
  transpileDir(join(repoRoot, "src/core"), join(dir, "src/core"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  const worker = join(dir, "worker.js");
  writeFileSync(worker, WORKER);
  return worker;
}

interface WorkerResult {
  lock: boolean;
}

function runStoreWorker(
  worker: string,
  args: { file: string; holder: string; now: string; startAtMs: number },
): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [worker, args.file, args.holder, args.now, String(args.startAtMs)],
      { cwd: dirname(worker), env: { ...process.env, NODE_OPTIONS: "" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`worker ${args.holder} exited with ${code}: ${stderr}`));
      else resolve(JSON.parse(stdout) as WorkerResult);
    });
  });
}

let dir: string;
let fileCount = 0;

function freshFile(): string {
  fileCount += 1;
  return join(dir, `store-${fileCount}`, "state.db");
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-store-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describeStoreContract("SQLite file", () => openSqliteStore(freshFile()));
describeStoreContract("SQLite :memory:", () => openSqliteStore(":memory:"));

function rawPragma(file: string, pragma: string): unknown {
  const db = new Database(file);
  try {
    return db.pragma(pragma, { simple: true });
  } finally {
    db.close();
  }
}

describe("SQLite state store file", () => {
  it("creates missing parent directories and opens through openStore", async () => {
    const file = join(dir, "nested", "data", "leadloop", "state.db");
    const store = await openStore({ path: file });
    await store.commitBatch({ runId: RUN, at: at(1), links: [leadLink(people.zoe)] });
    await store.close();
    expect(existsSync(file)).toBe(true);
    expect(rawPragma(file, "journal_mode")).toBe("wal");
    expect(rawPragma(file, "application_id")).toBe(APPLICATION_ID);
  });

  it("finds a page's open error entries by their records through an index, not a scan of every open entry", async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    await store.close();
    const raw = new Database(file, { readonly: true });
    const plan = raw
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM error_queue WHERE status = 'open' AND record_id IN (?, ?)")
      .all("00QHs0000000021MAA", "10074") as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toContain("error_queue_open_record");
    raw.close();
  });

  // The entries' gauge (`/metrics`, the console, each run's summary) counts per system and class: from the
  // status index alone, in its order (migration 33), where a sort of 200,000 open entries took 190-300 ms.
  it("counts open error entries per system and class from the status index alone", async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    const raw = new Database(file, { readonly: true });
    const plan = raw
      .prepare(
        `EXPLAIN QUERY PLAN SELECT system, error_class AS errorClass, COUNT(*) AS count FROM error_queue WHERE status = 'open'
         GROUP BY system, error_class ORDER BY system, error_class`,
      )
      .all() as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual(["SEARCH error_queue USING COVERING INDEX error_queue_status (status=?)"]);
    raw.close();
  });

  // Migration 39: one unique index on (pair, crm_id, crm_type) where two indexed the active links by CRM
  // record, and no index of the audit's pieces by last use (the retention prune reads them all): one entry
  // fewer written per link and per piece.
  it("upgrades a v38 file's links to one index by CRM record that finds them by id or by record, and still refuses a second link to one", async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const db = openConnection(file);
    migrate(db, file, MIGRATIONS.filter((m) => m.version <= 38));
    const link = db.prepare(
      `INSERT INTO links (pair, marketing_type, marketing_id, crm_type, crm_id, match_key, status, created_at, updated_at)
       VALUES ('contact', 'contact', ?, 'Lead', ?, ?, 'active', ?, ?)`,
    );
    for (const person of [people.zoe, people.jose]) link.run(person.hubspotId, person.lead, person.email.toLowerCase(), at(1), at(1));
    db.close();

    const store = await openSqliteStore(file);
    expect((await store.findLinksByCrmIds("contact", [people.zoe.lead, people.jose.lead])).get(people.jose.lead)?.marketingId).toBe(
      people.jose.hubspotId,
    );
    expect((await store.findLinkByCrm("contact", "Lead", people.zoe.lead))?.marketingId).toBe(people.zoe.hubspotId);
    const stealing = { ...leadLink(people.jose), crmId: people.zoe.lead };
    await expect(store.commitBatch({ runId: RUN, at: at(2), links: [stealing] })).rejects.toThrow(StoreError);
    await store.close();

    const raw = new Database(file, { readonly: true });
    const plan = (sql: string) => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail);
    expect(plan("SELECT marketing_id FROM links WHERE pair = 'contact' AND status = 'active' AND crm_id IN ('a', 'b')")).toEqual([
      "SEARCH links USING INDEX links_active_crm (pair=? AND crm_id=?)",
    ]);
    expect(plan("SELECT marketing_id FROM links WHERE pair = 'contact' AND crm_type = 'Lead' AND crm_id = 'a' AND status = 'active'")).toEqual([
      "SEARCH links USING INDEX links_active_crm (pair=? AND crm_id=? AND crm_type=?)",
    ]);
    const indexes = raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'links' ORDER BY name").all();
    expect(indexes).toEqual([
      { name: "links_active_crm" },
      { name: "links_active_marketing" },
      { name: "links_match_key" },
      { name: "links_retired_crm" },
      { name: "links_retired_marketing" },
    ]);
    // The audit's pieces keep their index by hash (each new piece is looked up by it), not one by last use.
    expect(raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'audit_pieces'").all()).toEqual([
      { name: "audit_pieces_hash" },
    ]);
    raw.close();
  });

  // Migration 39: names found by their text's hash, not a unique index holding every text again. These two
  // rules share their 32-bit FNV-1a hash (detail-hash.ts): each keeps its own number.
  it("upgrades a v38 file's names to be found by hash, keeping their numbers, and tells apart two rules of one hash", async () => {
    const [kept, clash] = ["score: 5237.6 points (Zoë 52376)", "score: 8290.9 points (Zoë 82909)"];
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const db = openConnection(file);
    migrate(db, file, MIGRATIONS.filter((m) => m.version <= 38));
    const keptId = Number(db.prepare("INSERT INTO names (name) VALUES (?)").run(kept).lastInsertRowid);
    db.close();

    const store = await openSqliteStore(file);
    // Rules are pieces since migration 44: the two texts are fields' names here.
    const entry = (when: number, field: string): AuditEntry => auditEntry(people.zoe.lead, when, field, "5237.6");
    await store.commitBatch({ runId: RUN, at: at(1), audit: [entry(1, clash), entry(2, kept)] });
    expect((await store.listAudit([people.zoe.lead])).map((e) => e.field)).toEqual([clash, kept]);
    await store.close();

    const raw = new Database(file, { readonly: true });
    const ids = raw.prepare("SELECT id, name FROM names WHERE name IN (?, ?) ORDER BY id").all(kept, clash) as { id: number; name: string }[];
    expect(ids).toEqual([
      { id: keptId, name: kept },
      { id: expect.any(Number), name: clash },
    ]);
    expect(raw.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'names'").all()).toEqual([{ name: "names_hash" }]);
    // The view in the audit's old shape reads the rebuilt names.
    expect(raw.prepare("SELECT field FROM audit_log ORDER BY id").pluck().all()).toEqual([clash, kept]);
    raw.close();
  });

  // A page looks up the retired links of the records it did not match (page-sync.ts): with the status
  // bound, SQLite could use no index and read every link, at each page (6.5 ms at 44,750 links).
  it("finds retired links by either record through an index of the retired ones, not a read of every link", async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    const { linkIds } = await store.commitBatch({ runId: RUN, at: at(1), links: [leadLink(people.zoe), leadLink(people.jose)] });
    await store.commitBatch({ runId: RUN, at: at(2), retireLinks: [{ id: linkIds[0]!, reason: "Lead deleted in Salesforce" }] });
    const retired = await store.findRetiredLinks("contact", "marketing", [people.zoe.hubspotId, people.jose.hubspotId]);
    expect([...retired.keys()]).toEqual([people.zoe.hubspotId]);
    expect((await store.findRetiredLinks("contact", "crm", [people.zoe.lead])).get(people.zoe.lead)?.retiredReason).toBe(
      "Lead deleted in Salesforce",
    );
    await store.close();
    // The plan of the statement links.ts byIds sends, the status named in it.
    const raw = new Database(file, { readonly: true });
    const plan = (column: string) =>
      (
        raw
          .prepare(`EXPLAIN QUERY PLAN SELECT crm_type FROM links WHERE pair = ? AND status = 'retired' AND ${column} IN (?, ?) ORDER BY id`)
          .all("contact", "a", "b") as { detail: string }[]
      )[0]?.detail;
    expect([plan("marketing_id"), plan("crm_id")]).toEqual([
      "SEARCH links USING INDEX links_retired_marketing (pair=? AND marketing_id=?)",
      "SEARCH links USING INDEX links_retired_crm (pair=? AND crm_id=?)",
    ]);
    raw.close();
  });

  it("keeps everything across a reopen, and round-robin continues where it left off", async () => {
    const file = freshFile();
    const first = await openSqliteStore(file);
    const { linkIds } = await first.commitBatch({
      runId: RUN,
      at: at(1),
      links: [
        {
          ...leadLink(people.jose),
          snapshots: { lastname: { marketing: "García", crm: "Garcia", syncedAt: at(1) } },
        },
      ],
      errors: [
        {
          runId: RUN,
          system: "salesforce",
          object: "Lead",
          recordId: people.jose.lead,
          operation: "update",
          payload: { LastName: "García" },
          errorClass: "data",
          message: "STRING_TOO_LONG",
          at: at(1),
        },
      ],
      cursors: [{ system: "salesforce", object: "Lead", value: at(1), lastId: people.jose.lead }],
    });
    await first.commitBatch({ runId: "run-1", at: at(1), roundRobinTurns: [{ queue: "iberia", next: 2, taken: 2 }] });
    expect(await first.acquireLock("sync", "daemon-a", at(1), 600_000)).toBe(true);
    await first.close();

    const second = await openSqliteStore(file);
    const id = linkIds[0] as number;
    expect((await second.findLinkByMarketing("contact", people.jose.hubspotId))?.id).toBe(id);
    expect((await second.getSnapshots([id])).get(id)?.lastname).toEqual({
      marketing: "García",
      crm: "Garcia",
      syncedAt: at(1),
    });
    expect((await second.listErrors())[0]?.payload).toEqual({ LastName: "García" });
    expect((await second.getCursor("salesforce", "Lead"))?.lastId).toBe(people.jose.lead);
    expect(await second.roundRobinNext("iberia")).toBe(2);
    expect(await second.acquireLock("sync", "daemon-b", at(2), 600_000)).toBe(false);
    await second.close();
  });

  it("applies migrations once: reopening changes nothing", async () => {
    const file = freshFile();
    for (let i = 0; i < 3; i++) await (await openSqliteStore(file)).close();

    const db = new Database(file, { readonly: true });
    const applied = db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all();
    expect(applied).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("waits for another process that holds a new file's write lock before it switches the file to WAL", async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    // Another process creates the file in SQLite's default (rollback) mode and holds its write lock for
    // a moment, as a second daemon starting on the same new file does while it sets the file up.
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `const Database = require(process.argv[1]);
         const db = new Database(process.argv[2]);
         db.pragma("auto_vacuum = INCREMENTAL");
         db.exec("BEGIN IMMEDIATE; CREATE TABLE early (x)");
         process.stdout.write("held\\n");
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
         db.exec("DROP TABLE early; COMMIT");
         db.close();`,
        join(repoRoot, "node_modules/better-sqlite3"),
        file,
      ],
      { env: { ...process.env, NODE_OPTIONS: "" } },
    );
    const exited = new Promise<number | null>((resolve) => holder.on("close", resolve));
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("held")) resolve();
      });
      holder.on("close", (code) => reject(new Error(`the lock holder exited with ${code} before holding`)));
    });

    const store = await openSqliteStore(file);
    expect(await exited).toBe(0);
    expect(await store.acquireLock("sync", "daemon-a", at(0), 60_000)).toBe(true);
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: MIGRATIONS.length });
    db.close();
  });

  it("takes a new file that another process migrates between the identity check's reads", () => {
    const file = freshFile();
    const first = openConnection(file);
    const other = openConnection(file);
    let migratedBeside = false;
    // The other connection migrates the whole file just after this one's first read of it, as a second
    // daemon starting on the same new file can.
    const racing = new Proxy(first, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (key !== "pragma" || migratedBeside) return typeof value === "function" ? value.bind(target) : value;
        return (...args: Parameters<Database.Database["pragma"]>) => {
          const result = target.pragma(...args);
          migratedBeside = true;
          migrate(other, file);
          return result;
        };
      },
    });

    expect(() => migrate(racing, file)).not.toThrow();
    expect(migratedBeside).toBe(true);
    expect(first.prepare("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: MIGRATIONS.length });
    expect(first.pragma("application_id", { simple: true })).toBe(APPLICATION_ID);
    first.close();
    other.close();
  });

  it("upgrades a file from an older schema version, keeping its data", async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    await store.close();
    rmSync(file);
    for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });

    const old = new Database(file);
    migrate(old, file, MIGRATIONS.slice(0, 1));
    old
      .prepare(
        `INSERT INTO links (pair, marketing_type, marketing_id, crm_type, crm_id, match_key, created_at, updated_at)
         VALUES ('contact', 'contact', '53', 'Lead', ?, 'francoise.lefevre@société-générale.fr', ?, ?)`,
      )
      .run(people.francoise.lead, at(0), at(0));
    expect(old.pragma("user_version", { simple: true })).toBe(1);
    old.close();

    const upgraded = await openSqliteStore(file);
    expect((await upgraded.findLinkByMarketing("contact", "53"))?.crmId).toBe(people.francoise.lead);
    await upgraded.upsertSlaClock({
      personId: "53",
      crmType: "Lead",
      crmId: people.francoise.lead,
      ownerId: null,
      handoffAt: at(0),
      dueAt: at(60),
      firstTouchAt: null,
      touches: 0,
      breachedAt: null,
    });
    expect(await upgraded.listSlaClocks({ open: true })).toHaveLength(1);
    await upgraded.close();
    expect(rawPragma(file, "user_version")).toBe(SCHEMA_VERSION);
  });

  it("upgrades audit rows written before migration 10 into compact rows that read back unchanged", async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    await store.close();
    rmSync(file);
    for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });

    const old = new Database(file);
    migrate(old, file, MIGRATIONS.filter((m) => m.version <= 8));
    const rule = "handoff to hélène.dubois@acme.com by emea";
    const entry = (runId: string, at: string, system: string, object: string, recordId: string, operation: string,
      field: string, before: string | null, after: string | null, rule: string): AuditEntry =>
      ({ runId, at, system, object, recordId, operation, field, before, after, rule });
    const entries = [
      entry(RUN, "2025-03-10T09:00:00.123Z", "salesforce", "Lead", people.zoe.lead, "create", "FirstName", null, "Zoë", "create: from marketing"),
      entry(RUN, "2025-03-10T09:00:00.123Z", "salesforce", "Lead", people.zoe.lead, "create", "OwnerId", null, "005000000000001AAA", rule),
      entry("run-2", "2025-03-11T17:45:59.999Z", "hubspot", "contacts", people.jose.hubspotId, "update", "jobtitle", "CTO", "", "changed on crm"),
      entry("run-2", "2025-03-11T17:46:00.000Z", "salesforce", "Lead", people.zoe.lead, "update", "Title", "  Directrice ", null, "conflict: prefer_crm"),
    ];
    const rows = entries.map((e) => [e.runId, e.at, e.system, e.object, e.recordId, e.operation, e.field, e.before, e.after, e.rule]);
    const insert = old.prepare(
      `INSERT INTO audit_log (run_id, at, system, object, record_id, operation, field, before_value, after_value, rule)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const row of rows) insert.run(...row);
    old.close();

    const upgraded = await openSqliteStore(file);
    expect(await upgraded.listAudit([people.zoe.lead, people.jose.hubspotId])).toEqual(entries);
    // A row written after the upgrade shares the names already stored.
    await upgraded.commitBatch({
      runId: "run-3",
      at: "2025-03-12T08:00:00.000Z",
      audit: [{ ...entries[1]!, runId: "run-3", at: "2025-03-12T08:00:00.000Z" }],
    });
    expect((await upgraded.listAudit([people.zoe.lead])).at(-1)).toEqual({ ...entries[1], runId: "run-3", at: "2025-03-12T08:00:00.000Z" });
    expect(await upgraded.pruneAudit("2025-03-11T17:46:00.000Z")).toBe(3);
    await upgraded.close();

    // The audit_log view shows rows in the old shape, for readers that query the file directly.
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT run_id, at, system, object, record_id, operation, field, before_value, after_value, rule FROM audit_log ORDER BY id").raw().all()).toEqual([
      rows[3],
      ["run-3", "2025-03-12T08:00:00.000Z", ...rows[1]!.slice(2)],
    ]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM names WHERE name = ?").get(rule)).toEqual({ n: 1 });
    db.close();
  });

  it("converts snapshots kept in the older forms to the compact one, and reads what it cannot convert", async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    rmSync(file);
    for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });

    const old = new Database(file);
    migrate(old, file, MIGRATIONS.slice(0, 8));
    const link = old.prepare(
      `INSERT INTO links (pair, marketing_type, marketing_id, crm_type, crm_id, created_at, updated_at)
       VALUES ('contact', 'contacts', ?, 'Lead', ?, ?, ?) RETURNING id`,
    );
    const francoise = (link.get("53", people.francoise.lead, at(0), at(0)) as { id: number }).id;
    const jose = (link.get("54", people.jose.lead, at(0), at(0)) as { id: number }).id;
    const snapshots = old.prepare("INSERT INTO link_snapshots (link_id, fields) VALUES (?, ?)");
    // Arrays as the last schema wrote them, an object as the one before it, and a time that is no instant.
    snapshots.run(
      francoise,
      JSON.stringify({
        "lastname>LastName": ["Lefèvre", "Lefevre", at(1)],
        "email>Email": ["francoise.lefevre@société-générale.fr", "francoise.lefevre@société-générale.fr", at(1)],
        "phone>Phone": [null, null, at(1)],
        "city>City": { marketing: "Zürich", crm: "Zurich", syncedAt: at(2) },
        "zip>PostalCode": ["75008", "75008", "yesterday"],
      }),
    );
    snapshots.run(jose, JSON.stringify({ "firstname>FirstName": { marketing: "José", crm: "José", syncedAt: at(3) } }));
    old.close();

    const upgraded = await openSqliteStore(file);
    const read = await upgraded.getSnapshots([francoise, jose]);
    expect(read.get(francoise)).toEqual({
      "lastname>LastName": { marketing: "Lefèvre", crm: "Lefevre", syncedAt: at(1) },
      "email>Email": {
        marketing: "francoise.lefevre@société-générale.fr",
        crm: "francoise.lefevre@société-générale.fr",
        syncedAt: at(1),
      },
      "phone>Phone": { marketing: null, crm: null, syncedAt: at(1) },
      "city>City": { marketing: "Zürich", crm: "Zurich", syncedAt: at(2) },
      "zip>PostalCode": { marketing: "75008", crm: "75008", syncedAt: "yesterday" },
    });
    expect(read.get(jose)).toEqual({ "firstname>FirstName": { marketing: "José", crm: "José", syncedAt: at(3) } });
    await upgraded.close();

    const db = new Database(file, { readonly: true });
    const row = db.prepare("SELECT fields FROM link_snapshots WHERE link_id = ?").get(francoise) as { fields: string };
    // Migration 18 numbers the keys by the store's names.
    const names = new Map(
      (db.prepare("SELECT id, name FROM names").all() as { id: number; name: string }[]).map((n) => [String(n.id), n.name]),
    );
    const stored = Object.fromEntries(
      Object.entries(JSON.parse(row.fields) as Record<string, unknown>).map(([id, v]) => [names.get(id), v]),
    );
    const ms = (minutes: number) => Date.parse(at(minutes));
    expect(stored).toEqual({
      "lastname>LastName": [ms(1), "Lefèvre", "Lefevre"],
      "email>Email": [ms(1), "francoise.lefevre@société-générale.fr"],
      "phone>Phone": [ms(1)],
      "city>City": [ms(2), "Zürich", "Zurich"],
      "zip>PostalCode": ["75008", "75008", "yesterday"],
    });
    db.close();
  });

  it("keeps written values and the behaviour cache through migration 14, and looks clocks up by CRM record", async () => {
    const file = freshFile();
    const store = await openSqliteStore(file);
    await store.close();
    rmSync(file);
    for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });

    const old = new Database(file);
    migrate(old, file, MIGRATIONS.filter((m) => m.version <= 12));
    const reasons = "+40 Requested a demo: 3 × form_submission, latest 2026-11-29 (Zoë Ångström)";
    const value = old.prepare("INSERT INTO written_values (target, field, value, at) VALUES (?, ?, ?, ?)");
    value.run("hubspot/contacts/51", "leadloop_status", "mql", "2025-03-10T09:00:00.123Z");
    value.run("hubspot/contacts/51", "leadloop_reasons", reasons, "2025-03-10T09:00:00.123Z");
    value.run("hubspot/contacts/51", "leadloop_status", null, "2025-03-10T09:05:00.000Z");
    old
      .prepare(
        `INSERT INTO behaviour_activities (owner_key, activity_id, kind, occurred_at, properties, source)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run("email:zoë.ångström@nordlicht.se", "f-1", "form_submission", "2025-03-09T08:00:00.000Z", '{"hs_form_name":"Démo anfragen"}', "forms");
    old.close();

    const upgraded = await openSqliteStore(file);
    const kept = (await upgraded.writtenValues([{ system: "hubspot", object: "contacts", recordId: "51" }], at(-60))).get(
      "hubspot/contacts/51",
    );
    // Rows written before keep their full text (the loop hold fingerprints long ones as it reads them).
    expect(kept).toEqual([
      { field: "leadloop_reasons", value: reasons, at: "2025-03-10T09:00:00.123Z" },
      { field: "leadloop_status", value: "mql", at: "2025-03-10T09:00:00.123Z" },
      { field: "leadloop_status", value: null, at: "2025-03-10T09:05:00.000Z" },
    ]);
    expect(await upgraded.listBehaviour(["email:zoë.ångström@nordlicht.se"], "2025-03-01T00:00:00.000Z")).toEqual([
      {
        ownerKey: "email:zoë.ångström@nordlicht.se",
        id: "f-1",
        kind: "form_submission",
        occurredAt: "2025-03-09T08:00:00.000Z",
        occurredMs: Date.parse("2025-03-09T08:00:00.000Z"),
        properties: { hs_form_name: "Démo anfragen" },
        source: "forms",
      },
    ]);
    await upgraded.upsertSlaClock(slaClockOf("53", people.francoise.lead));
    expect((await upgraded.listSlaClocks({ crmIds: [people.francoise.lead] })).map((c) => c.personId)).toEqual(["53"]);
    await upgraded.close();
    const raw = new Database(file, { readonly: true });
    const plan = raw.prepare("EXPLAIN QUERY PLAN SELECT * FROM sla_clocks WHERE crm_id = ?").all("x") as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toContain("sla_clocks_crm");
    raw.close();
  });

  // Migration 31 keeps whether anything of a handoff reached the rep; the store cannot tell it for what it
  // held before, so those clocks (one stopped by its Lead's deletion, one a later handoff replaced) and the
  // groups still waiting keep counting as they did.
  it("keeps clocks and groups from before migration 31 counted as handoffs that reached the rep", async () => {
    const file = freshFile();
    const old = openConnection(file);
    migrate(old, file, MIGRATIONS.filter((m) => m.version <= 30));
    const clock = old.prepare(
      `INSERT INTO sla_clocks (person_id, crm_type, crm_id, owner_id, handoff_at, due_at, first_touch_at, touches, breached_at, gone_at)
       VALUES (?, 'Lead', ?, NULL, ?, ?, NULL, 0, NULL, ?)`,
    );
    clock.run("53", people.francoise.lead, at(0), at(60), at(5));
    old
      .prepare(
        `INSERT INTO sla_clock_history (person_id, crm_type, crm_id, owner_id, handoff_at, due_at, first_touch_at, touches, breached_at, replaced_at)
         VALUES ('51', 'Lead', ?, NULL, ?, ?, NULL, 0, NULL, ?)`,
      )
      .run(people.zoe.lead, at(-120), at(-60), at(0));
    old.prepare("INSERT INTO outbox_groups (grp, on_done, created_at) VALUES ('handoff:51', '{}', ?)").run(at(0));
    old.close();

    const upgraded = await openSqliteStore(file);
    expect(await upgraded.listSlaClocks({ gone: true })).toEqual([expect.objectContaining({ personId: "53", crmId: people.francoise.lead })]);
    expect((await upgraded.listSlaClocks()).filter((c) => c.unreached)).toEqual([]);
    expect(await upgraded.listReplacedSlaClocks()).toEqual([expect.not.objectContaining({ unreached: true })]);
    await upgraded.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare("SELECT reached_systems AS reached FROM outbox_groups").all()).toEqual([{ reached: "*" }]);
    raw.close();
  });

  // Migration 32 keeps with each error-queue entry the keys its problem is counted by; a queue from before
  // it counts the same problems, by class, as grouping its open entries does, and finds a person's entries.
  it("counts the problems of a queue from before migration 32 as grouping its open entries does", async () => {
    const file = freshFile();
    const old = openConnection(file);
    migrate(old, file, MIGRATIONS.filter((m) => m.version <= 31));
    const insert = old.prepare(
      `INSERT INTO error_queue (run_id, system, object, record_id, operation, payload, error_class, message, status, first_seen_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const { entry: e, resolved } of problemRefusals(0))
      insert.run(e.runId, e.system, e.object, e.recordId, e.operation, JSON.stringify(e.payload), e.errorClass, e.message, resolved ? "resolved" : "open", e.at, e.at);
    old.close();

    const upgraded = await openSqliteStore(file);
    const open = await upgraded.listErrors({ status: "open" });
    expect(open).toHaveLength(9);
    const grouped = problemsOf(open).map((p) => p.entries[0]!.errorClass);
    expect(await upgraded.countOpenProblems()).toEqual([
      { errorClass: "conflict", count: grouped.filter((c) => c === "conflict").length },
      { errorClass: "data", count: grouped.filter((c) => c === "data").length },
    ]);
    expect(await upgraded.countOpenProblems()).toEqual([{ errorClass: "conflict", count: 1 }, { errorClass: "data", count: 5 }]);
    expect((await upgraded.listErrors({ personIds: [people.francoise.hubspotId] })).map((e) => e.operation)).toEqual(["field sync", "qualification", "sla"]);
    expect((await upgraded.listErrors({ personIds: [people.bjorn.hubspotId] })).map((e) => e.status)).toEqual(["resolved"]);
    await upgraded.close();
  });

  // Migration 41 keeps with each entry whether the runs send its write again: a queue from before it has
  // its refusals in passing and its approval locks (told by the code their message opens with) sent so.
  it("marks the entries of a queue from before migration 41 that runs send again: in passing and approval locks", async () => {
    const file = freshFile();
    const old = openConnection(file);
    migrate(old, file, MIGRATIONS.filter((m) => m.version <= 40));
    const insert = old.prepare(
      `INSERT INTO error_queue (run_id, system, object, record_id, operation, payload, error_class, message, status, first_seen_at, last_seen_at)
       VALUES ('run-1', ?, ?, ?, 'qualification', '{}', ?, ?, 'open', '2026-11-30T12:05:00.000Z', '2026-11-30T12:05:00.000Z')`,
    );
    insert.run("salesforce", "Lead", "00Q5g00000ZoeAAA", "transient", "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record [zoë.ångström@nordlicht.se]");
    insert.run("salesforce", "Lead", "00Q5g00000JoseAA", "conflict", "ENTITY_IS_LOCKED: the record is locked in Salesforce, by an approval process (the entity is locked for editing) [josé.núñez@nordlicht.se]");
    insert.run("salesforce", "Lead", "00Q5g00000BjrnAA", "conflict", "INACTIVE_OWNER_OR_USER: operation performed with inactive user [005Hs000000AAAA] as owner of lead [björn@nordlicht.se]");
    insert.run("hubspot", "contacts", "10042", "rate_limited", "RATE_LIMITS: You have reached your secondly limit. [françoise@nordlicht.se]");
    insert.run("hubspot", "contacts", "10043", "conflict", "CONFLICT: ENTITY_IS_LOCKED: not Salesforce's [élodie@nordlicht.se]");
    old.close();

    const upgraded = await openSqliteStore(file);
    expect((await upgraded.listErrors({ status: "open" })).map((e) => [e.recordId, e.sentByRuns])).toEqual([
      ["00Q5g00000ZoeAAA", true],
      ["00Q5g00000JoseAA", true],
      ["00Q5g00000BjrnAA", false],
      ["10042", true],
      ["10043", false],
    ]);
    expect((await upgraded.listErrors({ status: "open", sentByRuns: true })).map((e) => e.recordId)).toEqual(["00Q5g00000ZoeAAA", "00Q5g00000JoseAA", "10042"]);
    await upgraded.close();
  });

  it("refuses a file written by a newer leadloop, naming the file and both versions", async () => {
    const file = freshFile();
    await (await openSqliteStore(file)).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();

    const opening = openSqliteStore(file);
    await expect(opening).rejects.toThrow(StoreError);
    const message = await opening.then(
      () => "",
      (err: Error) => err.message,
    );
    expect(message).toContain(file);
    expect(message).toContain(`schema version ${SCHEMA_VERSION + 5}`);
    expect(message).toContain(`version ${SCHEMA_VERSION} this build`);
    expect(rawPragma(file, "user_version")).toBe(SCHEMA_VERSION + 5);
  });

  it("refuses another application's database, a file that is not a database, a folder and a path through a file", async () => {
    const foreign = join(dir, "crm-export.sqlite");
    const db = new Database(foreign);
    db.exec("CREATE TABLE contacts (id INTEGER PRIMARY KEY, email TEXT)");
    db.close();
    await expect(openSqliteStore(foreign)).rejects.toThrow(
      /crm-export\.sqlite is not a leadloop state store/,
    );
    expect(rawPragma(foreign, "user_version")).toBe(0);

    const text = join(dir, "notes.txt");
    writeFileSync(text, "Björn: ring back Tuesday — not a database, just notes.\n".repeat(20));
    const opening = openSqliteStore(text);
    await expect(opening).rejects.toThrow(StoreError);
    await expect(opening).rejects.toThrow(/notes\.txt is not a leadloop state store/);

    // store.path naming a folder, or going through a file as if it were one: the path is what to change.
    const folder = join(dir, "Données clients");
    mkdirSync(folder, { recursive: true });
    await expect(openSqliteStore(folder)).rejects.toThrow(
      `state store ${folder} cannot be opened: it is a folder, not a file; point store.path at a file in a folder`,
    );
    await expect(openSqliteStore(join(text, "state.db"))).rejects.toThrow(
      `state store ${join(text, "state.db")} cannot be opened: a part of its path is a file, not a folder; point store.path at a file in a folder`,
    );
  });

  it("reports a file another process keeps write-locked as locked, then works once it is free", async () => {
    const file = freshFile();
    const store = await openSqliteStore(file, { busyTimeoutMs: 150 });
    const other = new Database(file);
    other.exec("BEGIN IMMEDIATE");

    const blocked = store.commitBatch({ runId: RUN, at: at(1), links: [leadLink(people.bjorn)] });
    await expect(blocked).rejects.toThrow(StoreError);
    await expect(blocked).rejects.toThrow(`state store ${file} is locked by another process`);
    expect(await store.countLinks()).toBe(0);

    other.exec("COMMIT");
    other.close();
    await store.commitBatch({ runId: RUN, at: at(2), links: [leadLink(people.bjorn)] });
    expect(await store.countLinks()).toBe(1);
    await store.close();
  });

  it("answers a page's second read of links and snapshots as SQLite would, after its own or another process's commit", async () => {
    const file = freshFile();
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    const ids = [people.francoise.hubspotId, people.jose.hubspotId];
    const snapshots = (city: string, minutes: number) => ({
      "city>City": { marketing: city, crm: city, syncedAt: at(minutes) },
    });

    expect((await a.findLinksByMarketingIds("contact", ids)).size).toBe(0);
    // Another process links Françoise: the next read sees it, though the same ids were read just before.
    await b.commitBatch({ runId: RUN, at: at(1), links: [{ ...leadLink(people.francoise), snapshots: snapshots("Zürich", 1) }] });
    const linked = await a.findLinksByMarketingIds("contact", ids);
    expect([...linked.keys()]).toEqual([people.francoise.hubspotId]);
    const linkId = linked.get(people.francoise.hubspotId)!.id;
    expect((await a.getSnapshots([linkId])).get(linkId)).toEqual(snapshots("Zürich", 1));
    expect((await a.findLinksByCrmIds("contact", [people.francoise.lead])).get(people.francoise.lead)?.id).toBe(linkId);

    await b.commitBatch({ runId: RUN, at: at(2), links: [{ ...leadLink(people.francoise), snapshots: snapshots("Genève", 2) }] });
    expect((await a.getSnapshots([linkId])).get(linkId)).toEqual(snapshots("Genève", 2));

    // Its own commit: José is linked and Françoise's city changes again.
    await a.commitBatch({
      runId: RUN,
      at: at(3),
      links: [leadLink(people.jose), { ...leadLink(people.francoise), snapshots: snapshots("Lyon", 3) }],
    });
    expect([...(await a.findLinksByMarketingIds("contact", ids)).keys()].sort()).toEqual([...ids].sort());
    expect((await a.getSnapshots([linkId])).get(linkId)).toEqual(snapshots("Lyon", 3));
    await a.close();
    await b.close();
  });

  it("does not reuse a behaviour detail or owner another connection's prune dropped and gave to someone else", async () => {
    const file = freshFile();
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000).toISOString();
    const zoe = "email:zoë.ångström@nordlicht.se";
    const demo = { formTitle: "Démo gratuite — Tarifs", pageUrl: "https://nordlicht.se/tarifs" };
    const submission = (id: string, ownerKey: string, properties: Record<string, string>, occurredAt: string) => ({
      ownerKey,
      id,
      kind: "form_submission",
      occurredAt,
      properties,
      source: "forms",
    });

    // `a` numbers Zoë's address and the demo form's detail, and keeps both numbers.
    await a.commitBatch({ runId: RUN, at: day(0), behaviour: [submission("f-1", zoe, demo, day(0))] });
    expect((await a.listBehaviour([zoe], day(0))).map((x) => x.properties)).toEqual([demo]);
    // `b` prunes them (decayed), then numbers another address and detail: SQLite hands out the freed numbers again.
    await b.commitBatch({ runId: RUN, at: day(40), behaviourPruneBefore: day(40) });
    const other = { formTitle: "NEWSLETTER sign-up", pageUrl: "https://nordlicht.se/" };
    await b.commitBatch({
      runId: RUN,
      at: day(41),
      behaviour: [submission("f-2", "email:o.brien@nordlicht.se", other, day(41))],
    });

    // `a` keeps Zoë's new submission of the demo form under her own address and the demo's detail.
    await a.commitBatch({ runId: RUN, at: day(42), behaviour: [submission("f-3", zoe, demo, day(42))] });
    for (const store of [a, b]) {
      expect((await store.listBehaviour([zoe], day(40))).map((x) => [x.id, x.properties])).toEqual([["f-3", demo]]);
      expect((await store.listBehaviour(["email:o.brien@nordlicht.se"], day(40))).map((x) => [x.id, x.properties])).toEqual([
        ["f-2", other],
      ]);
    }
    await a.close();
    await b.close();
  });

  // A connection keeps the pieces it cut values into by number too (text-pieces.ts), for reading them back;
  // another connection's prune may free those numbers and give them to other pieces.
  it("reads back an audited value whole after another connection's prune gave its pieces' numbers to others", async () => {
    const file = freshFile();
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    const lead = (i: number) => `00Q${String(i).padStart(15, "0")}`;
    const reasons = "+40 Demande de démo : 1 formulaire, le 2026-01-02; 120 avant déclin\n+7 Ticket ouvert au support\n";
    const summary = "+30 Visited the PRICING page: 6 × page_view, latest 2026-11-30; capped at 30\n+3 Webinaire « Pipeline »\n";
    // `a` audits Zoë's reasons (pieces numbered from 1), then more than two steps of 10,000 writes, then one kept.
    await a.commitBatch({ runId: RUN, at: "2026-01-05T09:00:00.000Z", audit: [auditEntry(lead(0), "2026-01-05T09:00:00.000Z", "Leadloop_Reasons__c", reasons)] });
    const january = Array.from({ length: 20_001 }, (_, i) => auditEntry(lead(i + 1), "2026-01-06T09:00:00.000Z", "Description", "court"));
    await a.commitBatch({ runId: RUN, at: "2026-01-06T09:00:00.000Z", audit: january });
    await a.commitBatch({ runId: RUN, at: "2026-12-01T09:00:00.000Z", audit: [auditEntry(lead(1), "2026-12-01T09:00:00.000Z", "Description", "kept")] });
    // `b` prunes everything before November, the reasons' pieces with it, and audits José's summary: SQLite
    // numbers its pieces from 1 again.
    await b.pruneAudit("2026-11-01T00:00:00.000Z");
    const jose = auditEntry(lead(30_000), "2026-12-02T09:00:00.000Z", "Leadloop_Activity_Summary__c", summary);
    await b.commitBatch({ runId: RUN, at: "2026-12-02T09:00:00.000Z", audit: [jose] });
    for (const store of [a, b]) expect(await store.listAudit([lead(30_000)])).toEqual([jose]);
    await a.close();
    await b.close();
  });

  it("lets two store instances on one file contend for the run lock", async () => {
    const file = freshFile();
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    const ttl = 60_000;

    expect(await a.acquireLock("sync", "daemon-a", at(0), ttl)).toBe(true);
    expect(await b.acquireLock("sync", "daemon-b", at(0), ttl)).toBe(false);
    expect(await b.renewLock("sync", "daemon-b", at(0), ttl)).toBe(false);
    expect(await a.renewLock("sync", "daemon-a", at(0.5), ttl)).toBe(true);
    expect(await b.acquireLock("sync", "daemon-b", at(1.25), ttl)).toBe(false);

    await a.releaseLock("sync", "daemon-a");
    expect(await b.acquireLock("sync", "daemon-b", at(2), ttl)).toBe(true);
    expect(await a.acquireLock("sync", "daemon-a", at(2), ttl)).toBe(false);
    expect(await a.acquireLock("sync", "daemon-a", at(3), ttl)).toBe(true);
    expect(await b.renewLock("sync", "daemon-b", at(3), ttl)).toBe(false);

    // A queue's turns one connection commits are the next turn the other reads.
    await a.commitBatch({ runId: "run-a", at: at(3), roundRobinTurns: [{ queue: "emea", next: 1, taken: 1 }] });
    expect(await b.roundRobinNext("emea")).toBe(1);
    await b.commitBatch({ runId: "run-b", at: at(3), roundRobinTurns: [{ queue: "emea", next: 2, taken: 1 }] });
    expect(await a.roundRobinNext("emea")).toBe(2);
    await a.close();
    await b.close();
  });

  // Round-robin turns are taken by the run holding this lock and kept with its decisions' commits
  // (BatchCommit.roundRobinTurns), so the lock is what keeps two processes from giving the same turn.
  it("keeps one lock holder and a single migration when processes race on a new file", async () => {
    const worker = buildStoreWorker(join(dir, "worker"));
    const file = freshFile();
    const holders = ["daemon-1", "daemon-2", "daemon-3", "daemon-4", "daemon-5"];
    const startAtMs = Date.now() + 1_500;
    // Wait for every worker, so a failing one never leaves others writing into the temp dir.
    const settled = await Promise.allSettled(
      holders.map((holder) => runStoreWorker(worker, { file, holder, now: at(0), startAtMs })),
    );
    const failures = settled.flatMap((outcome) =>
      outcome.status === "rejected" ? [String(outcome.reason)] : [],
    );
    expect(failures).toEqual([]);
    const results = settled.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));

    expect(results.filter((result) => result.lock)).toHaveLength(1);

    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM schema_migrations").get()).toEqual({ n: MIGRATIONS.length });
    db.close();
  });
});

function slaClockOf(personId: string, crmId: string) {
  return {
    personId,
    crmType: "Lead",
    crmId,
    ownerId: null,
    handoffAt: at(0),
    dueAt: at(60),
    firstTouchAt: null,
    touches: 0,
    breachedAt: null,
  };
}
