// A dry run's stand-in for a system (ARCHITECTURE.md "One write path"): reads go to the real system,
// writes are recorded and answered as the system would answer them, and later reads in the same run see
// the recorded writes over the real answers. Nothing is ever written to the system itself.
import type { FieldDescription, ObjectDescription } from "../../core/object-schema.js";
import { type FieldChange, type FieldValues, isBlank, type SourceRecord } from "../../core/records.js";
import type {
  ChangeCursor,
  ChangePage,
  CoverageListener,
  RecordFailure,
  RecordWrite,
  Removal,
  RemovalReadOptions,
  SystemPort,
  WriteOutcome,
} from "../system-port.js";

/** Ids the dry run gives the records it would create; no system issues ids of this shape. */
export const PLACEHOLDER_PREFIX = "new-";

export function isPlaceholderId(id: string): boolean {
  return id.startsWith(PLACEHOLDER_PREFIX);
}

interface Recorded {
  id: string;
  fields: FieldValues;
  /** When the write was recorded: where a change read (up to its `until`) places the record. */
  modifiedAt: string;
  /** Created by this run: the system has nothing under this id. */
  placeholder: boolean;
}

export interface RecordingPortOptions {
  now: () => Date;
}

export class RecordingPort implements SystemPort {
  readonly system: string;
  private readonly records = new Map<string, Map<string, Recorded>>();
  private readonly descriptions = new Map<string, Promise<ObjectDescription>>();
  private readonly counters = new Map<string, number>();
  /** The system's associations as they are (associations a dry run would make are not shown). */
  readonly readAssociations?: SystemPort["readAssociations"];
  /** The system's counts as they are (a dry run creates no record of the objects leadloop counts). */
  readonly countRecords?: SystemPort["countRecords"];
  /**
   * The system's answer as it is: the probe runs before the dry run records any write, and a recorded
   * write lies past the signpost, outside every window it asks about.
   */
  readonly probeWindows?: SystemPort["probeWindows"];
  /**
   * The system's history as it is: asked only by a lost store's restore of follow-up clocks, for the
   * statuses records held before the store was lost, which nothing this dry run recorded changes.
   */
  readonly fieldValues?: SystemPort["fieldValues"];
  /** The system's recycle bin is listed as a real run would list it. */
  readonly recycleBin?: SystemPort["recycleBin"];
  /** A lost store's first removals read reaches as far back as a real run's would. */
  readonly removalsReachMs?: number;
  readonly mergedIdsTakeWrites?: boolean;

  constructor(
    private readonly inner: SystemPort,
    private readonly options: RecordingPortOptions,
  ) {
    this.system = inner.system;
    if (inner.readAssociations) this.readAssociations = inner.readAssociations.bind(inner);
    if (inner.countRecords) this.countRecords = inner.countRecords.bind(inner);
    if (inner.probeWindows) this.probeWindows = inner.probeWindows.bind(inner);
    if (inner.fieldValues) this.fieldValues = inner.fieldValues.bind(inner);
    if (inner.recycleBin) this.recycleBin = inner.recycleBin;
    if (inner.removalsReachMs !== undefined) this.removalsReachMs = inner.removalsReachMs;
    if (inner.mergedIdsTakeWrites) this.mergedIdsTakeWrites = true;
  }

  async *readChanges(
    object: string,
    fields: readonly string[],
    from: ChangeCursor | null,
    until: string,
    listener?: CoverageListener,
  ): AsyncIterable<ChangePage> {
    // A record this run wrote has the write's time as its modification time, as in the system: written
    // after `until` it has left this window; written before, it is listed at the time of the write.
    const written = [...this.of(object).values()];
    const touched = written.filter((r) => r.modifiedAt <= until && (!from || r.modifiedAt >= from.modifiedAt));
    const moved = new Set(written.map((r) => r.id));
    for await (const page of this.inner.readChanges(object, fields, from, until, listener)) {
      yield { records: page.records.filter((r) => !moved.has(r.id)), cursor: page.cursor };
    }
    if (touched.length === 0) return;
    touched.sort((a, b) => (a.modifiedAt === b.modifiedAt ? a.id.localeCompare(b.id) : a.modifiedAt.localeCompare(b.modifiedAt)));
    const records = await this.withRecorded(object, touched.map((r) => r.id), fields);
    const last = touched[touched.length - 1]!;
    yield { records, cursor: { modifiedAt: last.modifiedAt, lastId: last.id } };
  }

  readByIds(object: string, ids: readonly string[], fields: readonly string[]): Promise<SourceRecord[]> {
    return this.withRecorded(object, ids, fields);
  }

