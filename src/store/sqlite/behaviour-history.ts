// An owner's history as the behaviour cache keeps it (migration 40): all its activities in one BLOB, read
// whole and appended to, one row per owner where each activity was a row. An entry is a head byte (the id's
// form: 0 a number, 1 packed bytes, 2 text as UTF-8; bit 2 set when the time is not 6 bytes unsigned),
// the id's length and bytes (activity-id.ts packs it), its time (epoch ms, 6 bytes, else an 8-byte
// double) and its detail's number (behaviour_details), the lengths and numbers as varints.
import { NUMBER_ID, packedBytes, packIdInPlace, type StoredId, TEXT_ID, unpackIdBytes } from "./activity-id.js";

const FORM_MASK = 0x03;
const NUMBER_FORM = 0;
const BYTES_FORM = 1;
const TEXT_FORM = 2;
const WIDE_TIME = 0x04;
/** The latest time six bytes hold (ms from 1970: about year 10889); before 1970 or later is a double. */
const MAX_NARROW_MS = 2 ** 48 - 1;

/** One entry of a history, as `readEntry` finds it: where its id lies, and its time and detail. */
export interface HistoryEntry {
  /** The entry's first byte (its head) and the byte after its last. */
  start: number;
  end: number;
  form: number;
  idStart: number;
  idEnd: number;
  ms: number;
  detail: number;
}

/** Reads the entry of `history` at `at` into `entry` (reused, so a whole history's walk makes no objects). */
export function readEntry(history: Buffer, at: number, entry: HistoryEntry): void {
  entry.start = at;
  const head = history[at++]!;
  entry.form = head & FORM_MASK;
  const length = varintAt(history, at);
  at = varintEnd;
  entry.idStart = at;
  at += length;
  entry.idEnd = at;
  if (head & WIDE_TIME) {
    entry.ms = history.readDoubleBE(at);
    at += 8;
  } else {
    entry.ms =
      ((history[at]! << 8) | history[at + 1]!) * 0x1_0000_0000 +
      ((history[at + 2]! << 24) >>> 0) +
      ((history[at + 3]! << 16) | (history[at + 4]! << 8) | history[at + 5]!);
    at += 6;
  }
  entry.detail = varintAt(history, at);
  entry.end = varintEnd;
}

/** Where the last varint `varintAt` read ends. */
let varintEnd = 0;

/**
 * The varint at `at`, its end left in `varintEnd`. Lengths and details below 128 are one byte (most ids,
 * and the details of all but the largest portals): read without the loop.
 */
function varintAt(bytes: Buffer, at: number): number {
  const first = bytes[at++]!;
  if (first < 0x80) {
    varintEnd = at;
    return first;
  }
  let value = first & 0x7f;
  let shift = 0x80;
  for (;;) {
    const b = bytes[at++]!;
    value += (b & 0x7f) * shift;
    shift *= 0x80;
    if (b < 0x80) break;
  }
  varintEnd = at;
  return value;
}

export function emptyEntry(): HistoryEntry {
  return { start: 0, end: 0, form: 0, idStart: 0, idEnd: 0, ms: 0, detail: 0 };
}

/** An entry's id as it was given. */
export function entryId(history: Buffer, entry: HistoryEntry): string {
  if (entry.form === NUMBER_FORM) {
    let n = 0;
    for (let i = entry.idStart; i < entry.idEnd; i++) n = n * 256 + history[i]!;
    return String(n);
  }
  if (entry.form === BYTES_FORM) return unpackIdBytes(history, entry.idStart, entry.idEnd);
  return history.toString("utf8", entry.idStart, entry.idEnd);
}

/** Entries of the history being compacted: where each starts, and whether a later one replaces it. */
const starts: number[] = [];
const replaced: boolean[] = [];
const later = emptyEntry();

/**
 * `history` with one entry per id, the last (a later read replaces an earlier one), less those before
 * `beforeMs`, and its oldest time; null when nothing is left. A history that loses nothing is given
 * back as it is: most hold each id once, which a byte comparison of their few ids tells without a map.
 */
