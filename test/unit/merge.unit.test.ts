import type {
  ConflictRule,
  Direction,
  FieldMapping,
  ObjectMapping,
  Transform,
} from "../../src/core/mapping.js";
import { compileMapping, hasChanges, mergeRecord } from "../../src/core/merge/merge-record.js";
import { type Conflict, fieldKey, type MergeAction, type SnapshotPair } from "../../src/core/merge/types.js";
import type { ChangeTimeBasis, FieldChange, FieldValue, SourceRecord } from "../../src/core/records.js";

const f = (
  marketing: string,
  crm: string,
  direction: Direction,
  conflict: ConflictRule,
  transforms: Transform[] = [],
): FieldMapping => ({ marketing, crm, direction, conflict, transforms });

const STATUS: Transform = {
  kind: "value_map",
  values: {
    NEW: "Open - Not Contacted",
    IN_PROGRESS: "Working - Contacted",
    UNQUALIFIED: "Closed - Not Converted",
  },
  caseInsensitive: false,
};
const INDUSTRY: Transform = {
  kind: "value_map",
  values: {
    COMPUTER_SOFTWARE: "Technology",
    COMPUTER_HARDWARE: "Technology",
    BANKING: "Banking",
    RETAIL: "Retail",
  },
  caseInsensitive: false,
};

const mapping: ObjectMapping = {
  name: "contact-lead",
  pair: "contact",
  marketingObject: "contacts",
  crmObject: "Lead",
  source: "mappings/contact-lead.yaml",
  fields: [
    f("email", "Email", "both", "prefer_crm_unless_blank", [{ kind: "trim" }, { kind: "case", to: "lower" }]),
    f("firstname", "FirstName", "both", "prefer_crm"),
    f("jobtitle", "Title", "both", "prefer_marketing", [{ kind: "trim" }]),
    f("country", "Country", "both", "most_recent", [{ kind: "trim" }, { kind: "country_iso" }]),
    f("company", "Company", "both", "prefer_crm_unless_blank", [
      { kind: "trim" },
      { kind: "default", value: "[not provided]" },
    ]),
    f("hs_lead_status", "Status", "to_marketing", "prefer_crm", [STATUS]),
    f("industry", "Industry", "to_crm", "prefer_crm", [INDUSTRY]),
    f("notes", "Description", "none", "prefer_crm"),
  ],
};

const NEW_RECORD = Symbol("record does not exist yet");
const EARLY = "2024-05-01T09:00:00.000Z";
const LATE = "2024-05-01T10:00:00.000Z";

/** A most_recent conflict's times, as its rule states them and its `times` hold them. */
function judged(m: string | null, mBasis: ChangeTimeBasis, c: string | null, cBasis: ChangeTimeBasis) {
  return {
    text: `marketing ${m ?? "unknown"} by ${mBasis}, crm ${c ?? "unknown"} by ${cBasis}`,
    times: { marketing: { at: m, basis: mBasis }, crm: { at: c, basis: cBasis } },
  };
}
const RECORDS_LATE_EARLY = judged(LATE, "record modified", EARLY, "record modified");
const RECORDS_EARLY_LATE = judged(EARLY, "record modified", LATE, "record modified");
const RECORDS_LATE_LATE = judged(LATE, "record modified", LATE, "record modified");
const RECORDS_LATE_UNKNOWN = judged(LATE, "record modified", null, "record modified");
/** The contact was touched late (a page view), but its country changed early; the Lead's changed between. */
const MIDDLE = "2024-05-01T09:30:00.000Z";
const FIELD_EARLY_FIELD_MIDDLE = judged(EARLY, "field history", MIDDLE, "field history");
const FIELD_MIDDLE_LAST_EDIT = judged(MIDDLE, "field history", EARLY, "last edit");

