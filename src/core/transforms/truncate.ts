// `truncate`: cuts a value to N characters, counting code points so an emoji or an accented letter
// written as one code point is never split in half. Applies only going to the CRM: what was cut cannot
// be restored, and the longer marketing value should not be shortened by the round trip.
import { type CompiledStep, ok, type StepFn } from "./result.js";

export function compileTruncate(length: number): CompiledStep {
  const step: StepFn = (value) => {
    // Fast path: UTF-16 length is an upper bound of the code point count.
    if (value.length <= length) return ok(value);
    const points = Array.from(value);
    return ok(points.length <= length ? value : points.slice(0, length).join(""));
  };
  return { toCrm: step, toMarketing: null };
}