export function compacted(history: Buffer, beforeMs: number): { oldestMs: number; history: Buffer } | null {
  const entry = emptyEntry();
  starts.length = 0;
  for (let at = 0; at < history.length; at = entry.end) {
    starts.push(at);
    readEntry(history, at, entry);
  }
  markReplaced(history);
  let oldestMs = Infinity;
  let dropped = false;
  for (let k = 0; k < starts.length; k++) {
    readEntry(history, starts[k]!, entry);
    if (replaced[k] || entry.ms < beforeMs) dropped = true;
    else if (entry.ms < oldestMs) oldestMs = entry.ms;
  }
  if (!dropped) return { oldestMs, history };
  const out = compacting;
  for (let k = 0; k < starts.length; k++) {
    readEntry(history, starts[k]!, entry);
    if (!replaced[k] && entry.ms >= beforeMs) out.copy(history, entry.start, entry.end);
  }
  return out.size() === 0 ? null : { oldestMs, history: out.cut() };
}

/** Sets `replaced[k]` for each entry of `starts` whose id a later entry holds too. */
function markReplaced(history: Buffer): void {
  const n = starts.length;
  replaced.length = n;
  replaced.fill(false);
  const entry = emptyEntry();
  if (n > 32) {
    // Many entries: a map of their ids, each pointing at its last.
    const last = new Map<string, number>();
    const keys: string[] = [];
    for (let k = 0; k < n; k++) {
      readEntry(history, starts[k]!, entry);
      keys.push(`${entry.form}${history.toString("latin1", entry.idStart, entry.idEnd)}`);
      last.set(keys[k]!, k);
    }
    for (let k = 0; k < n; k++) replaced[k] = last.get(keys[k]!) !== k;
    return;
  }
  for (let k = 0; k < n; k++) {
    readEntry(history, starts[k]!, entry);
    for (let j = k + 1; j < n && !replaced[k]; j++) {
      readEntry(history, starts[j]!, later);
      replaced[k] = sameId(history, entry, later);
    }
  }
}

/** Whether two entries of one history are of the same id (compared byte by byte: ids are a few bytes). */
function sameId(history: Buffer, a: HistoryEntry, b: HistoryEntry): boolean {
  const length = a.idEnd - a.idStart;
  if (a.form !== b.form || b.idEnd - b.idStart !== length) return false;
  for (let i = 0; i < length; i++) if (history[a.idStart + i] !== history[b.idStart + i]) return false;
  return true;
}

/**
 * Migration 40's aggregate (`leadloop_pack_history`, connection.ts): an owner's rows as the table kept
 * them before (id packed as a number, bytes or text; time; detail), one history.
 */
export const packHistoryRows = {
  varargs: true,
  start: (): HistoryWriter => new HistoryWriter(),
  // better-sqlite3 types a step's arguments as the state's type: the row's three are read as SQLite gives them.
  step: (writer: HistoryWriter, ...row: unknown[]): void => {
    const [id, ms, detail] = row as [StoredId, number | bigint, number | bigint];
    writer.append(id, Number(ms), Number(detail));
  },
  result: (writer: HistoryWriter): Buffer => writer.cut(),
};

/** Histories being written: one growing buffer, entries appended and copied, each history cut out whole. */
export class HistoryWriter {
  private bytes = Buffer.allocUnsafe(4096);
  private length = 0;

  /** How many bytes are written. */
  size(): number {
    return this.length;
  }

  /** A copy of the bytes written, and the writer emptied. */
  cut(): Buffer {
    const out = Buffer.from(this.bytes.subarray(0, this.length));
    this.length = 0;
    return out;
  }

  /**
   * The bytes written, not copied, and the writer emptied: a view valid as long as the caller holds it
   * (bytes written later go after it, or into a larger buffer, never over it), for a batch's histories
   * to be bound to its statements without a copy each.
   */
  take(): Buffer {
    const out = this.bytes.subarray(0, this.length);
    this.bytes = this.bytes.subarray(this.length);
    this.length = 0;
    if (this.bytes.length < 1024) this.bytes = Buffer.allocUnsafe(64 * 1024);
    return out;
  }

