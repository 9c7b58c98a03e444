// The final state of both emulators as comparable data: every record under a natural key (email,
// domain, name, activity key), generated ids and timestamps left out, and fields that hold an id replaced
// by the natural key of what they point to, so two worlds seeded alike can be compared record by record.
import type { HubspotEmulator, ObjectType } from "../../src/sandbox/hubspot/emulator.js";
import type { SalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";

export type DumpRecord = Record<string, string>;

export interface EmulatorDump {
  /** `system.object|natural key` → fields; a key's second record is under `… #2`, and so on. */
  records: Map<string, DumpRecord>;
  /** Natural keys held by more than one record, with how many (the seed has duplicates on purpose). */
  duplicates: Map<string, number>;
}

const HUBSPOT_TYPES: readonly ObjectType[] = ["contacts", "companies", "deals", "tasks", "notes"];
const SALESFORCE_TYPES = ["Lead", "Contact", "Account", "Opportunity", "Task"] as const;

/** Bookkeeping both systems keep on every record: the same in two worlds only by accident. */
const HUBSPOT_DROPPED = new Set([
  "hs_object_id",
  "createdate",
  "lastmodifieddate",
  "hs_lastmodifieddate",
  "hs_createdate",
]);
const SALESFORCE_DROPPED = new Set([
  "Id",
  "CreatedDate",
  "CreatedById",
  "LastModifiedDate",
  "LastModifiedById",
  "SystemModstamp",
  "IsDeleted",
  "MasterRecordId",
]);

/**
 * Scores decay with the wall clock (behaviour points halve every 30 days, rounded to tenths per rule), so
 * a score written a minute later can differ by a tenth; these compare within half a point.
 */
const CLOCK_NUMBERS = new Set([
  "Leadloop_Score__c",
  "Leadloop_Fit_Score__c",
  "Leadloop_Behavior_Score__c",
  "leadloop_score",
  "leadloop_fit_score",
  "leadloop_behavior_score",
]);
/**
 * Free text that quotes those scores or ages ("+14.8", "3 days ago"): its numbers are left out. A task's
 * body is one too: a handoff's alert task quotes the score and its reasons as they were when the handoff
 * was decided, which a stopped run's held handoff keeps until the next run writes it.
 */
const CLOCK_TEXTS = new Set([
  "Leadloop_Reasons__c",
  "Leadloop_Activity_Summary__c",
  "leadloop_reasons",
  "leadloop_activity_summary",
  "Description",
  "hs_task_body",
]);
const SCORE_TOLERANCE = 0.5;

/** Salesforce fields holding a HubSpot record's id, and that record's type. */
const HUBSPOT_ID_FIELDS: Record<string, ObjectType | undefined> = {
  HubSpot_Contact_Id__c: "contacts",
  HubSpot_Company_Id__c: "companies",
  HubSpot_Deal_Id__c: "deals",
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

export function dumpEmulators(hubspot: HubspotEmulator, salesforce: SalesforceEmulator): EmulatorDump {
  const records = new Map<string, DumpRecord>();
  const duplicates = new Map<string, number>();
  const put = (key: string, fields: DumpRecord) => {
    if (!records.has(key)) {
      records.set(key, fields);
      return;
    }
    const n = (duplicates.get(key) ?? 1) + 1;
    duplicates.set(key, n);
    records.set(`${key} #${n}`, fields);
  };
  const keys = naturalKeys(hubspot, salesforce);

  for (const type of HUBSPOT_TYPES) {
    for (const object of hubspot.data.listObjects(type)) {
      const fields: DumpRecord = {};
      for (const [name, value] of Object.entries(object.properties)) {
        if (HUBSPOT_DROPPED.has(name)) continue;
        fields[name] = hubspotValue(name, value, keys);
      }
      for (const other of HUBSPOT_TYPES) {
        if (other === type) continue;
        const linked = hubspot.data
          .associationsOf(type, object.id, other)
          .map((l) => keys.hubspot.get(`${other}:${l.toId}`) ?? `${other}:?`)
          .sort();
        if (linked.length > 0) fields[`associations.${other}`] = linked.join(", ");
      }
      put(`hubspot.${type}|${keys.hubspot.get(`${type}:${object.id}`)}`, fields);
    }
  }

  // Property definitions too: a run killed while it made leadloop's own must leave each one made once and
  // whole (its type, options and group as a clean run makes it), not half a set.
  for (const type of HUBSPOT_TYPES) {
    for (const p of hubspot.data.listProperties(type)) {
      const { name, label, type: kind, fieldType, groupName, description, options, hasUniqueValue } = p;
      put(`hubspot.property|${type}.${name}`, {
        label,
        kind: `${kind}/${fieldType}`,
        groupName,
        description,
        options: options.map((o) => `${o.value}=${o.label}${o.hidden ? " (hidden)" : ""}`).join(", "),
        hasUniqueValue: String(hasUniqueValue),
      });
    }
  }

  for (const type of SALESFORCE_TYPES) {
    for (const record of salesforce.data.list(type)) {
      const fields: DumpRecord = {};
      for (const [name, value] of Object.entries(record)) {
        if (SALESFORCE_DROPPED.has(name) || value === null || value === undefined || value === "") continue;
        fields[name] = salesforceValue(type, name, value, record, keys);
      }
      put(`salesforce.${type}|${keys.salesforce.get(String(record.Id))}`, fields);
    }
  }
  return { records, duplicates };
}

interface KeyIndex {
  /** `type:id` → natural key, for HubSpot records (and `owner:id` for owners). */
  hubspot: Map<string, string>;
  /** Salesforce id (18 characters) → `Object:natural key`. */
  salesforce: Map<string, string>;
  /** HubSpot event id → `contact email|event type|title|n-th of its kind`. */
  events: Map<string, string>;
}

function naturalKeys(hubspot: HubspotEmulator, salesforce: SalesforceEmulator): KeyIndex {
  const index: KeyIndex = { hubspot: new Map(), salesforce: new Map(), events: new Map() };
  for (const owner of hubspot.data.listOwners())
    index.hubspot.set(`owner:${owner.id}`, owner.email.toLowerCase());
  for (const c of hubspot.data.listObjects("companies"))
    index.hubspot.set(`companies:${c.id}`, domainOf(c.properties.domain) ?? lower(c.properties.name));
  for (const c of hubspot.data.listObjects("contacts"))
    index.hubspot.set(
      `contacts:${c.id}`,
      lower(c.properties.email) || `(no email) ${c.properties.firstname} ${c.properties.lastname}`,
    );
  for (const d of hubspot.data.listObjects("deals"))
    index.hubspot.set(`deals:${d.id}`, d.properties.dealname ?? "");
  for (const type of ["tasks", "notes"] as const)
    for (const t of hubspot.data.listObjects(type))
      index.hubspot.set(`${type}:${t.id}`, t.properties.hs_task_subject ?? t.properties.hs_note_body ?? "");

  const seen = new Map<string, number>();
  for (const e of hubspot.data.listEvents()) {
    const who = index.hubspot.get(`contacts:${e.objectId}`) ?? e.objectId;
    const what = e.properties.hs_title ?? e.properties.hs_form_id ?? e.properties.hs_url ?? "";
    const base = `${who}|${e.eventType}|${what}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    index.events.set(e.id, `${base}|${n}`);
  }

  for (const u of salesforce.data.list("User")) index.salesforce.set(String(u.Id), `User:${lower(u.Email)}`);
  for (const a of salesforce.data.list("Account"))
    index.salesforce.set(String(a.Id), `Account:${domainOf(a.Website) ?? lower(a.Name)}`);
  for (const type of ["Lead", "Contact"])
    for (const p of salesforce.data.list(type))
      index.salesforce.set(String(p.Id), `${type}:${lower(p.Email)}`);
  for (const o of salesforce.data.list("Opportunity"))
    index.salesforce.set(String(o.Id), `Opportunity:${String(o.Name)}`);
  for (const t of salesforce.data.list("Task")) {
    const who = index.salesforce.get(String(t.WhoId)) ?? String(t.WhoId);
    const key = t.Leadloop_Activity_Key__c
      ? activityKey(String(t.Leadloop_Activity_Key__c), index)
      : `${String(t.Subject)}|${who}|${String(t.ActivityDate)}`;
    index.salesforce.set(String(t.Id), `Task:${key}`);
  }
  return index;
}

/** leadloop's task keys name a HubSpot contact or event by id; these name them by what they are. */
function activityKey(key: string, index: KeyIndex): string {
  const handoff = /^leadloop:handoff:([^:]+):\d{4}-\d{2}-\d{2}$/.exec(key);
  // The day in a handoff key is the wall clock's: one handoff a day is what it guards.
  if (handoff) return `leadloop:handoff:${index.hubspot.get(`contacts:${handoff[1]}`) ?? handoff[1]}`;
  const activity = /^leadloop:activity:(.+)$/.exec(key);
  if (activity) return `leadloop:activity:${index.events.get(activity[1]!) ?? activity[1]}`;
  return key;
}

function hubspotValue(name: string, value: string, keys: KeyIndex): string {
  if (name === "leadloop_crm_id") return keys.salesforce.get(value) ?? `? ${value}`;
  if (name === "hubspot_owner_id") return keys.hubspot.get(`owner:${value}`) ?? `? ${value}`;
  if (name === "associatedcompanyid") return keys.hubspot.get(`companies:${value}`) ?? `? ${value}`;
  return clockFree(name, value);
}

function salesforceValue(
  type: string,
  name: string,
  value: unknown,
  record: Record<string, unknown>,
  keys: KeyIndex,
): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const hubspotType = HUBSPOT_ID_FIELDS[name];
  if (hubspotType) return keys.hubspot.get(`${hubspotType}:${text}`) ?? `? ${text}`;
  if (name === "Leadloop_Activity_Key__c") return activityKey(text, keys);
  if (/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(text) && name.endsWith("Id"))
    return keys.salesforce.get(text) ?? `? ${text}`;
  // An open alert task is due a set time after the handoff, which is the wall clock's.
  if (type === "Task" && name === "ActivityDate" && record.Status !== "Completed") return "(due date)";
  return clockFree(name, text);
}

function clockFree(name: string, value: string): string {
  if (ISO_TIME.test(value)) return "(timestamp)";
  // Whether a reason says "before decay" at all is the wall clock's too: an activity a minute old has
  // decayed by less than a tenth of a point, a few minutes later by a tenth.
  if (CLOCK_TEXTS.has(name)) return value.replace(/\d+(\.\d+)?/g, "#").replace(/; # before decay/g, "");
  return value;
}

function lower(value: unknown): string {
  return typeof value === "string" ? value.trim().toLowerCase() : "";
}

function domainOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  return value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/^www\./, "")
    .replace(/\/.*$/, "");
}

export interface DumpDifference {
  key: string;
  field?: string;
  expected?: string;
  actual?: string;
  problem: "missing record" | "extra record" | "duplicate" | "field differs";
}

/** What differs in `actual` from `expected`, duplicates first, then records in key order. */
export function diffDumps(expected: EmulatorDump, actual: EmulatorDump): DumpDifference[] {
  const out: DumpDifference[] = [];
  for (const [key, n] of actual.duplicates) {
    const allowed = expected.duplicates.get(key) ?? 1;
    if (n > allowed) out.push({ key, problem: "duplicate", actual: `${n} records, expected ${allowed}` });
  }
  const keys = [...new Set([...expected.records.keys(), ...actual.records.keys()])].sort();
  for (const key of keys) {
    const want = expected.records.get(key);
    const got = actual.records.get(key);
    if (!got) {
      out.push({ key, problem: "missing record" });
      continue;
    }
    if (!want) {
      out.push({ key, problem: "extra record" });
      continue;
    }
    for (const field of [...new Set([...Object.keys(want), ...Object.keys(got)])].sort()) {
      if (sameValue(field, want[field], got[field])) continue;
      out.push({ key, field, problem: "field differs", expected: want[field], actual: got[field] });
    }
  }
  return out;
}

function sameValue(field: string, a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || !CLOCK_NUMBERS.has(field)) return false;
  return Math.abs(Number(a) - Number(b)) <= SCORE_TOLERANCE;
}

/** The first few differences as lines a developer reads: "hubspot.contacts|x@y: leadloop_score missing". */
export function describeDifferences(diffs: readonly DumpDifference[], limit = 12): string {
  const lines = diffs.slice(0, limit).map((d) => {
    if (d.problem !== "field differs") return `${d.key}: ${d.problem}${d.actual ? ` (${d.actual})` : ""}`;
    if (d.actual === undefined) return `${d.key}: ${d.field} missing (expected ${show(d.expected)})`;
    if (d.expected === undefined) return `${d.key}: ${d.field} unexpected ${show(d.actual)}`;
    const from = firstDifference(d.actual, d.expected ?? "");
    return `${d.key}: ${d.field} is ${show(d.actual, from)}, expected ${show(d.expected, from)}`;
  });
  if (diffs.length > limit) lines.push(`… and ${diffs.length - limit} more`);
  return lines.join("\n");
}

/** Long texts are shown from a little before where they first differ. */
function show(value: string | undefined, from = 0): string {
  if (value === undefined) return "undefined";
  const start = Math.max(0, from - 30);
  const cut = value.slice(start, start + 110);
  return `${start > 0 ? "…" : ""}${JSON.stringify(cut)}${start + 110 < value.length ? "…" : ""}`;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
