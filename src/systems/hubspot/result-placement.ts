// Which input of a batch write each result answers. HubSpot promises no order for a batch's results
// ("The results array is returned in a random order … The issue on API side we can't fix":
// HubSpot/hubspot-api-nodejs #190), and the v3 batch references do not promise that a result echoes its
// input's `objectWriteTraceId` (the field is optional on the result object). A result is placed by its
// trace id when it carries one, else by what identifies it (the record id of an update, the idProperty
// value of an upsert, the key property of a keyed create), else by the values it was written with: a
// batch result carries the properties its input set. Never by position.
import { hubspotInstantMs } from "./instants.js";
import { fromHubspotValue } from "./values.js";
import type { SimpleObject } from "./schemas.js";

export interface PlacedInput {
  /** The input's objectWriteTraceId. */
  traceId: string;
  /** What names the record in a result: its id (update), or the value of `keyProperty`. */
  key: string | undefined;
  /** The property holding `key` in a result (upsert's idProperty, a keyed create's key); undefined: the id. */
  keyProperty: string | undefined;
  /** The properties the input wrote, as sent. */
  properties: Readonly<Record<string, string>>;
  /**
   * The input's associations as sent (JSON text). A result does not show them, so two inputs that wrote
   * the same values to records associated with different ones are not interchangeable: neither is placed.
   */
  associations: string;
}

/**
 * Results by the position of the input each answers, among `open` positions (those no error named).
 * A result that matches no open input, or could be either of two inputs that wrote different values, is
 * left out: its input gets no outcome rather than another input's record.
 */
export function placeResults(
  inputs: readonly PlacedInput[],
  open: ReadonlySet<number>,
  results: readonly SimpleObject[],
): Map<number, SimpleObject> {
  const placed = new Map<number, SimpleObject>();
  const free = new Set(open);
  const names = new InputNames(inputs, free);
  let pending: SimpleObject[] = [];
  for (const result of results) {
    const p = names.of(result);
    if (p === undefined) pending.push(result);
    else {
      placed.set(p, result);
      free.delete(p);
    }
  }
  // By values: a result whose written values only one free input agrees with is that input's; placing it
  // can leave another result with one candidate, so this repeats until nothing more is placed.
  for (let progress = true; progress && pending.length > 0; ) {
    progress = false;
    const still: SimpleObject[] = [];
    for (const result of pending) {
      const candidates = [...free].filter((p) => agrees(inputs[p]!.properties, result.properties));
      const alike = candidates.every((p) => sameWrite(inputs[p]!, inputs[candidates[0]!]!));
      // Inputs that wrote the same values (and associations) are interchangeable: either record holds what
      // each asked for.
      if (candidates.length > 0 && alike) {
        placed.set(candidates[0]!, result);
        free.delete(candidates[0]!);
        progress = true;
      } else still.push(result);
    }
    pending = still;
  }
  // One result left for one input: nothing else it can be (a value HubSpot stored in another form).
  if (pending.length === 1 && free.size === 1) placed.set([...free][0]!, pending[0]!);
  return placed;
}

/**
 * The open inputs by what names them: the first input of each trace id, and the inputs of each key (loose,
 * by the property that holds it), in the open set's order. Made once per batch: HubSpot's results echo no trace id
 * and come in no order, and a search of every free input per result, each key lower-cased again, made
 * placing a batch of 100 cost 5,000 comparisons.
 */
class InputNames {
  private readonly traceIds = new Map<string, number>();
  /** keyProperty (undefined: the record id) → loose key → positions, in the order of `free`. */
  private readonly keys = new Map<string | undefined, Map<string, number[]>>();
  /** Each free position's place in `free`: of two inputs a result names, the earlier one is its. */
  private readonly order = new Map<number, number>();

  constructor(
    inputs: readonly PlacedInput[],
    private readonly free: ReadonlySet<number>,
  ) {
    inputs.forEach((input, p) => {
      if (!this.traceIds.has(input.traceId)) this.traceIds.set(input.traceId, p);
    });
    for (const p of free) {
      this.order.set(p, this.order.size);
      const input = inputs[p]!;
      if (input.key === undefined) continue;
      let keys = this.keys.get(input.keyProperty);
      if (!keys) this.keys.set(input.keyProperty, (keys = new Map()));
      const key = loose(input.key);
      const positions = keys.get(key);
      if (positions) positions.push(p);
      else keys.set(key, [p]);
    }
  }

  /** The free input `result` names: by its trace id, else the first free one whose key it holds. */
  of(result: SimpleObject): number | undefined {
    if (result.objectWriteTraceId !== undefined) {
      const p = this.traceIds.get(result.objectWriteTraceId);
      if (p !== undefined && this.free.has(p)) return p;
    }
    // The inputs of one key property are usually all (an update's id, an upsert's idProperty).
    let first: number | undefined;
    for (const [by, keys] of this.keys) {
      const named = by === undefined ? result.id : result.properties[by];
      if (named === undefined || named === null) continue;
      const positions = keys.get(loose(String(named)));
      const p = positions?.find((q) => this.free.has(q));
      if (p !== undefined && (first === undefined || this.order.get(p)! < this.order.get(first)!)) first = p;
    }
    return first;
  }
}

/** True when no property the input wrote holds another value in the result (one it left out is no proof). */
function agrees(written: Readonly<Record<string, string>>, stored: SimpleObject["properties"]): boolean {
  for (const [name, value] of Object.entries(written)) {
    if (!(name in stored)) continue;
    if (!sameValue(value, stored[name])) return false;
  }
  return true;
}

function sameWrite(a: PlacedInput, b: PlacedInput): boolean {
  const names = Object.keys(a.properties);
  return (
    a.associations === b.associations &&
    names.length === Object.keys(b.properties).length &&
    names.every((n) => sameValue(a.properties[n] ?? "", b.properties[n]))
  );
}

/**
 * The value written and the value HubSpot answered name the same thing: ignoring case and outer spaces
 * (emails are stored lower-cased), as numbers (`17` and `17.0`), or as instants (a date-time written as
 * ISO-8601 may come back as epoch milliseconds, as the batch references' examples show).
 */
function sameValue(written: string, stored: string | number | boolean | null | undefined): boolean {
  const a = fromHubspotValue(written);
  const b = fromHubspotValue(stored);
  if (a === null || b === null) return a === b;
  if (loose(a) === loose(b)) return true;
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== "" && b.trim() !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na === nb;
  const ta = instant(a);
  const tb = instant(b);
  return ta !== undefined && ta === tb;
}

/** An instant as HubSpot reads one (instants.ts); digits count only from 11 on, so `17` stays a number. */
function instant(text: string): number | undefined {
  if (/^\d{1,10}$/.test(text)) return undefined;
  const ms = hubspotInstantMs(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function loose(text: string): string {
  return text.trim().toLowerCase();
}