  /** Appends an activity by its id as given (packed as packId packs it, without its copy). */
  appendActivity(id: string, ms: number, detail: number): void {
    const length = packIdInPlace(id);
    if (length === NUMBER_ID) this.appendNumber(Number(id), ms, detail);
    else if (length === TEXT_ID) {
      const bytes = Buffer.from(id, "utf8");
      this.appendBytes(TEXT_FORM, bytes, bytes.length, ms, detail);
    }
    else this.appendBytes(BYTES_FORM, packedBytes(), length, ms, detail);
  }

  /** Appends an activity by its id as the table kept it before migration 40 (a number, packed bytes or text). */
  append(id: StoredId, ms: number, detail: number): void {
    if (typeof id === "bigint" || typeof id === "number") this.appendNumber(Number(id), ms, detail);
    else if (typeof id === "string") {
      const bytes = Buffer.from(id, "utf8");
      this.appendBytes(TEXT_FORM, bytes, bytes.length, ms, detail);
    } else this.appendBytes(BYTES_FORM, id, id.length, ms, detail);
  }

  /** Appends bytes of another history as they are (its entries kept). */
  copy(from: Buffer, start: number, end: number): void {
    this.ensure(end - start);
    from.copy(this.bytes, this.length, start, end);
    this.length += end - start;
  }

  /** A canonical number (at most 15 digits) in as few big-endian bytes as it needs. */
  private appendNumber(n: number, ms: number, detail: number): void {
    let width = 0;
    for (let m = n; m > 0; m = Math.floor(m / 256)) width++;
    this.ensure(2 + width + ENTRY_TAIL);
    this.bytes[this.length++] = NUMBER_FORM | timeFlag(ms);
    this.bytes[this.length++] = width;
    for (let k = width - 1; k >= 0; k--) {
      this.bytes[this.length + k] = n % 256;
      n = Math.floor(n / 256);
    }
    this.length += width;
    this.appendTail(ms, detail);
  }

  /** An id's first `length` bytes, copied by hand: most ids are a few bytes, under a native copy's cost. */
  private appendBytes(form: number, bytes: Buffer, length: number, ms: number, detail: number): void {
    this.ensure(1 + 5 + length + ENTRY_TAIL);
    const out = this.bytes;
    out[this.length++] = form | timeFlag(ms);
    this.varint(length);
    for (let k = 0; k < length; k++) out[this.length + k] = bytes[k]!;
    this.length += length;
    this.appendTail(ms, detail);
  }

  private appendTail(ms: number, detail: number): void {
    const out = this.bytes;
    if (timeFlag(ms) === 0) {
      // Six bytes: the high 16 bits, then the low 32.
      const high = Math.floor(ms / 0x1_0000_0000);
      const low = ms - high * 0x1_0000_0000;
      out[this.length] = high >>> 8;
      out[this.length + 1] = high & 0xff;
      out[this.length + 2] = low >>> 24;
      out[this.length + 3] = (low >>> 16) & 0xff;
      out[this.length + 4] = (low >>> 8) & 0xff;
      out[this.length + 5] = low & 0xff;
      this.length += 6;
    } else {
      out.writeDoubleBE(ms, this.length);
      this.length += 8;
    }
    this.varint(detail);
  }

  private varint(n: number): void {
    while (n >= 0x80) {
      this.bytes[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.bytes[this.length++] = n;
  }

  private ensure(more: number): void {
    if (this.length + more <= this.bytes.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + more));
    this.bytes.copy(larger, 0, 0, this.length);
    this.bytes = larger;
  }
}

/** Room an entry's time and detail take at most. */
const ENTRY_TAIL = 8 + 8;

/** 0 for a time kept in six bytes (a whole number of ms from 1970 to about 10889), WIDE_TIME otherwise. */
function timeFlag(ms: number): number {
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_NARROW_MS ? 0 : WIDE_TIME;
}

/** The writer `compacted` puts each history together in (its result is a copy): made once, after its class. */
const compacting = new HistoryWriter();