interface Case {
  name: string;
  field: string;
  /** Current values; NEW_RECORD: that side's record does not exist. */
  m: FieldValue | typeof NEW_RECORD;
  c: FieldValue | typeof NEW_RECORD;
  /** Snapshot [marketing, crm]; absent: first sync of the field. */
  snap?: [FieldValue, FieldValue];
  /** Each record's modification time (default EARLY). */
  mAt?: string;
  cAt?: string;
  /** When the field itself changed on each side, as a system's history tells (`fieldChanges`). */
  mField?: FieldChange;
  cField?: FieldChange;
  action: MergeAction;
  value?: FieldValue;
  rule: string;
  conflict?: Pick<Conflict, "winner" | "written" | "value" | "times">;
  error?: string;
  /** Expected new snapshot [marketing, crm]; "none": no snapshot for the field. */
  after: [FieldValue, FieldValue] | "none";
}

const CASES: Case[] = [
  // --- nothing changed, and no echo of leadloop's own writes
  {
    name: "unchanged",
    field: "firstname>FirstName",
    m: "Ana",
    c: "Ana",
    snap: ["Ana", "Ana"],
    action: "none",
    rule: "unchanged",
    after: ["Ana", "Ana"],
  },
  {
    name: "no echo: raw values differ but each equals its snapshot",
    field: "email>Email",
    m: " Ana.Lopez@ACME.com",
    c: "ana.lopez@acme.com",
    snap: [" Ana.Lopez@ACME.com", "ana.lopez@acme.com"],
    action: "none",
    rule: "unchanged",
    after: [" Ana.Lopez@ACME.com", "ana.lopez@acme.com"],
  },
  {
    name: 'blank snapshot "" equals null',
    field: "jobtitle>Title",
    m: null,
    c: "  ",
    snap: ["", null],
    action: "none",
    rule: "unchanged",
    after: [null, null],
  },

  // --- one side changed
  {
    name: "changed in marketing travels to crm",
    field: "firstname>FirstName",
    m: "Anna",
    c: "Ana",
    snap: ["Ana", "Ana"],
    action: "write_crm",
    value: "Anna",
    rule: "changed in marketing",
    after: ["Anna", "Anna"],
  },
  {
    name: "changed in crm travels to marketing",
    field: "firstname>FirstName",
    m: "Ana",
    c: "Anne-Sophie",
    snap: ["Ana", "Ana"],
    action: "write_marketing",
    value: "Anne-Sophie",
    rule: "changed in crm",
    after: ["Anne-Sophie", "Anne-Sophie"],
  },
  {
    name: "cleared in crm clears marketing",
    field: "firstname>FirstName",
    m: "Ana",
    c: null,
    snap: ["Ana", "Ana"],
    action: "write_marketing",
    value: null,
    rule: "changed in crm",
    after: [null, null],
  },
  {
    name: "changed in marketing is transformed",
    field: "email>Email",
    m: "  Zoë@Example.COM ",
    c: "old@example.com",
    snap: ["old@example.com", "old@example.com"],
    action: "write_crm",
    value: "zoë@example.com",
    rule: "changed in marketing",
    after: ["  Zoë@Example.COM ", "zoë@example.com"],
  },
  {
    name: "changed in marketing, equal after transform: no write",
    field: "email>Email",
    m: " ANA@X.COM ",
    c: "ana@x.com",
    snap: ["ana@x.com", "ana@x.com"],
    action: "none",
    rule: "changed in marketing; crm already holds the value",
    after: [" ANA@X.COM ", "ana@x.com"],
  },
  {
    name: "changed in marketing, country normalised",
    field: "country>Country",
    m: "Deutschland",
    c: "US",
    snap: ["United States", "US"],
    action: "write_crm",
    value: "DE",
    rule: "changed in marketing",
    after: ["Deutschland", "DE"],
  },
  {
    name: "changed in crm, map read backwards",
    field: "hs_lead_status>Status",
    m: "NEW",
    c: "Working - Contacted",
    snap: ["NEW", "Open - Not Contacted"],
    action: "write_marketing",
    value: "IN_PROGRESS",
    rule: "changed in crm",
    after: ["IN_PROGRESS", "Working - Contacted"],
  },

  // --- direction limits
  {
    name: "to_marketing field changed in marketing is not written",
    field: "hs_lead_status>Status",
    m: "UNQUALIFIED",
    c: "Open - Not Contacted",
    snap: ["NEW", "Open - Not Contacted"],
    action: "none",
    rule: "changed in marketing; direction to_marketing does not write crm",
    after: ["UNQUALIFIED", "Open - Not Contacted"],
  },
  {
    name: "to_crm field changed in crm is not written",
    field: "industry>Industry",
    m: "BANKING",
    c: "Retail",
    snap: ["BANKING", "Banking"],
    action: "none",
    rule: "changed in crm; direction to_crm does not write marketing",
    after: ["BANKING", "Retail"],
  },
  {
    name: "to_crm field changed in marketing travels",
    field: "industry>Industry",
    m: "COMPUTER_SOFTWARE",
    c: "Banking",
    snap: ["BANKING", "Banking"],
    action: "write_crm",
    value: "Technology",
    rule: "changed in marketing",
    after: ["COMPUTER_SOFTWARE", "Technology"],
  },
  {
    name: "direction none never moves",
    field: "notes>Description",
    m: "met at SaaStr",
    c: "called twice",
    snap: ["a", "b"],
    action: "none",
    rule: "direction none",
    after: "none",
  },

  // --- both changed
  {
    name: "both changed to the same value",
    field: "firstname>FirstName",
    m: "Anna",
    c: "Anna",
    snap: ["Ana", "Ana"],
    action: "none",
    rule: "changed on both sides to the same value",
    after: ["Anna", "Anna"],
  },
  {
    name: "both changed, agree after transform",
    field: "email>Email",
    m: "ANA@X.COM",
    c: "ana@x.com",
    snap: ["old@x.com", "old@x.com"],
    action: "none",
    rule: "changed on both sides to the same value",
    after: ["ANA@X.COM", "ana@x.com"],
  },
  {
    name: "conflict prefer_crm",
    field: "firstname>FirstName",
    m: "Anna",
    c: "Anne",
    snap: ["Ana", "Ana"],
    action: "write_marketing",
    value: "Anne",
    rule: "conflict: prefer_crm",
    conflict: { winner: "crm", written: true, value: "Anne" },
    after: ["Anne", "Anne"],
  },
  {
    name: "conflict prefer_marketing",
    field: "jobtitle>Title",
    m: "VP Sales ",
    c: "Head of Sales",
    snap: ["Sales Lead", "Sales Lead"],
    action: "write_crm",
    value: "VP Sales",
    rule: "conflict: prefer_marketing",
    conflict: { winner: "marketing", written: true, value: "VP Sales" },
    after: ["VP Sales ", "VP Sales"],
  },
  {
    name: "conflict prefer_crm_unless_blank, crm not blank",
    field: "email>Email",
    m: "a@x.com",
    c: "b@x.com",
    snap: ["old@x.com", "old@x.com"],
    action: "write_marketing",
    value: "b@x.com",
    rule: "conflict: prefer_crm_unless_blank",
    conflict: { winner: "crm", written: true, value: "b@x.com" },
    after: ["b@x.com", "b@x.com"],
  },
  {
    name: "conflict prefer_crm_unless_blank, crm blank",
    field: "email>Email",
    m: "New@X.com",
    c: null,
    snap: ["old@x.com", "old@x.com"],
    action: "write_crm",
    value: "new@x.com",
    rule: "conflict: prefer_crm_unless_blank",
    conflict: { winner: "marketing", written: true, value: "new@x.com" },
    after: ["New@X.com", "new@x.com"],
  },
  {
    name: "conflict most_recent, marketing newer",
    field: "country>Country",
    m: "Deutschland",
    c: "FR",
    snap: ["US", "US"],
    mAt: LATE,
    cAt: EARLY,
    action: "write_crm",
    value: "DE",
    rule: `conflict: most_recent (${RECORDS_LATE_EARLY.text})`,
    conflict: { winner: "marketing", written: true, value: "DE", times: RECORDS_LATE_EARLY.times },
    after: ["Deutschland", "DE"],
  },
  {
    name: "conflict most_recent, the contact touched later but its field changed before the Lead's",
    field: "country>Country",
    m: "Deutschland",
    c: "France",
    snap: ["US", "US"],
    mAt: LATE,
    cAt: MIDDLE,
    mField: { at: EARLY, basis: "field history" },
    cField: { at: MIDDLE, basis: "field history" },
    action: "write_marketing",
    value: "FR",
    rule: `conflict: most_recent (${FIELD_EARLY_FIELD_MIDDLE.text})`,
    conflict: { winner: "crm", written: true, value: "FR", times: FIELD_EARLY_FIELD_MIDDLE.times },
    after: ["FR", "France"],
  },
  {
    name: "conflict most_recent, a field the CRM keeps no history of goes by the record's last edit",
    field: "country>Country",
    m: "Österreich",
    c: "France",
    snap: ["US", "US"],
    mAt: LATE,
    cAt: LATE,
    mField: { at: MIDDLE, basis: "field history" },
    cField: { at: EARLY, basis: "last edit" },
    action: "write_crm",
    value: "AT",
    rule: `conflict: most_recent (${FIELD_MIDDLE_LAST_EDIT.text})`,
    conflict: { winner: "marketing", written: true, value: "AT", times: FIELD_MIDDLE_LAST_EDIT.times },
    after: ["Österreich", "AT"],
  },
  {
    name: "conflict most_recent, crm newer",
    field: "country>Country",
    m: "Deutschland",
    c: "France",
    snap: ["US", "US"],
    mAt: EARLY,
    cAt: LATE,
    action: "write_marketing",
    value: "FR",
    rule: `conflict: most_recent (${RECORDS_EARLY_LATE.text})`,
    conflict: { winner: "crm", written: true, value: "FR", times: RECORDS_EARLY_LATE.times },
    after: ["FR", "France"],
  },
  {
    name: "conflict most_recent, tie goes to crm",
    field: "country>Country",
    m: "Deutschland",
    c: "FR",
    snap: ["US", "US"],
    mAt: LATE,
    cAt: LATE,
    action: "write_marketing",
    value: "FR",
    rule: `conflict: most_recent (${RECORDS_LATE_LATE.text})`,
    conflict: { winner: "crm", written: true, value: "FR", times: RECORDS_LATE_LATE.times },
    after: ["FR", "FR"],
  },
  {
    name: "conflict most_recent, unknown time loses",
    field: "country>Country",
    m: "Deutschland",
    c: "FR",
    snap: ["US", "US"],
    mAt: LATE,
    cAt: "not a date",
    action: "write_crm",
    value: "DE",
    rule: `conflict: most_recent (${RECORDS_LATE_UNKNOWN.text})`,
    conflict: { winner: "marketing", written: true, value: "DE", times: RECORDS_LATE_UNKNOWN.times },
    after: ["Deutschland", "DE"],
  },
  {
    name: "conflict whose winner may not travel",
    field: "industry>Industry",
    m: "RETAIL",
    c: "Banking",
    snap: ["COMPUTER_SOFTWARE", "Technology"],
    action: "none",
    rule: "conflict: prefer_crm; crm wins but direction to_crm does not write marketing",
    conflict: { winner: "crm", written: false, value: "Banking" },
    after: ["RETAIL", "Banking"],
  },

  // --- transform failures: not written, previous snapshot kept so the change is seen again
  {
    name: "unknown country is an error, snapshot kept",
    field: "country>Country",
    m: "Atlantis",
    c: "US",
    snap: ["US", "US"],
    action: "none",
    rule: 'transform failed: country → Country: value "Atlantis" is not a country name or ISO 3166 code',
    error: "to_crm",
    after: ["US", "US"],
  },
  {
    name: "crm value the map lacks is an error",
    field: "hs_lead_status>Status",
    m: "NEW",
    c: "Closed - Converted",
    snap: ["NEW", "Open - Not Contacted"],
    action: "none",
    rule: 'transform failed: Status → hs_lead_status: value "Closed - Converted" is not in the value map (allowed: Open - Not Contacted, Working - Contacted, Closed - Not Converted)',
    error: "to_marketing",
    after: ["NEW", "Open - Not Contacted"],
  },
  {
    name: "first-sync error leaves no snapshot",
    field: "country>Country",
    m: "Atlantis",
    c: null,
    action: "none",
    rule: 'transform failed: country → Country: value "Atlantis" is not a country name or ISO 3166 code',
    error: "to_crm",
    after: "none",
  },

  // --- first sync of a linked pair (no snapshot)
  {
    name: "first sync: both blank",
    field: "firstname>FirstName",
    m: null,
    c: "",
    action: "none",
    rule: "first sync: both blank",
    after: [null, null],
  },
  {
    name: "first sync: fills blank crm",
    field: "company>Company",
    m: "Müller & Söhne GmbH",
    c: null,
    action: "write_crm",
    value: "Müller & Söhne GmbH",
    rule: "first sync: filled blank crm value",
    after: ["Müller & Söhne GmbH", "Müller & Söhne GmbH"],
  },
  {
    name: "first sync: fills blank marketing",
    field: "company>Company",
    m: "  ",
    c: "Acme Corp",
    action: "write_marketing",
    value: "Acme Corp",
    rule: "first sync: filled blank marketing value",
    after: ["Acme Corp", "Acme Corp"],
  },
  {
    name: "first sync: the crm placeholder does not travel to marketing",
    field: "company>Company",
    m: null,
    c: "[not provided]",
    action: "none",
    rule: "first sync: filled blank marketing value; marketing already holds the value",
    after: [null, "[not provided]"],
  },
  {
    name: "first sync: agree after transform",
    field: "country>Country",
    m: "España",
    c: "ES",
    action: "none",
    rule: "first sync: values agree",
    after: ["España", "ES"],
  },
  {
    name: "first sync: two spellings of one country agree, whichever side changed last",
    field: "country>Country",
    m: "United Kingdom",
    c: "Great Britain",
    mAt: LATE,
    cAt: EARLY,
    action: "none",
    rule: "first sync: values agree",
    after: ["United Kingdom", "Great Britain"],
  },
  {
    name: "first sync: many-to-one map agrees",
    field: "industry>Industry",
    m: "COMPUTER_HARDWARE",
    c: "Technology",
    action: "none",
    rule: "first sync: values agree",
    after: ["COMPUTER_HARDWARE", "Technology"],
  },
  {
    name: "first sync: differ, settled by the rule",
    field: "company>Company",
    m: "Acme Inc",
    c: "ACME Corporation",
    action: "write_marketing",
    value: "ACME Corporation",
    rule: "first sync: conflict: prefer_crm_unless_blank",
    conflict: { winner: "crm", written: true, value: "ACME Corporation" },
    after: ["ACME Corporation", "ACME Corporation"],
  },
  {
    name: "first sync: blank crm on a to_marketing field stays",
    field: "hs_lead_status>Status",
    m: "NEW",
    c: null,
    action: "none",
    rule: "first sync: filled blank crm value; direction to_marketing does not write crm",
    after: ["NEW", null],
  },

  // --- create (one side's record does not exist yet)
  {
    name: "create crm: value travels",
    field: "email>Email",
    m: "Ana.Lopez@Acme.com",
    c: NEW_RECORD,
    action: "write_crm",
    value: "ana.lopez@acme.com",
    rule: "create: from marketing",
    after: ["Ana.Lopez@Acme.com", "ana.lopez@acme.com"],
  },
  {
    name: "create crm: default fills a blank required field",
    field: "company>Company",
    m: null,
    c: NEW_RECORD,
    action: "write_crm",
    value: "[not provided]",
    rule: "create: from marketing",
    after: [null, "[not provided]"],
  },
  {
    name: "create crm: blank stays out of the create set",
    field: "firstname>FirstName",
    m: "",
    c: NEW_RECORD,
    action: "none",
    rule: "create: blank",
    after: [null, null],
  },
  {
    name: "create crm: to_marketing field is not written",
    field: "hs_lead_status>Status",
    m: "NEW",
    c: NEW_RECORD,
    action: "none",
    rule: "create: direction to_marketing does not write crm",
    after: ["NEW", null],
  },
  {
    name: "create marketing: map read backwards",
    field: "hs_lead_status>Status",
    m: NEW_RECORD,
    c: "Working - Contacted",
    action: "write_marketing",
    value: "IN_PROGRESS",
    rule: "create: from crm",
    after: ["IN_PROGRESS", "Working - Contacted"],
  },
  {
    name: "create marketing: placeholder stays out",
    field: "company>Company",
    m: NEW_RECORD,
    c: "[not provided]",
    action: "none",
    rule: "create: blank",
    after: [null, "[not provided]"],
  },
  {
    name: "create marketing: to_crm field is not written",
    field: "industry>Industry",
    m: NEW_RECORD,
    c: "Banking",
    action: "none",
    rule: "create: direction to_crm does not write marketing",
    after: [null, "Banking"],
  },
  {
    name: "create marketing: transform error",
    field: "country>Country",
    m: NEW_RECORD,
    c: "Narnia",
    action: "none",
    rule: 'transform failed: Country → country: value "Narnia" is not a country name or ISO 3166 code',
    error: "to_marketing",
    after: "none",
  },
];

