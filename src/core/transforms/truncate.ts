// `truncate`: cuts a value to N characters as Salesforce counts them, UTF-16 code units: a character
// outside the Basic Multilingual Plane (an emoji, a rare kanji) counts as two ("Surrogate Pair Characters
// Are Treated as Two Characters", Salesforce Help 005166849), so a cut by code points could still be
// refused as STRING_TOO_LONG. The cut never splits such a pair: a character that does not fit whole is
// left out. Applies only going to the CRM: what was cut cannot be restored, and the longer marketing value
// should not be shortened by the round trip.
import { textWithin } from "../text/within.js";
import { type CompiledStep, ok, type StepFn } from "./result.js";

export function compileTruncate(length: number): CompiledStep {
  const step: StepFn = (value) => ok(textWithin(value, length, ""));
  return { toCrm: step, toMarketing: null };
}
