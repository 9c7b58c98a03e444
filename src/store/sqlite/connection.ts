// Opens the SQLite file with the settings the store relies on: WAL so readers never block the writer,
// a busy timeout so two daemons sharing a file wait for each other, and enforced foreign keys.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { contactNumber, packId } from "./activity-id.js";
import { packCount } from "./behaviour-cache.js";
import { packHistoryRows } from "./behaviour-history.js";
import { detailHash, pieceHash } from "./detail-hash.js";
import { isLockedOut } from "./errors.js";
import { legacyFingerprints, legacyPageViews } from "./legacy-marks.js";
import { packKeys } from "./match-misses.js";
import { problemCauseOf, problemPersonOf } from "./problem-keys.js";

export const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
/** What a checkpointed write-ahead log keeps of its file (SQLite's `journal_size_limit`). */
const WAL_KEPT_BYTES = 4 * 1024 * 1024;

export interface ConnectionOptions {
  /** How long a write waits for another connection's write to finish before failing as "locked". */
  busyTimeoutMs?: number;
}

export function openConnection(file: string, options: ConnectionOptions = {}): Database.Database {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
  try {
    // A new file keeps its free pages apart (incremental auto-vacuum), so the rows a retention prunes can
    // be given back to the file system (`releaseFreePages`); it must be set before the first table exists.
    // A file created before this keeps reusing its free pages for new rows instead.
    if (file !== ":memory:" && Number(db.pragma("page_count", { simple: true })) === 0) {
      db.pragma("auto_vacuum = INCREMENTAL");
    }
    enterWal(db, options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
    // NORMAL is durable across process crashes under WAL; a power cut can lose the last commits, which a
    // re-run replays from the cursors with idempotent upserts.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    // A checkpoint leaves the write-ahead log at most this long: a first load's commits otherwise leave
    // it at its largest size for as long as the store is open (it counted in the bench's store bytes).
    db.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
    db.function("leadloop_detail_hash", { deterministic: true }, (kind, source, properties) =>
      detailHash(String(kind), String(source), String(properties)),
    );
    // Migration 39 numbers the names it copies as names.ts finds them again; migration 42 keys a steady
    // score's email by its hash, as steady-scores.ts does.
    db.function("leadloop_text_hash", { deterministic: true }, (text) => pieceHash(String(text)));
    // Migration 20 packs the behaviour cache's owners, ids and marks the way behaviour-cache.ts does.
    db.function("leadloop_pack_id", { deterministic: true }, (id) => packId(String(id)));
    db.function("leadloop_contact_number", { deterministic: true }, (key) => {
      const n = contactNumber(String(key));
      return n === null ? null : BigInt(n);
    });
    // Migration 40 puts each owner's activities into one history, as behaviour-history.ts writes it.
    db.aggregate("leadloop_pack_history", packHistoryRows);
    // Migration 43 keeps a match note's keys as match-misses.ts does.
    db.function("leadloop_pack_keys", { deterministic: true }, (keys) => packKeys(String(keys)));
    db.function("leadloop_mark_fingerprints", { deterministic: true }, (signature) => legacyFingerprints(String(signature)));
    db.function("leadloop_mark_page_views", { deterministic: true }, (signature) => packCount(legacyPageViews(String(signature))));
    // Migration 32 and the error queue's writes key each row's problem by the grouping rule (problem-keys.ts).
    db.function("leadloop_problem_person", { deterministic: true }, (id, object, recordId, payload) =>
      problemPersonOf(Number(id), String(object), recordId === null ? null : String(recordId), payload === null ? null : String(payload)),
    );
    db.function("leadloop_problem_cause", { deterministic: true }, (object, message) => problemCauseOf(String(object), String(message)));
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** What a thread waits on to pause between tries without spinning (nothing ever wakes it). */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));
const WAL_RETRY_MS = 5;

/**
 * Switches the file to write-ahead logging, retried until the busy timeout. SQLite makes the switch by
 * upgrading a read it already holds to a write, and an upgrade refused by another writer fails at once,
 * without the busy handler: a second process opening a new file while the first still creates it would
 * otherwise fail as locked at once instead of waiting its turn.
 */
function enterWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma("journal_mode = WAL");
      return;
    } catch (err) {
      if (!isLockedOut(err) || Date.now() >= deadline) throw err;
      Atomics.wait(PAUSE, 0, 0, WAL_RETRY_MS);
    }
  }
}
