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
