// The field-level three-way merge of one linked pair of records. For each mapped field it compares
// each side's current value with that side's snapshot (what leadloop last read or wrote there, so its own
// writes are not changes: no echo) and decides: a change on one side travels if the direction allows,
// a change on both sides is a conflict settled by the field's rule, a first sync fills blanks, and a
// record not yet created gets every field that travels to it. Pure; a mapping's transforms are prepared
// once (compileMapping) because the engine runs this over every changed record of a run.
import type { FieldMapping, ObjectMapping } from "../mapping.js";
import { type FieldValue, hasNoFields, type SourceRecord } from "../records.js";
import { type CompiledField, compileField } from "../transforms/apply.js";
import type { SourceRecordFields, TransformResult } from "../transforms/result.js";
import { conflictWinner } from "./conflict-rule.js";
import { snapshotsByField } from "./snapshots-by-field.js";
import {
  type Conflict,
  type ConflictTime,
  type FieldDecision,
  fieldKey,
  type MergeAction,
  type MergeInput,
  type MergeResult,
  type Side,
  type SnapshotPair,
} from "./types.js";

/** One field mapping, prepared: its key, its transforms and which ways it may travel. */
export interface CompiledFieldMapping {
  field: FieldMapping;
  key: string;
  transforms: CompiledField;
  writesCrm: boolean;
  writesMarketing: boolean;
  /**
   * The pair's match key (`match:`, the email or domain): a record's identity on its side, which a blank
   * from the other side never replaces (`keepsMatchKey`).
   */
  matchKey: boolean;
  /** The decision for a field unchanged on both sides, the usual one: made once, shared (frozen). */
  unchanged: Readonly<FieldDecision>;
}

export interface CompiledMapping {
  mapping: ObjectMapping;
  fields: readonly CompiledFieldMapping[];
  /** The fields by key: a decision names its field by key, and a look-up must not scan the list. */
  byKey: ReadonlyMap<string, CompiledFieldMapping>;
}

const compiledMappings = new WeakMap<ObjectMapping, CompiledMapping>();

/** Prepares a mapping once; the result is cached per mapping object, so calling it again is cheap. */
export function compileMapping(mapping: ObjectMapping): CompiledMapping {
  const cached = compiledMappings.get(mapping);
  if (cached) return cached;
  const fields = mapping.fields.map((field) => {
    const key = fieldKey(field);
    return {
      field,
      key,
      transforms: compileField(field),
      writesCrm: field.direction === "to_crm" || field.direction === "both",
      writesMarketing: field.direction === "to_marketing" || field.direction === "both",
      matchKey: mapping.match?.marketing === field.marketing && mapping.match.crm === field.crm,
      unchanged: Object.freeze({ field: key, action: "none" as const, value: null, rule: "unchanged" }),
    };
  });
  const compiled: CompiledMapping = { mapping, fields, byKey: new Map(fields.map((f) => [f.key, f])) };
  compiledMappings.set(mapping, compiled);
  return compiled;
}

/** Per-record state shared by the fields: the output and both records. */
interface Run {
  out: MergeResult;
  marketing: SourceRecord | null;
  crm: SourceRecord | null;
  /**
   * Each record as a transform's source, made once per record when a transform first asks (most fields
   * of most records travel nowhere).
   */
  marketingSource: SourceRecordFields | undefined;
  crmSource: SourceRecordFields | undefined;
  /** Where the next decision goes in `out.decisions`: each field makes exactly one, in mapping order. */
  at: number;
}

export function mergeRecord(input: MergeInput): MergeResult {
  const { marketing, crm, snapshots } = input;
  if (!marketing && !crm) throw new Error("mergeRecord needs a marketing record, a CRM record or both");
  const compiled = compileMapping(input.mapping);
  const run = newRun(marketing, crm, compiled.fields.length);
  for (const f of compiled.fields) {
    if (!f.writesCrm && !f.writesMarketing) {
      decide(run, f, "none", null, "direction none");
      continue;
    }
    if (!crm) create(run, f, "crm", canon(marketing!.fields[f.field.marketing]));
    else if (!marketing) create(run, f, "marketing", canon(crm.fields[f.field.crm]));
    else {
      const m = canon(marketing.fields[f.field.marketing]);
      const c = canon(crm.fields[f.field.crm]);
      const snapshot = snapshots?.[f.key];
      if (snapshot) linked(run, f, m, c, snapshot);
      else firstSync(run, f, m, c);
    }
  }
  return run.out;
}