function record(
  object: string,
  field: string,
  value: FieldValue,
  modifiedAt: string,
  changed?: FieldChange,
): SourceRecord {
  const out: SourceRecord = { object, id: `${object}-1`, fields: { [field]: value }, modifiedAt };
  if (changed) out.fieldChanges = { [field]: changed };
  return out;
}


describe("mergeRecord, one field at a time", () => {
  it.each(CASES)("$name", (c) => {
    const fm = mapping.fields.find((x) => fieldKey(x) === c.field)!;
    const marketing = c.m === NEW_RECORD ? null : record("contacts", fm.marketing, c.m, c.mAt ?? EARLY, c.mField);
    const crm = c.c === NEW_RECORD ? null : record("Lead", fm.crm, c.c, c.cAt ?? EARLY, c.cField);
    const snapshots: Record<string, SnapshotPair> | undefined = c.snap
      ? { [c.field]: { marketing: c.snap[0], crm: c.snap[1] } }
      : undefined;
    const result = mergeRecord({ mapping, marketing, crm, snapshots });

    const decision = result.decisions.find((d) => d.field === c.field);
    expect(decision).toEqual({ field: c.field, action: c.action, value: c.value ?? null, rule: c.rule });
    const crmWrites = c.action === "write_crm" ? { [fm.crm]: c.value } : {};
    const marketingWrites = c.action === "write_marketing" ? { [fm.marketing]: c.value } : {};
    expect(pick(result.toCrm, fm.crm)).toEqual(crmWrites);
    expect(pick(result.toMarketing, fm.marketing)).toEqual(marketingWrites);

    const conflicts = result.conflicts.filter((x) => x.field === c.field);
    if (c.conflict) {
      expect(conflicts).toEqual([
        {
          field: c.field,
          rule: fm.conflict,
          marketing: blankToNull(c.m),
          crm: blankToNull(c.c),
          ...c.conflict,
        },
      ]);
    } else expect(conflicts).toEqual([]);

    const errors = result.errors.filter((x) => x.field === c.field);
    if (c.error) {
      expect(errors).toEqual([
        { field: c.field, direction: c.error, message: c.rule.replace("transform failed: ", "") },
      ]);
    } else expect(errors).toEqual([]);

    const after = result.snapshots[c.field];
    if (c.after === "none") expect(after).toBeUndefined();
    else expect(after).toEqual({ marketing: c.after[0], crm: c.after[1] });
  });
});

