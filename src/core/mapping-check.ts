// Checks a mapping against the live descriptions of both objects (HubSpot properties, Salesforce
// describe) before a run: unknown fields, types that cannot convert, picklist values a target refuses,
// writes to read-only fields, required fields nothing fills, and text that may not fit. Each problem says
// what to change. Errors mean records will fail; warnings mean some records may.
import type { DateForm, FieldMapping, ObjectMapping, Transform } from "./mapping.js";
import type { FieldDescription, FieldType, ObjectDescription } from "./object-schema.js";
import { fieldMeant } from "./field-hint.js";

export const PROBLEM_SEVERITIES = ["error", "warning"] as const;
export type ProblemSeverity = (typeof PROBLEM_SEVERITIES)[number];

export interface MappingProblem {
  /** The mapping's name, e.g. "contact-lead". */
  mapping: string;
  /** The mapping's file. */
  source: string;
  field: string;
  side: "marketing" | "crm";
  message: string;
  severity: ProblemSeverity;
  /**
   * The index of the mapping's `fields` entry the problem is about, so the command can name its line in
   * the file; absent for a problem of the object as a whole (a required field no entry maps).
   */
  entry?: number;
  /** Where in its file a problem of no mapping entry is (a rep routing.yaml names), for its line. */
  path?: readonly (string | number)[];
}

type Side = MappingProblem["side"];
type Kind = "text" | "number" | "boolean" | "date" | "datetime" | "picklist";

const KINDS: Record<FieldType, Kind> = {
  string: "text",
  textarea: "text",
  email: "text",
  phone: "text",
  url: "text",
  id: "text",
  reference: "text",
  number: "number",
  boolean: "boolean",
  date: "date",
  datetime: "datetime",
  picklist: "picklist",
  multipicklist: "picklist",
};

/** Which target kinds a source kind can be written to as it is. Text may hold anything, so it may work. */
const CONVERTS: Record<Kind, readonly Kind[]> = {
  text: ["text", "number", "boolean", "date", "datetime", "picklist"],
  picklist: ["text", "number", "boolean", "date", "datetime", "picklist"],
  number: ["text", "number", "picklist"],
  boolean: ["text", "boolean", "picklist"],
  date: ["text", "date", "picklist"],
  datetime: ["text", "datetime", "picklist"],
};

/** Field kinds a date form can be read from or written to. */
function formKinds(form: DateForm): readonly Kind[] {
  if (form === "date") return ["date", "text"];
  if (form === "datetime") return ["datetime", "text"];
  if (form === "epoch_ms") return ["number", "text"];
  return ["text"];
}

const LISTED = 10;

interface Travel {
  from: Side;
  to: Side;
  source: FieldDescription;
  target: FieldDescription;
  /** The field is the pair's matching key (an email, a domain): shortening it would change who it names. */
  matchKey?: boolean;
}

export function checkMapping(
  mapping: ObjectMapping,
  marketing: ObjectDescription,
  crm: ObjectDescription,
): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const objects = { marketing, crm };
  const byName = {
    marketing: new Map(marketing.fields.map((f) => [f.name, f])),
    crm: new Map(crm.fields.map((f) => [f.name, f])),
  };
  let entry: number | undefined;
  const report = (side: Side, field: string, message: string, severity: ProblemSeverity = "error") =>
    problems.push({ mapping: mapping.name, source: mapping.source, field, side, message, severity, ...(entry === undefined ? {} : { entry }) });

  for (const [i, fm] of mapping.fields.entries()) {
    entry = i;
    const found = {
      marketing: byName.marketing.get(fm.marketing),
      crm: byName.crm.get(fm.crm),
    };
    for (const side of ["marketing", "crm"] as const) {
      if (found[side]) continue;
      const name = fm[side];
      const hint = fieldMeant(name, objects[side].fields);
      report(
        side,
        name,
        `${side} field ${name} does not exist on ${objects[side].object}${hint ? ` (did you mean ${hint}?)` : ""}`,
      );
    }
    const m = found.marketing;
    const c = found.crm;
    if (!m || !c) continue;
    const matchKey = mapping.match?.marketing === fm.marketing && mapping.match.crm === fm.crm;
    if (fm.direction === "to_crm" || fm.direction === "both") {
      checkTravel(fm, { from: "marketing", to: "crm", source: m, target: c, matchKey }, report);
    }
    if (fm.direction === "to_marketing" || fm.direction === "both") {
      checkTravel(fm, { from: "crm", to: "marketing", source: c, target: m, matchKey }, report);
    }
  }

  entry = undefined;
  for (const side of ["marketing", "crm"] as const) checkRequired(mapping, side, objects[side], report);
  return problems;
}