function newRun(marketing: SourceRecord | null, crm: SourceRecord | null, fields: number): Run {
  return {
    // One decision per field, so the list is made at its length rather than grown field by field.
    out: {
      toCrm: {},
      toMarketing: {},
      decisions: new Array<FieldDecision>(fields),
      conflicts: [],
      errors: [],
      snapshots: snapshotsByField(),
    },
    marketing,
    crm,
    marketingSource: undefined,
    crmSource: undefined,
    at: 0,
  };
}

/**
 * The side whose record holds the other side's differing value of this field besides its own (a merged
 * HubSpot contact's additional email as its Lead's Email), in a direction the field may travel: the
 * merge takes the two as agreeing (`agree`) and writes neither, though they differ. Null otherwise.
 */
export function heldBesidesBy(f: CompiledFieldMapping, marketing: SourceRecord, crm: SourceRecord): Side | null {
  return holderOfOther(newRun(marketing, crm, 0), f, canon(marketing.fields[f.field.marketing]), canon(crm.fields[f.field.crm]));
}

function holderOfOther(run: Run, f: CompiledFieldMapping, m: FieldValue, c: FieldValue): Side | null {
  if (m === c) return null;
  if (f.writesCrm) {
    const r = f.transforms.toCrm(m, sourceOf(run, "marketing"));
    if (r.ok && r.value !== c && holdsBesides(run, f, "crm", r.value)) return "crm";
  }
  if (f.writesMarketing) {
    const r = f.transforms.toMarketing(c, sourceOf(run, "crm"));
    if (r.ok && r.value !== m && holdsBesides(run, f, "marketing", r.value)) return "marketing";
  }
  return null;
}

/** True when the merge writes anything to either side. */
export function hasChanges(result: MergeResult): boolean {
  return !hasNoFields(result.toCrm) || !hasNoFields(result.toMarketing);
}

/** The record on `target` is new: the field goes into the create set when it travels and is not blank. */
function create(run: Run, f: CompiledFieldMapping, target: Side, source: FieldValue): void {
  const pair = target === "crm" ? { marketing: source, crm: null } : { marketing: null, crm: source };
  if (!writes(f, target)) {
    decide(run, f, "none", null, `create: direction ${f.field.direction} does not write ${target}`);
    run.out.snapshots[f.key] = pair;
    return;
  }
  const result = transform(run, f, target, source);
  if (!result.ok) {
    failed(run, f, target, result.message, undefined);
    return;
  }
  if (result.value === null) {
    decide(run, f, "none", null, "create: blank");
  } else {
    write(run, f, target, result.value, `create: from ${other(target)}`);
    pair[target] = result.value;
  }
  run.out.snapshots[f.key] = pair;
}

function linked(
  run: Run,
  f: CompiledFieldMapping,
  m: FieldValue,
  c: FieldValue,
  snapshot: SnapshotPair,
): void {
  // The usual field, unchanged on both sides, keeps its snapshot object: a snapshot holds the canonical
  // values a merge left, so two identity checks settle it (an older spelling falls through to canon).
  if (m === snapshot.marketing && c === snapshot.crm) {
    run.out.decisions[run.at++] = f.unchanged;
    run.out.snapshots[f.key] = snapshot;
    return;
  }
  const marketingChanged = m !== canon(snapshot.marketing);
  const crmChanged = c !== canon(snapshot.crm);
  if (!marketingChanged && !crmChanged) {
    run.out.decisions[run.at++] = f.unchanged;
    run.out.snapshots[f.key] = { marketing: m, crm: c };
  } else if (!crmChanged) travel(run, f, "crm", m, c, "changed in marketing", snapshot);
  else if (!marketingChanged) travel(run, f, "marketing", m, c, "changed in crm", snapshot);
  else if (agree(run, f, m, c)) {
    decide(run, f, "none", null, "changed on both sides to the same value");
    run.out.snapshots[f.key] = { marketing: m, crm: c };
  } else conflict(run, f, m, c, "", snapshot);
}

/** Linked, but this field has no snapshot yet: fill blanks, compare the rest. */
function firstSync(run: Run, f: CompiledFieldMapping, m: FieldValue, c: FieldValue): void {
  if (m === null && c === null) {
    decide(run, f, "none", null, "first sync: both blank");
    run.out.snapshots[f.key] = { marketing: m, crm: c };
  } else if (m === null) travel(run, f, "marketing", m, c, "first sync: filled blank marketing value");
  else if (c === null) travel(run, f, "crm", m, c, "first sync: filled blank crm value");
  else if (agree(run, f, m, c)) {
    decide(run, f, "none", null, "first sync: values agree");
    run.out.snapshots[f.key] = { marketing: m, crm: c };
  } else conflict(run, f, m, c, "first sync: ", undefined);
}