  async findBy(
    object: string,
    field: string,
    values: readonly string[],
    fields: readonly string[],
  ): Promise<SourceRecord[]> {
    const wanted = new Set(values.map(matchForm));
    const found = await this.inner.findBy(object, field, values, withField(fields, field));
    const recorded = this.of(object);
    const ids = new Set(found.map((r) => r.id));
    // Records this run wrote the value onto (or created with it) match as well.
    for (const r of recorded.values()) {
      const value = r.fields[field];
      if (value !== undefined && value !== null && wanted.has(matchForm(value))) ids.add(r.id);
    }
    const merged = await this.withRecorded(object, [...ids], withField(fields, field), found);
    return merged
      .filter((r) => {
        const value = r.fields[field];
        return value !== undefined && value !== null && wanted.has(matchForm(value));
      })
      .map((r) => ({ ...r, fields: pick(r.fields, fields) }));
  }

  async write(object: string, writes: readonly RecordWrite[]): Promise<WriteOutcome[]> {
    const description = await this.describeOrNull(object);
    const existing = await this.upsertTargets(object, writes);
    const createDefaults = writes.some((w) => !w.id) ? await this.inner.createDefaults(object) : {};
    const outcomes = writes.map((w, i): WriteOutcome => {
      const failure = description ? refusal(description, w) : null;
      if (failure) return { ref: w.ref, ok: false, error: failure };
      const at = this.options.now().toISOString();
      const id = w.id ?? existing[i] ?? null;
      if (id !== null) {
        this.record(object, id, w.fields, at, false);
        return { ref: w.ref, ok: true, id, created: false };
      }
      const created = this.nextPlaceholder(object);
      this.record(object, created, { ...createDefaults, ...w.fields }, at, true);
      return { ref: w.ref, ok: true, id: created, created: true };
    });
    return outcomes;
  }

  /**
   * The system's times, with this run's recorded writes over them: a field the dry run wrote was set at
   * the write's time, as the system's history would say; a record it would create is asked nothing.
   */
  async fieldChanges(
    object: string,
    ids: readonly string[],
    fields: readonly string[],
  ): Promise<Map<string, Record<string, FieldChange>>> {
    const real = ids.filter((id) => !isPlaceholderId(id));
    const out = real.length > 0 ? await this.inner.fieldChanges(object, real, fields) : new Map<string, Record<string, FieldChange>>();
    for (const id of ids) {
      const mine = this.of(object).get(id);
      if (!mine) continue;
      const written = pick(mine.fields, fields);
      const changes = { ...out.get(id) };
      for (const field in written) changes[field] = { at: mine.modifiedAt, basis: "field history" };
      out.set(id, changes);
    }
    return out;
  }

  describe(object: string): Promise<ObjectDescription> {
    return this.inner.describe(object);
  }

  createDefaults(object: string): Promise<FieldValues> {
    return this.inner.createDefaults(object);
  }

  readRemovals(object: string, since: string, until: string, known?: RemovalReadOptions): Promise<Removal[]> {
    return this.inner.readRemovals(object, since, until, known);
  }

  apiCalls(): number {
    return this.inner.apiCalls();
  }

  authCalls(): number {
    return this.inner.authCalls?.() ?? 0;
  }

  private of(object: string): Map<string, Recorded> {
    let m = this.records.get(object);
    if (!m) this.records.set(object, (m = new Map()));
    return m;
  }

  private record(object: string, id: string, fields: FieldValues, at: string, placeholder: boolean): void {
    const m = this.of(object);
    const before = m.get(id);
    m.set(id, {
      id,
      fields: { ...before?.fields, ...fields },
      modifiedAt: at,
      placeholder: before?.placeholder ?? placeholder,
    });
  }

  private nextPlaceholder(object: string): string {
    const n = (this.counters.get(object) ?? 0) + 1;
    this.counters.set(object, n);
    return `${PLACEHOLDER_PREFIX}${object}-${n}`;
  }

  /**
   * For each create with `upsertOn`: the record the system would update instead (one it holds, or one
   * this run created earlier), by the upsert field's value, as an upsert by external id or email does.
   */
  private async upsertTargets(object: string, writes: readonly RecordWrite[]): Promise<(string | undefined)[]> {
    const out: (string | undefined)[] = writes.map(() => undefined);
    const byField = new Map<string, number[]>();
    writes.forEach((w, i) => {
      if (w.id || !w.upsertOn || isBlank(w.fields[w.upsertOn])) return;
      byField.set(w.upsertOn, [...(byField.get(w.upsertOn) ?? []), i]);
    });
    for (const [field, indexes] of byField) {
      const values = indexes.map((i) => writes[i]!.fields[field]!);
      const found = await this.findBy(object, field, values, [field]);
      const byValue = new Map(found.map((r) => [matchForm(r.fields[field] ?? ""), r.id]));
      for (const i of indexes) {
        const key = matchForm(writes[i]!.fields[field]!);
        const id = byValue.get(key);
        if (id) out[i] = id;
      }
    }
    return out;
  }

