// What the behaviour cache keeps of the signals a contact showed when its behaviour was last read
// (ARCHITECTURE.md, "Behaviour on every tier"): the reader only asks whether each part of them moved, and,
// below Enterprise, how many page views the contact showed then; so a mark holds one fingerprint per part
// and that count, not the values themselves.

export const SIGNAL_PARTS = ["web", "forms", "email"] as const;
export type SignalPart = (typeof SIGNAL_PARTS)[number];

/** A signal part's text that no reader's part ever is (theirs are JSON arrays): a part an old mark lacked. */
export const MISSING_PART = "";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/**
 * A part's fingerprint: 32-bit FNV-1a of its text (the JSON array of the part's values). Two texts that
 * differ in one character never share one; any other two share one once in about four billion, which
 * costs a contact's read being put off until its signals next move, never a wrong score.
 */
export function signalFingerprint(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/**
 * `signalFingerprint(JSON.stringify(values))`, the text never made: each character JSON.stringify would
 * write is hashed as it comes. A reader fingerprints three parts of every contact it reads (10,000 at a
 * first load of 10,000), and the texts were made for nothing else. JSON.stringify's escapes (ECMA-262,
 * QuoteJSONString): `"` and `\` after a backslash, backspace, form feed, newline, return and tab as
 * `\b \f \n \r \t`, any other code unit below 0x20 or a surrogate not in a pair as `\u` and four
 * lowercase hex digits.
 */
export function valuesFingerprint(values: readonly (string | null)[]): number {
  let hash = hashCode(FNV_OFFSET, 0x5b); // [
  for (let v = 0; v < values.length; v++) {
    if (v > 0) hash = hashCode(hash, 0x2c); // ,
    const value = values[v];
    if (value === null || value === undefined) {
      hash = hashText(hash, "null");
      continue;
    }
    hash = hashCode(hash, 0x22);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0xd800 || c > 0xdfff)) hash = hashCode(hash, c);
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
        hash = hashCode(hashCode(hash, c), value.charCodeAt(i + 1));
        i++;
      } else hash = hashText(hash, escaped(c));
    }
    hash = hashCode(hash, 0x22);
  }
  return hashCode(hash, 0x5d) >>> 0; // ]
}

function hashCode(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

function hashText(hash: number, text: string): number {
  for (let i = 0; i < text.length; i++) hash = hashCode(hash, text.charCodeAt(i));
  return hash;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = { 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f", 0x0d: "\\r", 0x22: '\\"', 0x5c: "\\\\" };

/** How JSON.stringify writes a code unit it escapes. */
function escaped(c: number): string {
  return SHORT_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, "0")}`;
}
