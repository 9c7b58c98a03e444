// An activity's id (and a mark's person id) as the behaviour cache keeps it: whole, since it is more than a key within its owner
// (the key of the CRM task a handoff writes for it, `leadloop:activity:<id>`, which must come back the
// same to be found again), but packed. A decimal number is an INTEGER; an id of printable ASCII is a BLOB
// of tokens: the prefixes leadloop itself gives ids (`email:`, `form:`, `page-views:`), a lowercase GUID
// as its 16 bytes (HubSpot's conversion and event ids are GUID-shaped), a run of three or more lowercase
// hex digits (decimal ones included) two to a byte, any other character as itself. Anything else stays
// TEXT. One id always packs the same way, so the table's key still finds an activity read again.

const PREFIXES = ["email:", "form:", "page-views:"] as const;
/** Token bytes: 1..3 a prefix, GUID_TOKEN a GUID, 0x20..0x7e the character, RUN_TOKEN | n a hex run of n. */
const GUID_TOKEN = 0x04;
const RUN_TOKEN = 0x80;
const MAX_RUN = 0x7f;
const GUID_GROUPS = [8, 4, 4, 4, 12];

/** As written: a number is a bigint, which SQLite is given as an INTEGER (a JS number would be a REAL). */
export type PackedId = bigint | string | Buffer;
/** As read back: SQLite's INTEGER comes back as a number. */
export type StoredId = number | bigint | string | Buffer;

/**
 * The bytes of the id being packed and how many so far: one buffer for every id (a first load's bulk
 * events read packs tens of thousands), each id's bytes copied out of it; a growing array of numbers,
 * and a GUID's text without its dashes, were made for each before.
 */
let packing = Buffer.alloc(64);
let packingLength = 0;

export function packId(id: string): PackedId {
  const length = packIdInPlace(id);
  if (length === NUMBER_ID) return BigInt(id);
  if (length === TEXT_ID) return id;
  return Buffer.from(packing.subarray(0, length));
}

/** `packIdInPlace` of an id packId gives as a number (a canonical decimal one), or as its text. */
export const NUMBER_ID = -1;
export const TEXT_ID = -2;

/**
 * packId without its copy: the packed bytes' length, left at the start of `packedBytes()` until the next
 * id is packed, or NUMBER_ID or TEXT_ID (an owner's history, behaviour-history.ts, copies the bytes itself).
 */
export function packIdInPlace(id: string): number {
  if (isCanonicalNumber(id)) return NUMBER_ID;
  // An id packs into at most as many bytes as it has characters (a prefix, GUID or hex run into fewer).
  if (packing.length < id.length) packing = Buffer.alloc(id.length * 2);
  packingLength = 0;
  let i = 0;
  while (i < id.length) {
    const c = id.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return TEXT_ID;
    const prefix = prefixAt(id, i);
    if (prefix >= 0) {
      packing[packingLength++] = prefix + 1;
      i += PREFIXES[prefix]!.length;
      continue;
    }
    if (isGuidAt(id, i)) {
      packing[packingLength++] = GUID_TOKEN;
      // The 32 hex digits, the dashes (at 8, 13, 18 and 23) left out.
      let high = -1;
      for (let k = i; k < i + 36; k++) {
        const v = hexValue(id.charCodeAt(k));
        if (v < 0) continue;
        if (high < 0) high = v;
        else {
          packing[packingLength++] = (high << 4) | v;
          high = -1;
        }
      }
      i += 36;
      continue;
    }
    let run = 0;
    while (run < MAX_RUN && i + run < id.length && hexValue(id.charCodeAt(i + run)) >= 0) run++;
    if (run >= 3) {
      packing[packingLength++] = RUN_TOKEN | run;
      for (let k = 0; k < run; k += 2) {
        const high = hexValue(id.charCodeAt(i + k));
        const low = k + 1 < run ? hexValue(id.charCodeAt(i + k + 1)) : 0;
        packing[packingLength++] = (high << 4) | low;
      }
      i += run;
      continue;
    }
    packing[packingLength++] = c;
    i++;
  }
  return packingLength;
}

