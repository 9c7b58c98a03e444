// The value a transform step returns: the converted value, or a message saying why this value cannot be
// converted. A failure is an error on that record, never a silent drop.
import type { FieldValue } from "../records.js";

export type TransformResult = { ok: true; value: FieldValue } | { ok: false; message: string };

/**
 * The record a value travels from: the side it was read on and that record's fields, for a step whose
 * reading depends on another field (a phone number read in the record's country).
 */
export interface SourceRecordFields {
  side: "marketing" | "crm";
  fields: Readonly<Record<string, FieldValue | undefined>>;
}

/** One step working on a non-blank value; blank values pass around it (see `CompiledStep.fill`). */
export type StepFn = (value: string, source?: SourceRecordFields) => TransformResult;

/** A transform step prepared once per mapping, with its function for each direction. */
export interface CompiledStep {
  /** Going to the CRM; null when the step does nothing that way. */
  toCrm: StepFn | null;
  /** Going to marketing (the steps run in reverse order); null when the step does nothing that way. */
  toMarketing: StepFn | null;
  /** What a blank value becomes going to the CRM (only `default`); undefined: blank stays blank. */
  fillToCrm?: string;
}

export const ok = (value: FieldValue): TransformResult => ({ ok: true, value });
export const fail = (message: string): TransformResult => ({ ok: false, message });

/** Quotes a value for a message, cut so a 10 kB description does not flood the error queue. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

/** A step that fails every value: what a transform the loader should have refused compiles to. */
export function broken(message: string): CompiledStep {
  const step: StepFn = () => fail(message);
  return { toCrm: step, toMarketing: step };
}