/** The value from the side that is not `target` travels to `target`, if the direction allows. */
function travel(
  run: Run,
  f: CompiledFieldMapping,
  target: Side,
  m: FieldValue,
  c: FieldValue,
  reason: string,
  previous?: SnapshotPair,
): void {
  const pair = { marketing: m, crm: c };
  if (!writes(f, target)) {
    decide(run, f, "none", null, `${reason}; direction ${f.field.direction} does not write ${target}`);
    run.out.snapshots[f.key] = pair;
    return;
  }
  const result = transform(run, f, target, target === "crm" ? m : c);
  if (!result.ok) {
    failed(run, f, target, result.message, previous);
    return;
  }
  if (keepsMatchKey(run, f, target, result.value, pair, reason)) return;
  if (result.value === pair[target]) {
    decide(run, f, "none", null, `${reason}; ${target} already holds the value`);
  } else if (holdsBesides(run, f, target, result.value)) {
    decide(run, f, "none", null, `${reason}; ${target} holds the value besides its own`);
  } else {
    write(run, f, target, result.value, reason);
    pair[target] = result.value;
  }
  run.out.snapshots[f.key] = pair;
}

/** Both sides hold different values: the field's rule picks the winner, whose value travels if it may. */
function conflict(
  run: Run,
  f: CompiledFieldMapping,
  m: FieldValue,
  c: FieldValue,
  prefix: string,
  previous: SnapshotPair | undefined,
): void {
  const rule = f.field.conflict;
  const times = rule === "most_recent" ? changeTimes(run, f) : undefined;
  const winner = conflictWinner(rule, {
    marketing: m,
    crm: c,
    marketingModifiedMs: times ? epochMs(times.marketing) : Number.NaN,
    crmModifiedMs: times ? epochMs(times.crm) : Number.NaN,
  });
  const target = other(winner);
  const winning = winner === "crm" ? c : m;
  // The times that decided a most_recent conflict are part of its rule, so the audit and explain say them.
  const reason = `${prefix}conflict: ${rule}${times ? ` (${timesText(times)})` : ""}`;
  const base: Omit<Conflict, "value" | "written"> = { field: f.key, rule, marketing: m, crm: c, winner };
  if (times) base.times = times;
  const pair = { marketing: m, crm: c };
  if (!writes(f, target)) {
    run.out.conflicts.push({ ...base, value: winning, written: false });
    decide(
      run,
      f,
      "none",
      null,
      `${reason}; ${winner} wins but direction ${f.field.direction} does not write ${target}`,
    );
    run.out.snapshots[f.key] = pair;
    return;
  }
  const result = transform(run, f, target, winning);
  if (!result.ok) {
    run.out.conflicts.push({ ...base, value: winning, written: false });
    failed(run, f, target, result.message, previous);
    return;
  }
  if (keepsMatchKey(run, f, target, result.value, pair, reason)) {
    run.out.conflicts.push({ ...base, value: winning, written: false });
    return;
  }
  run.out.conflicts.push({ ...base, value: result.value, written: true });
  write(run, f, target, result.value, reason);
  pair[target] = result.value;
  run.out.snapshots[f.key] = pair;
}

/**
 * The two values say the same once transformed, in a direction the field may travel; or one side holds the
 * other's value besides its own (a contact's additional email as a Lead's Email): the same person's
 * address on both sides, so neither side's own is replaced by it (ARCHITECTURE.md "Three-way merge").
 */
function agree(run: Run, f: CompiledFieldMapping, m: FieldValue, c: FieldValue): boolean {
  if (m === c) return true;
  if (f.writesCrm) {
    const r = f.transforms.toCrm(m, sourceOf(run, "marketing"));
    if (r.ok && r.value === c) return true;
  }
  if (f.writesMarketing) {
    const r = f.transforms.toMarketing(c, sourceOf(run, "crm"));
    if (r.ok && r.value === m) return true;
  }
  if (holderOfOther(run, f, m, c) !== null) return true;
  // Two spellings of one value ("United Kingdom" and "Great Britain" are both GB) agree: were it a
  // conflict, which side is rewritten would turn on the records' modification times to the second.
  if (f.writesCrm) {
    const mine = f.transforms.toCrm(m, sourceOf(run, "marketing"));
    const theirs = f.transforms.toCrm(c, sourceOf(run, "crm"));
    if (mine.ok && theirs.ok && mine.value !== null && mine.value === theirs.value) return true;
  }
  return false;
}

/** The record on `side` holds `value` in the field besides its own value (`SourceRecord.alsoHolds`). */
function holdsBesides(run: Run, f: CompiledFieldMapping, side: Side, value: FieldValue): boolean {
  if (value === null) return false;
  const held = side === "crm" ? run.crm?.alsoHolds?.[f.field.crm] : run.marketing?.alsoHolds?.[f.field.marketing];
  return held !== undefined && held.includes(value);
}