/** The buffer `packIdInPlace` leaves its bytes in. */
export function packedBytes(): Buffer {
  return packing;
}

/** The index of the prefix `id` has at `at`, or -1. */
function prefixAt(id: string, at: number): number {
  for (let p = 0; p < PREFIXES.length; p++) if (id.startsWith(PREFIXES[p]!, at)) return p;
  return -1;
}

/** The characters of the id being unpacked (ids are printable ASCII: a byte each) and how many so far. */
let unpacked = Buffer.alloc(64);
let unpackedLength = 0;
/** Each prefix token's characters, as bytes. */
const PREFIX_BYTES = PREFIXES.map((p) => Buffer.from(p, "latin1"));
/** A lowercase hex digit's character code, by its value. */
const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");

export function unpackId(stored: StoredId): string {
  if (typeof stored === "number" || typeof stored === "bigint") return String(stored);
  if (typeof stored === "string") return stored;
  return unpackBytes(stored, 0, stored.length);
}

/**
 * `unpackId` of a packed id held at `from` to `to` of a larger buffer (an owner's history,
 * behaviour-history.ts), read where it lies rather than copied out first.
 */
export function unpackIdBytes(bytes: Buffer, from: number, to: number): string {
  return unpackBytes(bytes, from, to);
}

function unpackBytes(stored: Buffer, from: number, to: number): string {
  // The characters go into one buffer and become a string once: a string per character cost a scoring
  // read (every activity's id is unpacked) more than its SQL.
  unpackedLength = 0;
  let i = from;
  while (i < to) {
    const b = stored[i]!;
    if (b >= 1 && b <= PREFIXES.length) {
      for (const c of PREFIX_BYTES[b - 1]!) putChar(c);
      i++;
    } else if (b === GUID_TOKEN) {
      let from = i + 1;
      for (const [g, n] of GUID_GROUPS.entries()) {
        if (g > 0) putChar(0x2d);
        putNibbles(stored, from, n);
        from += n / 2;
      }
      i += 17;
    } else if (b & RUN_TOKEN) {
      const run = b & MAX_RUN;
      putNibbles(stored, i + 1, run);
      i += 1 + Math.ceil(run / 2);
    } else {
      putChar(b);
      i++;
    }
  }
  return unpacked.toString("latin1", 0, unpackedLength);
}

function putChar(code: number): void {
  if (unpackedLength === unpacked.length) {
    const larger = Buffer.alloc(unpacked.length * 2);
    unpacked.copy(larger);
    unpacked = larger;
  }
  unpacked[unpackedLength++] = code;
}

/** `count` hex digits from the nibbles of `bytes` at `from`, high nibble first. */
function putNibbles(bytes: Buffer, from: number, count: number): void {
  for (let k = 0; k < count; k++) {
    const byte = bytes[from + (k >> 1)]!;
    putChar(HEX_DIGITS[(k & 1) === 0 ? byte >> 4 : byte & 0x0f]!);
  }
}

/** A decimal number as JavaScript prints it back: no sign, no leading zero, exactly representable. */
function isCanonicalNumber(text: string): boolean {
  if (text.length === 0 || text.length > 15) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return text.length === 1 || text.charCodeAt(0) !== 0x30;
}

/** `contact:<id>` of a contact id that is a canonical number, as that number; null otherwise. */
export function contactNumber(ownerKey: string): number | null {
  if (!ownerKey.startsWith("contact:")) return null;
  const id = ownerKey.slice(8);
  return isCanonicalNumber(id) ? Number(id) : null;
}

function isGuidAt(text: string, at: number): boolean {
  if (text.length - at < 36) return false;
  let i = at;
  for (let g = 0; g < GUID_GROUPS.length; g++) {
    if (g > 0 && text.charCodeAt(i++) !== 0x2d) return false;
    for (let k = 0; k < GUID_GROUPS[g]!; k++) if (hexValue(text.charCodeAt(i++)) < 0) return false;
  }
  return true;
}

/** 0..15 for a lowercase hex digit, -1 otherwise (upper case is kept as characters: it must read back as it was). */
function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