type Report = (side: Side, field: string, message: string, severity?: ProblemSeverity) => void;

function checkTravel(fm: FieldMapping, t: Travel, report: Report): void {
  const { target, source } = t;
  const into = `${t.to} field ${target.name}`;
  if (!target.createable && !target.updateable) {
    report(t.to, target.name, `${into} is read-only; set direction so nothing writes ${t.to}`);
  } else if (!target.updateable) {
    report(t.to, target.name, `${into} can be set on create but not updated; updates to it would fail`);
  } else if (!target.createable) {
    report(t.to, target.name, `${into} can be updated but not set on create; creates would fail`);
  }

  const map = fm.transforms.find(
    (s): s is Extract<Transform, { kind: "value_map" }> => s.kind === "value_map",
  );
  const date = fm.transforms.find((s): s is Extract<Transform, { kind: "date" }> => s.kind === "date");
  if (map) checkValueMap(map, t, report);
  else if (date) checkDate(date, t, report);
  else {
    const from = KINDS[source.type];
    const to = KINDS[target.type];
    if (!CONVERTS[from].includes(to)) {
      const fix = from === "date" || from === "datetime" ? "; add a date transform" : "";
      report(
        t.to,
        target.name,
        `${t.from} ${source.type} ${source.name} cannot be written to ${target.type} ${into}${fix}`,
      );
    }
    checkPicklistFits(source, t, report);
    checkFreeTextFits(source, t, report);
  }
  checkLength(fm, t, report);
}

function checkValueMap(map: Extract<Transform, { kind: "value_map" }>, t: Travel, report: Report): void {
  const forward = t.to === "crm";
  const written = forward ? Object.values(map.values) : Object.keys(map.values);
  const read = forward
    ? Object.keys(map.values)
    : [...Object.values(map.values), ...Object.keys(map.readBack ?? {})];
  const into = `${t.to} field ${t.target.name}`;
  const allowed = t.target.picklistValues;
  if (allowed && KINDS[t.target.type] === "picklist") {
    const refused = [...new Set(written.filter((v) => v !== "" && !allowed.includes(v)))];
    if (refused.length > 0) {
      report(
        t.to,
        t.target.name,
        `the value map writes ${list(refused)}, which ${into} does not accept (allowed: ${list(allowed)})`,
      );
    }
  }
  if (t.target.type === "boolean") {
    const bad = written.filter((v) => v !== "true" && v !== "false" && v !== "");
    if (bad.length > 0)
      report(t.to, t.target.name, `${into} is a boolean; the value map writes ${list(bad)}`);
  }
  if (t.target.type === "number") {
    const bad = written.filter((v) => v !== "" && !Number.isFinite(Number(v)));
    if (bad.length > 0) report(t.to, t.target.name, `${into} is a number; the value map writes ${list(bad)}`);
  }
  const sourceValues = t.source.picklistValues;
  if (sourceValues) {
    const key = map.caseInsensitive ? (v: string) => v.toLowerCase() : (v: string) => v;
    const covered = new Set(read.map(key));
    const missing = sourceValues.filter((v) => !covered.has(key(v)));
    if (missing.length > 0) {
      report(
        t.from,
        t.source.name,
        `${t.from} field ${t.source.name} can hold ${list(missing)}, which the value map does not cover: records with those values will fail`,
        "warning",
      );
    }
    // The other way round, for the org's picklists: values the map expects to read that the CRM field's
    // picklist does not have (an admin never added them, or renamed them), so those entries never apply.
    if (t.from !== "crm") return;
    const held = new Set(sourceValues.map(key));
    const absent = [...new Set(read.filter((v) => v !== "" && !held.has(key(v))))];
    if (absent.length > 0) {
      report(
        t.from,
        t.source.name,
        `the value map reads ${list(absent)} from ${t.from} field ${t.source.name}, which its picklist does not have (allowed: ${list(sourceValues)}); add them to the picklist or remove them from the map`,
        "warning",
      );
    }
  }
}

/**
 * The lead statuses a qualification definition gives meaning to, against the CRM's live picklist of the
 * status field: a status the definition names that the picklist lacks (a rep can never pick it, e.g. the
 * two values the README's Salesforce setup asks the admin to add), and a picklist value the definition
 * does not list (a rep picking it sends the record to the error queue).
 */
