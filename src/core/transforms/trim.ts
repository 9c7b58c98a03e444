// `trim`: removes white space at both ends. It does not collapse runs of white space inside the value
// ("Acme  Corp" stays as it is): inner spacing can be meaningful (addresses, descriptions).
import { type CompiledStep, ok, type StepFn } from "./result.js";

// A value of only white space becomes blank (null), the canonical form of "no value".
const trimStep: StepFn = (value) => {
  const trimmed = value.trim();
  return ok(trimmed === "" ? null : trimmed);
};

/** A normalisation: the same in both directions. */
export function compileTrim(): CompiledStep {
  return { toCrm: trimStep, toMarketing: trimStep };
}
