// Runs a field's transforms on a value travelling between the systems. Going to the CRM the steps run
// in the order written; going to marketing in reverse order, each step's inverse where it has one
// (value_map and date are read backwards; trim, case, phone and country are normalisations applied as
// they are; default turns its placeholder back into blank; truncate does nothing). A field's steps are
// prepared once and cached per FieldMapping object, so a run over 100,000 records prepares them once.
import type { FieldMapping } from "../mapping.js";
import { type FieldValue, isBlank } from "../records.js";
import { compileStep } from "./compile.js";
import { ok, type SourceRecordFields, type StepFn, type TransformResult } from "./result.js";

export type { SourceRecordFields, TransformResult } from "./result.js";

/**
 * A field's transforms, prepared: one function per direction. `source` is the record the value comes
 * from (the marketing record going to the CRM), for steps that read another of its fields.
 */
export interface CompiledField {
  toCrm(value: FieldValue, source?: SourceRecordFields): TransformResult;
  toMarketing(value: FieldValue, source?: SourceRecordFields): TransformResult;
}

interface Pass {
  steps: StepFn[];
  /** Index in `steps` → value a blank becomes there (the `default` step). */
  fills: Map<number, string>;
}

const cache = new WeakMap<FieldMapping, CompiledField>();

export function compileField(field: FieldMapping): CompiledField {
  const cached = cache.get(field);
  if (cached) return cached;
  const compiled = field.transforms.map(compileStep);
  const toCrm: Pass = { steps: [], fills: new Map() };
  for (const step of compiled) {
    if (step.fillToCrm !== undefined) toCrm.fills.set(toCrm.steps.length, step.fillToCrm);
    toCrm.steps.push(step.toCrm ?? identity);
  }
  const toMarketing: Pass = { steps: [], fills: new Map() };
  for (let i = compiled.length - 1; i >= 0; i--) {
    const step = compiled[i]!.toMarketing;
    if (step) toMarketing.steps.push(step);
  }
  const towardsCrm = `${field.marketing} → ${field.crm}`;
  const towardsMarketing = `${field.crm} → ${field.marketing}`;
  const result: CompiledField = {
    toCrm: (value, source) => run(toCrm, value, towardsCrm, source),
    toMarketing: (value, source) => run(toMarketing, value, towardsMarketing, source),
  };
  cache.set(field, result);
  return result;
}

const identity: StepFn = (value) => ok(value);
const BLANK: TransformResult = { ok: true, value: null };

function run(pass: Pass, value: FieldValue, label: string, source?: SourceRecordFields): TransformResult {
  // Blank is canonically null; blank values skip every step except a `default`.
  let current: FieldValue = isBlank(value) ? null : value;
  const { steps, fills } = pass;
  for (let i = 0; i < steps.length; i++) {
    if (current === null) {
      const fill = fills.get(i);
      if (fill === undefined) continue;
      current = fill;
      continue;
    }
    const result = steps[i]!(current, source);
    if (!result.ok) return { ok: false, message: `${label}: ${result.message}` };
    current = isBlank(result.value) ? null : result.value;
  }
  return current === null ? BLANK : ok(current);
}

/** The value as it should be written to the CRM field. */
export function applyToCrm(
  field: FieldMapping,
  value: FieldValue,
  source?: SourceRecordFields,
): TransformResult {
  return compileField(field).toCrm(value, source);
}

/** The value as it should be written to the marketing field. */
export function applyToMarketing(
  field: FieldMapping,
  value: FieldValue,
  source?: SourceRecordFields,
): TransformResult {
  return compileField(field).toMarketing(value, source);
}
