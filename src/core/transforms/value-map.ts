// `value_map`: translates picklist values. The map is written marketing value → CRM value; going to
// marketing it is read backwards (plus `readBack`, extra CRM values that also land on a marketing value).
// A value the map does not cover is an error naming the value and the allowed ones, never a silent drop.
import { type CompiledStep, fail, ok, quote, type StepFn } from "./result.js";

/** How many allowed values a message lists before it says "and N more". */
const LISTED = 12;

export interface ValueMapOptions {
  values: Record<string, string>;
  caseInsensitive: boolean;
  readBack?: Record<string, string>;
}

export function compileValueMap(options: ValueMapOptions): CompiledStep {
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  const key = options.caseInsensitive ? (v: string) => v.toLowerCase() : (v: string) => v;
  for (const [marketing, crm] of Object.entries(options.values)) {
    forward.set(key(marketing), crm);
    // First pair wins when read backwards; the loader refuses duplicates where the map is read backwards.
    if (!backward.has(key(crm))) backward.set(key(crm), marketing);
  }
  for (const [crm, marketing] of Object.entries(options.readBack ?? {})) {
    if (!backward.has(key(crm))) backward.set(key(crm), marketing);
  }
  const marketingValues = Object.keys(options.values);
  const crmValues = [...Object.values(options.values), ...Object.keys(options.readBack ?? {})];
  return {
    toCrm: lookup(forward, key, marketingValues),
    toMarketing: lookup(backward, key, crmValues),
  };
}

function lookup(map: Map<string, string>, key: (v: string) => string, allowed: string[]): StepFn {
  const listed = allowedList(allowed);
  return (value) => {
    const found = map.get(key(value));
    if (found !== undefined) return ok(found === "" ? null : found);
    return fail(`value ${quote(value)} is not in the value map (allowed: ${listed})`);
  };
}

function allowedList(values: readonly string[]): string {
  const unique = [...new Set(values)];
  const shown = unique.slice(0, LISTED).join(", ");
  return unique.length > LISTED ? `${shown}, and ${unique.length - LISTED} more` : shown;
}