function pick(values: Record<string, FieldValue>, key: string): Record<string, FieldValue> {
  return key in values ? { [key]: values[key]! } : {};
}

function blankToNull(v: FieldValue | typeof NEW_RECORD): FieldValue {
  return typeof v === "string" && v.trim() !== "" ? v : null;
}

describe("mergeRecord, whole records", () => {
  const marketing: SourceRecord = {
    object: "contacts",
    id: "501",
    modifiedAt: LATE,
    fields: {
      email: "José.Núñez@Ejemplo.es ",
      firstname: "José",
      jobtitle: "Director Comercial",
      country: "España",
      company: null,
      hs_lead_status: "NEW",
      industry: "RETAIL",
      notes: "x",
    },
  };

  it("creates a CRM record with every field that travels, defaults included", () => {
    const result = mergeRecord({ mapping, marketing, crm: null });
    expect(result.toCrm).toEqual({
      Email: "josé.núñez@ejemplo.es",
      FirstName: "José",
      Title: "Director Comercial",
      Country: "ES",
      Company: "[not provided]",
      Industry: "Retail",
    });
    expect(result.toMarketing).toEqual({});
    expect(result.decisions.map((d) => d.field)).toEqual(mapping.fields.map(fieldKey));
    expect(Object.keys(result.snapshots)).toHaveLength(7); // every field but the direction-none one
    expect(hasChanges(result)).toBe(true);
  });

  it("writes nothing when re-run with the snapshots it produced (no echo)", () => {
    const first = mergeRecord({ mapping, marketing, crm: null });
    const crm: SourceRecord = {
      object: "Lead",
      id: "00Q1",
      modifiedAt: LATE,
      fields: { ...first.toCrm, Status: "Open - Not Contacted" },
    };
    const second = mergeRecord({ mapping, marketing, crm, snapshots: first.snapshots });
    // Status was never synced: its first sync finds "NEW" ↔ "Open - Not Contacted" agree.
    expect(second.toCrm).toEqual({});
    expect(second.toMarketing).toEqual({});
    expect(second.conflicts).toEqual([]);
    expect(hasChanges(second)).toBe(false);
    const third = mergeRecord({ mapping, marketing, crm, snapshots: second.snapshots });
    expect(third.decisions.filter((d) => d.field !== "notes>Description").map((d) => d.rule)).toEqual(
      Array(7).fill("unchanged"),
    );
  });

  it("refuses to merge when neither record exists", () => {
    expect(() => mergeRecord({ mapping, marketing: null, crm: null })).toThrow("needs a marketing record");
  });

  it("prepares a mapping once", () => {
    expect(compileMapping(mapping)).toBe(compileMapping(mapping));
  });

  it("merges record after record alike, on the mapping prepared once (speed: the engine bench, test/bench/README.md)", () => {
    const crm: SourceRecord = {
      object: "Lead",
      id: "00Q1",
      modifiedAt: EARLY,
      fields: {
        Email: "jose.nunez@ejemplo.es",
        FirstName: "José",
        Title: "CEO",
        Country: "ES",
        Company: "Acme",
      },
    };
    const compiled = compileMapping(mapping);
    const snapshots = mergeRecord({ mapping, marketing, crm }).snapshots;
    const changed = { ...marketing, fields: { ...marketing.fields, jobtitle: "CTO", country: "Portugal" } };
    const first = mergeRecord({ mapping, marketing: changed, crm, snapshots });
    expect(first.toCrm).toMatchObject({ Title: "CTO", Country: "PT" });
    for (let i = 0; i < 200; i++) expect(mergeRecord({ mapping, marketing: changed, crm, snapshots })).toEqual(first);
    expect(compileMapping(mapping)).toBe(compiled);
  });
});
