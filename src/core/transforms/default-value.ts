// `default`: a blank value going to the CRM becomes the given value (e.g. Salesforce's required
// Lead.Company). Going to marketing the step is read backwards: the placeholder itself becomes blank, so a
// "[not provided]" that leadloop put into the CRM never travels into the marketing record.
import { type CompiledStep, ok, type StepFn } from "./result.js";

export function compileDefault(value: string): CompiledStep {
  const back: StepFn = (current) => ok(current === value ? null : current);
  return { toCrm: null, toMarketing: back, fillToCrm: value };
}
