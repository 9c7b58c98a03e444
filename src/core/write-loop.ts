// A value that flips back and forth between runs (recycled, mql, recycled, mql ...) is two decisions
// undoing each other, not news: the outbox holds such a write and reports the loop instead of writing
// it forever (ARCHITECTURE.md "One write path").

/** Changes of one field that make a loop: the value came back twice (A, B, A, B, then A again). */
const LOOP_WRITES = 5;
/** Only flips this close together are a loop; a person recycled and re-qualified over weeks is not. */
export const LOOP_WINDOW_HOURS = 24;

/**
 * Whether a field with this many writes in the window could make a loop with one more: fewer earlier
 * values than a loop's writes less the new one cannot, so the caller need not fingerprint anything.
 */
export function mayAlternate(earlierWrites: number): boolean {
  return earlierWrites >= LOOP_WRITES - 1;
}

/**
 * The two values a field alternates between if `next` were written after `written` (oldest first), or
 * null when that write makes no loop.
 */
export function alternation(
  written: readonly (string | null)[],
  next: string | null,
): [string | null, string | null] | null {
  if (written.length > 0 && written[written.length - 1] === next) return null; // no change, no flip
  // The same value written twice in a row is no flip (two phases agreeing), so repeats fold into one.
  const seq = [...written, next].filter((v, i, all) => i === 0 || v !== all[i - 1]).slice(-LOOP_WRITES);
  if (seq.length < LOOP_WRITES) return null;
  const [a, b] = seq;
  if (a === b) return null;
  return seq.every((v, i) => v === (i % 2 === 0 ? a : b)) ? [a ?? null, b ?? null] : null;
}

/**
 * Written values longer than this are kept and compared as their fingerprint: the loop hold only asks
 * whether two values are equal, and a score's reasons or an activity summary (hundreds of characters on
 * every scored contact) would otherwise be most of what the store keeps for it.
 */
export const LOOP_VALUE_KEPT_CHARS = 40;

const FINGERPRINT = /^⟨(\d+) chars #([0-9a-f]{16})⟩$/;

/** A long value's fingerprint: its length and 64-bit hash. */
export type Fingerprint = [length: number, hash: string];

/**
 * The form a written value is kept and compared in: itself up to LOOP_VALUE_KEPT_CHARS, else
 * `⟨<length> chars #<64-bit hash>⟩`, which is shorter than the limit, so a fingerprint is its own form.
 */
export function loopValue(value: string | null): string | null {
  const kept = loopValueParts(value);
  return Array.isArray(kept) ? fingerprintText(kept) : kept;
}

/**
 * `loopValue` before it is made text: the value itself, or a long one's fingerprint, for a store that
 * keeps a fingerprint as its two parts (it need not make the text and read it back).
 */
export function loopValueParts(value: string | null): string | null | Fingerprint {
  if (value === null || value.length <= LOOP_VALUE_KEPT_CHARS) return value;
  return [value.length, hash64(value)];
}

/** A fingerprint as `loopValue` writes it. */
export function fingerprintText([length, hash]: Fingerprint): string {
  return `⟨${length} chars #${hash}⟩`;
}

/** A kept value's fingerprint when it is one (its text was not kept); else null. */
export function fingerprintOf(value: string | null): Fingerprint | null {
  const match = value === null ? null : FINGERPRINT.exec(value);
  return match ? [Number(match[1]), match[2]!] : null;
}

/** The length of the text a kept value stands for when it is a fingerprint (its text was not kept); else null. */
export function fingerprintedLength(value: string | null): number | null {
  return fingerprintOf(value)?.[0] ?? null;
}

/** Two independent 32-bit FNV-1a style hashes over the UTF-16 units, as 16 hex digits. */
export function hash64(text: string): string {
  return new Hash64().add(text).digest();
}

/**
 * `hash64` of texts given one after another, as of their concatenation: a key made of many values
 * (core/scoring/steady-score.ts) is hashed without making the text they join into.
 */
export class Hash64 {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;

  add(text: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    this.a = a;
    this.b = b;
    return this;
  }

  digest(): string {
    return (this.a >>> 0).toString(16).padStart(8, "0") + (this.b >>> 0).toString(16).padStart(8, "0");
  }
}
