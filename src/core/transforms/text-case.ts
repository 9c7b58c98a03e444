// `case`: lower, upper or title case, locale-independent (toUpperCase, not toLocaleUpperCase, so the
// result does not depend on the server's locale).
//
// Title case upper-cases the first letter of each word and lower-cases the rest. A word starts after
// white space, a hyphen or other punctuation, so "josé maría o'brien-núñez" becomes
// "José María O'Brien-Núñez". After an apostrophe a letter is capitalised only when one letter precedes
// it (O'Brien, D'Angelo, L'Oréal), so "don't" stays "Don't". Deliberately simple: no Mc/Mac/van/de rules,
// so "McDONALD" becomes "Mcdonald" and "van der Berg" becomes "Van Der Berg"; map such fields without
// title case if that matters. A word starting with a letter that has no one-letter capital ("ß") keeps it.
import type { TextCase } from "../mapping.js";
import { type CompiledStep, ok, type StepFn } from "./result.js";

const LETTER = /[\p{L}]/u;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;
const APOSTROPHES = new Set(["'", "’"]);

export function titleCase(value: string): string {
  const chars = Array.from(value.toLowerCase());
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (!LETTER.test(ch)) continue;
    if (!startsWord(chars, i)) continue;
    // "ß" upper-cases to "SS", which a second pass would turn into "Ss": a letter without a one-letter
    // capital stays as it is, so title case applied twice gives what it gave once.
    const upper = ch.toUpperCase();
    if (Array.from(upper).length === 1) chars[i] = upper;
  }
  return chars.join("");
}

function startsWord(chars: readonly string[], i: number): boolean {
  if (i === 0) return true;
  const prev = chars[i - 1]!;
  if (APOSTROPHES.has(prev)) {
    // O'Brien: exactly one letter, itself at a word start, before the apostrophe.
    return i >= 2 && LETTER.test(chars[i - 2]!) && (i === 2 || !WORD_CHAR.test(chars[i - 3]!));
  }
  return !WORD_CHAR.test(prev);
}

const STEPS: Record<TextCase, StepFn> = {
  lower: (value) => ok(value.toLowerCase()),
  upper: (value) => ok(value.toUpperCase()),
  title: (value) => ok(titleCase(value)),
};

/** A normalisation: the same in both directions. */
export function compileCase(to: TextCase): CompiledStep {
  const step = STEPS[to];
  return { toCrm: step, toMarketing: step };
}