  /** The records with these ids as the system would answer after this run's recorded writes. */
  private async withRecorded(
    object: string,
    ids: readonly string[],
    fields: readonly string[],
    known: readonly SourceRecord[] = [],
  ): Promise<SourceRecord[]> {
    const recorded = this.of(object);
    const knownById = new Map(known.map((r) => [r.id, r]));
    const toRead = ids.filter((id) => !isPlaceholderId(id) && !knownById.has(id));
    const read = toRead.length > 0 ? await this.inner.readByIds(object, toRead, fields) : [];
    const real = new Map([...knownById, ...read.map((r) => [r.id, r] as const)]);
    const out: SourceRecord[] = [];
    for (const id of ids) {
      const mine = recorded.get(id);
      const theirs = real.get(id);
      if (!theirs && !mine?.placeholder) continue;
      const base: FieldValues = theirs ? theirs.fields : Object.fromEntries(fields.map((f) => [f, null]));
      const fieldsNow = { ...base, ...(mine ? pick(mine.fields, fields) : {}) };
      out.push({
        object: theirs?.object ?? object,
        id,
        fields: fieldsNow,
        modifiedAt: mine?.modifiedAt ?? theirs!.modifiedAt,
      });
    }
    return out;
  }

  private describeOrNull(object: string): Promise<ObjectDescription | null> {
    let d = this.descriptions.get(object);
    if (!d) {
      d = this.inner.describe(object);
      this.descriptions.set(object, d);
    }
    return d.catch(() => null);
  }
}

/** Values compared as the systems compare match keys and upsert keys: trimmed, without regard to case. */
function matchForm(value: string): string {
  return value.trim().toLowerCase();
}

function withField(fields: readonly string[], field: string): string[] {
  return fields.some((f) => f.toLowerCase() === field.toLowerCase()) ? [...fields] : [...fields, field];
}

/** The named fields of `values` (names compared without regard to case, as both APIs do). */
function pick(values: FieldValues, fields: readonly string[]): FieldValues {
  const byLower = new Map(Object.keys(values).map((k) => [k.toLowerCase(), k]));
  const out: FieldValues = {};
  for (const f of fields) {
    const k = byLower.get(f.toLowerCase());
    if (k !== undefined) out[f] = values[k] ?? null;
  }
  return out;
}

/**
 * The refusal the system would give this write, as far as its describe tells: an unknown or read-only
 * field, a value outside a restricted picklist or over the field's length, a required field left blank
 * on create (Salesforce REST API "Errors": INVALID_FIELD, INVALID_FIELD_FOR_INSERT_UPDATE,
 * INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, STRING_TOO_LONG, REQUIRED_FIELD_MISSING).
 */
function refusal(description: ObjectDescription, w: RecordWrite): RecordFailure | null {
  const byName = new Map(description.fields.map((f) => [f.name.toLowerCase(), f]));
  const create = !w.id;
  for (const [name, value] of Object.entries(w.fields)) {
    const f = byName.get(name.toLowerCase());
    if (!f) return failure("INVALID_FIELD", `No such field ${name} on ${description.object}`, name);
    if (create ? !f.createable : !f.updateable)
      return failure(
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        `Unable to ${create ? "create" : "update"} field ${f.name} on ${description.object}`,
        f.name,
      );
    const problem = valueProblem(f, value);
    if (problem) return failure(problem.code, problem.message, f.name);
  }
  if (create) {
    const given = new Set(Object.entries(w.fields).filter(([, v]) => !isBlank(v)).map(([k]) => k.toLowerCase()));
    const missing = description.fields.find((f) => f.required && !given.has(f.name.toLowerCase()));
    if (missing) return failure("REQUIRED_FIELD_MISSING", `Required fields are missing: [${missing.name}]`, missing.name);
  }
  return null;
}

function valueProblem(f: FieldDescription, value: string | null): { code: string; message: string } | null {
  if (value === null || value === "") return null;
  if (f.picklistValues && f.type === "picklist" && !f.picklistValues.includes(value))
    return {
      code: "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
      message: `${f.label}: bad value for restricted picklist field: ${value}`,
    };
  if (f.length !== undefined && f.length > 0 && value.length > f.length)
    return { code: "STRING_TOO_LONG", message: `${f.label}: data value too large: ${value.slice(0, 40)} (max length=${f.length})` };
  return null;
}

function failure(code: string, message: string, field: string): RecordFailure {
  return { errorClass: "data", code, message, fields: [field] };
}