/** The value travels to `target` from the other side's record, which a step may read (its country). */
function transform(run: Run, f: CompiledFieldMapping, target: Side, value: FieldValue): TransformResult {
  return target === "crm"
    ? f.transforms.toCrm(value, sourceOf(run, "marketing"))
    : f.transforms.toMarketing(value, sourceOf(run, "crm"));
}

function sourceOf(run: Run, side: Side): SourceRecordFields | undefined {
  if (side === "marketing") {
    if (run.marketingSource === undefined && run.marketing) run.marketingSource = { side, fields: run.marketing.fields };
    return run.marketingSource;
  }
  if (run.crmSource === undefined && run.crm) run.crmSource = { side, fields: run.crm.fields };
  return run.crmSource;
}

/**
 * A blank that would replace the match key `target` holds (a rep clearing a Lead's Email) is not written:
 * the address is the record's identity there (HubSpot finds a contact by it, forms and imports too), and
 * without it the next form fill makes a second contact. The sides differ until either is given an address
 * again, which travels as any change does; the snapshot keeps both values, so the blank is no change later.
 */
function keepsMatchKey(
  run: Run,
  f: CompiledFieldMapping,
  target: Side,
  value: FieldValue,
  pair: SnapshotPair,
  reason: string,
): boolean {
  if (!f.matchKey || value !== null || pair[target] === null) return false;
  decide(run, f, "none", null, `${reason}; a blank is not written over the ${target} match key`);
  run.out.snapshots[f.key] = pair;
  return true;
}

function write(run: Run, f: CompiledFieldMapping, target: Side, value: FieldValue, rule: string): void {
  if (target === "crm") run.out.toCrm[f.field.crm] = value;
  else run.out.toMarketing[f.field.marketing] = value;
  decide(run, f, target === "crm" ? "write_crm" : "write_marketing", value, rule);
}

/** A transform failed: the field is not written and keeps its previous snapshot, so it is tried again. */
function failed(
  run: Run,
  f: CompiledFieldMapping,
  target: Side,
  message: string,
  previous: SnapshotPair | undefined,
): void {
  run.out.errors.push({ field: f.key, direction: target === "crm" ? "to_crm" : "to_marketing", message });
  decide(run, f, "none", null, `transform failed: ${message}`);
  if (previous) run.out.snapshots[f.key] = { marketing: previous.marketing, crm: previous.crm };
}

function decide(
  run: Run,
  f: CompiledFieldMapping,
  action: MergeAction,
  value: FieldValue,
  rule: string,
): void {
  const decision: FieldDecision = { field: f.key, action, value, rule };
  run.out.decisions[run.at++] = decision;
}

/**
 * Each side's change time for a most_recent conflict: the field's own (`fieldChanges`, looked up by the
 * engine for conflicts only) where known, else the record's modification time.
 */
function changeTimes(run: Run, f: CompiledFieldMapping): Record<Side, ConflictTime> {
  return {
    marketing: changeTime(run.marketing, f.field.marketing),
    crm: changeTime(run.crm, f.field.crm),
  };
}

function changeTime(record: SourceRecord | null, field: string): ConflictTime {
  const known = record?.fieldChanges?.[field];
  if (known) return { at: known.at, basis: known.basis };
  const ms = record ? Date.parse(record.modifiedAt) : Number.NaN;
  return { at: Number.isNaN(ms) ? null : new Date(ms).toISOString(), basis: "record modified" };
}

function epochMs(time: ConflictTime): number {
  return time.at === null ? Number.NaN : Date.parse(time.at);
}

/** `marketing 2025-03-05T09:10:00.000Z by field history, crm … by last edit` */
function timesText(times: Record<Side, ConflictTime>): string {
  const side = (name: Side) => `${name} ${times[name].at ?? "unknown"} by ${times[name].basis}`;
  return `${side("marketing")}, ${side("crm")}`;
}

function writes(f: CompiledFieldMapping, target: Side): boolean {
  return target === "crm" ? f.writesCrm : f.writesMarketing;
}

function other(side: Side): Side {
  return side === "crm" ? "marketing" : "crm";
}

/** Blank in any form (undefined, "", white space) is null, so "" and null are the same value. */
function canon(value: FieldValue | undefined): FieldValue {
  if (value === null || value === undefined || value === "") return null;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  // Fast path: printable ASCII at both ends cannot be blank.
  if (first > 32 && first < 127 && last > 32 && last < 127) return value;
  return value.trim() === "" ? null : value;
}