export function checkDispositionStatuses(
  statuses: readonly string[],
  field: FieldDescription | undefined,
  where: { source: string; crm: string; object: string },
): MappingProblem[] {
  const problems: MappingProblem[] = [];
  const at = `dispositions.${where.crm}`;
  const report = (message: string, severity: ProblemSeverity = "error") =>
    problems.push({ mapping: "qualification", source: where.source, field: at, side: "crm", message, severity });
  if (!field) {
    report(`the ${where.crm} object ${where.object} has no lead status field to read dispositions from`);
    return problems;
  }
  const allowed = field.picklistValues;
  if (!allowed) return problems;
  const key = (v: string) => v.trim().toLowerCase();
  const live = new Set(allowed.map(key));
  const named = new Set(statuses.map(key));
  const absent = statuses.filter((s) => !live.has(key(s)));
  if (absent.length > 0) {
    report(
      `${at} names ${list(absent)}, which ${where.object}.${field.name}'s picklist does not have (it has ${list(allowed)}); add them to the picklist (see the README's Salesforce setup) or remove them from ${at}`,
    );
  }
  const unlisted = allowed.filter((v) => !named.has(key(v)));
  if (unlisted.length > 0) {
    report(
      `${where.object}.${field.name} can hold ${list(unlisted)}, which ${at} does not list: a rep choosing one sends the record to the error queue; add each as a disposition or as \`disposition: none\``,
      "warning",
    );
  }
  return problems;
}

function checkDate(date: Extract<Transform, { kind: "date" }>, t: Travel, report: Report): void {
  const fromForm = t.from === "marketing" ? date.marketing : date.crm;
  const toForm = t.to === "marketing" ? date.marketing : date.crm;
  if (!formKinds(fromForm).includes(KINDS[t.source.type])) {
    report(
      t.from,
      t.source.name,
      `the date transform reads ${t.from} ${t.source.name} as ${formName(fromForm)}, but it is a ${t.source.type} field`,
    );
  }
  if (!formKinds(toForm).includes(KINDS[t.target.type])) {
    report(
      t.to,
      t.target.name,
      `the date transform writes ${t.to} ${t.target.name} as ${formName(toForm)}, but it is a ${t.target.type} field`,
    );
  }
}

/** Without a value map, a source picklist value the target picklist refuses fails on that record. */
function checkPicklistFits(source: FieldDescription, t: Travel, report: Report): void {
  const allowed = t.target.picklistValues;
  if (!source.picklistValues || !allowed || KINDS[t.target.type] !== "picklist") return;
  const refused = source.picklistValues.filter((v) => !allowed.includes(v));
  if (refused.length > 0) {
    report(
      t.to,
      t.target.name,
      `${t.from} ${source.name} can hold ${list(refused)}, which ${t.to} field ${t.target.name} does not accept; add a value map`,
      "warning",
    );
  }
}

/**
 * Without a value map, free text sent to a field that takes only its listed values (a HubSpot enumeration,
 * a restricted Salesforce picklist) is refused for every record whose text is not one of them: a job title
 * mapped both ways with HubSpot's seniority filled the error queue with INVALID_OPTION refusals. HubSpot
 * takes an enumeration's values only from its options (knowledge.hubspot.com, "What does it mean for a
 * contact to have an invalid value"); a Salesforce picklist lists values here only when it is restricted.
 */
function checkFreeTextFits(source: FieldDescription, t: Travel, report: Report): void {
  const allowed = t.target.picklistValues;
  if (source.picklistValues || !allowed?.length || KINDS[source.type] !== "text" || KINDS[t.target.type] !== "picklist") return;
  // A field nothing may write is reported as read-only already: no value of any kind reaches it.
  if (!t.target.createable && !t.target.updateable) return;
  report(
    t.to,
    t.target.name,
    `${t.from} field ${source.name} is free text, but ${t.to} field ${t.target.name} takes only ${list(allowed)}: a record with any other text is refused and waits in the error queue; add a value map, or set direction so nothing writes ${t.to}`,
    "warning",
  );
}

function checkLength(fm: FieldMapping, t: Travel, report: Report): void {
  const limit = t.target.length;
  if (!limit || KINDS[t.target.type] !== "text") return;
  if (t.to === "crm" && fm.transforms.some((s) => s.kind === "phone_e164")) {
    checkPhoneLength(fm, t, limit, report);
    return;
  }
  const truncate = t.to === "crm" ? fm.transforms.find((s) => s.kind === "truncate") : undefined;
  if (truncate) {
    if (truncate.length > limit) {
      report(
        t.to,
        t.target.name,
        `truncate: ${truncate.length} is longer than ${t.target.name}'s ${limit} characters; use truncate: ${limit}`,
        "warning",
      );
    }
    return;
  }
  // A transform that writes only values of its own (an ISO code, a map's values, a valid E.164 number)
  // bounds what reaches the target, whatever the source holds.
  const written = longestWritten(fm, t.to);
  if (written !== undefined) {
    if (written > limit)
      report(t.to, t.target.name, `the transforms write values of up to ${written} characters but ${t.to} field ${t.target.name} holds only ${limit}`, "warning");
    return;
  }
  const longest = t.source.length;
  if (longest && longest > limit) {
    const fix = t.matchKey
      ? `: such a record waits in the error queue (truncating would change the matching key ${t.source.name})`
      : t.to === "crm"
        ? `; add truncate: ${limit}`
        : "";
    report(
      t.to,
      t.target.name,
      `${t.from} ${t.source.name} holds up to ${longest} characters but ${t.to} field ${t.target.name} only ${limit}: longer values will fail${fix}`,
      "warning",
    );
  }
}

/** E.164: a plus and at most 15 digits (ITU-T Recommendation E.164, https://www.itu.int/rec/T-REC-E.164). */
const E164_LENGTH = 16;

/**
 * A field phone_e164 writes. Every number it can read becomes at most 16 characters, so only a field (or a
 * truncate) shorter than that is a problem; truncate is never the advice, since a cut E.164 number is a
 * different number. A value it cannot read fails on its record (`invalid: error`) or is kept as typed
 * (`invalid: keep`): a kept value too long for the field then fails on its record just the same, and no
 * step can shorten it without writing a wrong number, so there is nothing to change and nothing is said.
 */
function checkPhoneLength(fm: FieldMapping, t: Travel, limit: number, report: Report): void {
  const truncate = fm.transforms.find((s) => s.kind === "truncate");
  if (truncate && truncate.length < E164_LENGTH) {
    report(
      t.to,
      t.target.name,
      `truncate: ${truncate.length} cuts the numbers phone_e164 writes (E.164, up to ${E164_LENGTH} characters) into wrong ones; remove it`,
      "warning",
    );
  }
  const uncut: FieldMapping = { ...fm, transforms: fm.transforms.filter((s) => s.kind !== "truncate") };
  const written = longestWritten(uncut, t.to) ?? E164_LENGTH;
  if (written > limit) {
    report(
      t.to,
      t.target.name,
      `the transforms write values of up to ${written} characters but ${t.to} field ${t.target.name} holds only ${limit}: longer ones will fail; map a field that holds ${written}`,
      "warning",
    );
  }
}

/** The longest value the field's transforms can write towards `to`, when they bound it; else undefined. */
function longestWritten(fm: FieldMapping, to: Side): number | undefined {
  if (to !== "crm") return undefined;
  let bound: number | undefined;
  for (const step of fm.transforms) {
    if (step.kind === "country_iso" && (step.to ?? "alpha2") === "alpha2") bound = 2;
    else if (step.kind === "value_map") bound = Math.max(0, ...Object.values(step.values).map((v) => v.length));
    // A value kept as typed (`invalid: keep`) is left out: see checkPhoneLength.
    else if (step.kind === "phone_e164") bound = E164_LENGTH;
    else if (step.kind === "default") bound = bound === undefined ? undefined : Math.max(bound, step.value.length);
    else if (step.kind === "truncate") bound = Math.min(bound ?? step.length, step.length);
    // trim, case and dates keep the bound a step before them made.
  }
  return bound;
}

/** A field required on create that nothing writes makes every create fail; one written blank, some. */
function checkRequired(mapping: ObjectMapping, side: Side, object: ObjectDescription, report: Report): void {
  for (const field of object.fields) {
    if (!field.required || !field.createable) continue;
    const writers = mapping.fields.filter(
      (fm) => fm[side] === field.name && (fm.direction === "both" || fm.direction === `to_${side}`),
    );
    if (writers.length === 0) {
      report(
        side,
        field.name,
        `${side} field ${field.name} is required on create but no field mapping writes it; map a field to it (with a default)`,
      );
    } else if (side === "crm" && !writers.some((fm) => fm.transforms.some((s) => s.kind === "default"))) {
      report(
        side,
        field.name,
        `${side} field ${field.name} is required on create: a record with a blank ${writers[0]!.marketing} will fail to create; add a default`,
        "warning",
      );
    }
  }
}

function formName(form: DateForm): string {
  return typeof form === "string" ? form : `pattern "${form.pattern}"`;
}

function list(values: readonly string[]): string {
  const quoted = values.slice(0, LISTED).map((v) => `"${v}"`);
  return values.length > LISTED
    ? `${quoted.join(", ")} and ${values.length - LISTED} more`
    : quoted.join(", ");
}
