// Every create, update and delete goes through here, from the API and from the in-process data API alike:
// field checks with Salesforce's status codes, the values the platform derives (Name, IsClosed, audit
// fields), unique external ids, the standard Lead, Contact and Account duplicate rules (duplicate-rules.ts), records
// of deactivated owners, injected per-record faults, and the history rows of tracked fields (field-history.ts).
import type { FaultInjector, JobStop } from "../emulator/faults.js";
import { type DuplicateMatching, type DuplicateRuleSetup, duplicateResult, duplicatesOf } from "./duplicate-rules.js";
import { RecordSaveError, recordError, SalesforceApiError } from "./errors.js";
import { FieldHistory } from "./field-history.js";
import { normaliseId } from "./ids.js";
import type { RecordStore } from "./record-store.js";
import { type FieldDescribe, findField, OPPORTUNITY_STAGES, type SObjectSchema } from "./schema.js";
import { formatDateTime, parseDateTime, type SObjectRecord } from "./values.js";

export interface WriteOptions {
  /** When the change happened; defaults to now. */
  at?: Date;
  /** In-process writes (seed data, control routes) may set system fields and skip duplicate rules and faults. */
  trusted?: boolean;
  /** The `Sforce-Duplicate-Rule-Header: allowSave=true` request header. */
  allowDuplicateSave?: boolean;
  /**
   * The User who made the change: its CreatedById and LastModifiedById. An API write is the session's
   * user's, the integration user; a rep's work in the UI names the rep. Default: the integration user.
   */
  by?: string;
}

// Salesforce takes ASCII local parts only: "jürgen@…" is INVALID_EMAIL_ADDRESS (Salesforce Help,
// "Email Address Internationalization" covers the domain, not the local part).
const EMAIL = /^[\x21-\x7e]+@[^@\s]+\.[^@\s]+$/;

/**
 * Whether the API may update a record whose owner is a deactivated user: `refused` (the default) answers
 * INACTIVE_OWNER_OR_USER unless the update gives the record to an active user; `allowed` is an org whose
 * integration user has the "Update Records with Inactive Owners" permission (FIDELITY.md).
 */
export type InactiveOwnerUpdates = "refused" | "allowed";

/**
 * Whether the API may update a record an approval process locked: `refused` (the default) answers
 * ENTITY_IS_LOCKED; `allowed` is an org whose approval process lets administrators edit locked records
 * and whose integration user is one (FIDELITY.md).
 */
export type LockedRecordUpdates = "refused" | "allowed";

/** How long the Recycle Bin keeps a deleted record before it is deleted for good. */
export const RECYCLE_BIN_DAYS = 15;

/** The children a parent's deletion takes into the Recycle Bin with it: object and its lookup to the parent. */
const CASCADES: Record<string, readonly (readonly [string, string])[]> = {
  Account: [
    ["Contact", "AccountId"],
    ["Opportunity", "AccountId"],
    ["Task", "WhatId"],
  ],
  // A Lead's, Contact's or Opportunity's activities go with it (Salesforce Help, "Mass Delete Records":
  // deleting leads or contacts deletes all activities associated with them).
  Lead: [["Task", "WhoId"]],
  Contact: [["Task", "WhoId"]],
  Opportunity: [["Task", "WhatId"]],
};

export class RecordWriter {
  /** The org's field history tracking: which fields each save records a history row for. */
  readonly history: FieldHistory;

  constructor(
    private readonly store: RecordStore,
    private faults?: FaultInjector,
    /** The org's clock: what records are stamped with when a write names no time of its own. */
    readonly now: () => Date = () => new Date(),
  ) {
    this.history = new FieldHistory(store);
  }

  duplicateRule: DuplicateRuleSetup = "alert";
  duplicateMatching: DuplicateMatching = "standard";
  inactiveOwnerUpdates: InactiveOwnerUpdates = "refused";
  lockedRecordUpdates: LockedRecordUpdates = "refused";
  /** Records an approval process holds locked (Apex `Approval.lock`), by id. */
  private readonly locked = new Set<string>();

  /** Locks or unlocks records as an approval step, or Apex `Approval.lock`/`Approval.unlock`, does. */
  setLocked(schema: SObjectSchema, id: string, locked: boolean): void {
    const recordId = String(this.existing(schema, id).Id);
    if (locked) this.locked.add(recordId);
    else this.locked.delete(recordId);
  }

  /** The running server's fault injector, known only once it has started. */
  useFaults(faults: FaultInjector): void {
    this.faults = faults;
  }

  /** The injected stop a Bulk API 2.0 job about to be processed meets, if any (faults.ts `jobs`), used up once. */
  jobStop(object: string, operation: string): JobStop | undefined {
    return this.faults?.jobStop(object, operation);
  }

  schemaOrThrow(type: string): SObjectSchema {
    const schema = this.store.schema(type);
    if (!schema) throw new SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist");
    return schema;
  }

  create(type: string, fields: Record<string, unknown>, options: WriteOptions = {}): string {
    const schema = this.schemaOrThrow(type);
    const values = this.normalise(schema, fields, "create", options);
    const record: SObjectRecord = {};
    for (const f of schema.fields) {
      if (f.type === "boolean") record[f.name] = f.defaultValue === true;
      else if (f.defaultValue !== null && typeof f.defaultValue === "string") record[f.name] = f.defaultValue;
      else record[f.name] = null;
    }
    Object.assign(record, values);
    const by = this.actor(options.by);
    if (record.OwnerId === null && findField(schema, "OwnerId")) record.OwnerId = by;
    this.derive(schema, record, values);
    this.checkRequired(schema, record);
    this.checkActivityLinks(schema, record);
    this.checkUnique(schema, record);
    if (!options.trusted) this.checkRules(schema, record, values, options, false);
    const at = (options.at ?? this.now()).getTime();
    const id = this.store.ids.next(schema.keyPrefix);
    record.Id = id;
    this.stamp(schema, record, at, true, by);
    this.store.put(schema.name, record);
    this.history.created(schema, id, at, by);
    return id;
  }

  update(type: string, id: string, fields: Record<string, unknown>, options: WriteOptions = {}): void {
    const schema = this.schemaOrThrow(type);
    const existing = this.existing(schema, id);
    if (!options.trusted && schema.name === "Lead" && existing.IsConverted === true) {
      throw new RecordSaveError([
        recordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", []),
      ]);
    }
    // A record in an approval step is locked: "ENTITY_IS_LOCKED, the entity is locked for editing", as an
    // org's DmlException quotes it (Salesforce Developer Forums, "ENTITY IS LOCKED message when unlocking
    // through approval"), whatever the update carries, until the approval ends or an admin unlocks it.
    if (!options.trusted && this.lockedRecordUpdates === "refused" && this.locked.has(String(existing.Id))) {
      throw new RecordSaveError([recordError("ENTITY_IS_LOCKED", "the entity is locked for editing", [])]);
    }
    const values = this.normalise(schema, fields, "update", options);
    const record: SObjectRecord = { ...existing, ...values };
    if (!options.trusted) this.checkOwnerActive(schema, record);
    this.derive(schema, record, values);
    this.checkRequired(schema, record);
    this.checkActivityLinks(schema, record);
    this.checkUnique(schema, record);
    if (!options.trusted) this.checkRules(schema, record, values, options, true);
    const at = (options.at ?? this.now()).getTime();
    const by = this.actor(options.by);
    this.stamp(schema, record, at, false, by);
    this.store.put(schema.name, record);
    this.history.changed(schema, existing, record, at, by);
  }

  /**
   * Soft delete: the record goes to the Recycle Bin, where queryAll and getDeleted still see it. An
   * Account takes its Contacts and Opportunities with it, and a Lead, Contact, Opportunity or Account its
   * Tasks, each into the bin and the delete log (Apex Developer Guide, "Deleting Records": the delete
   * operation cascades to a parent's children; Salesforce Help, "Delete Accounts"); a merge's losing record
   * does not, its related records move to the master.
   */
  delete(type: string, id: string, at: Date = this.now(), masterRecordId?: string, cascadedFrom?: string): void {
    const schema = this.schemaOrThrow(type);
    const existing = this.existing(schema, id);
    if (!findField(schema, "IsDeleted")) {
      throw new RecordSaveError([recordError("DELETE_FAILED", `Cannot delete ${schema.name} records`, [])]);
    }
    const record: SObjectRecord = { ...existing, IsDeleted: true };
    if (masterRecordId) record.MasterRecordId = masterRecordId;
    this.stamp(schema, record, at.getTime(), false, this.actor(undefined));
    this.store.put(schema.name, record);
    const full = String(record.Id);
    this.store.deletions.push({ type: schema.name, id: full, deletedDate: at.getTime(), ...(cascadedFrom ? { cascadedFrom } : {}) });
    if (masterRecordId) return;
    for (const [child, field] of CASCADES[schema.name] ?? []) {
      for (const c of this.store.findBy(child, field, full)) this.delete(child, String(c.Id), at, undefined, full);
    }
  }

  /**
   * Hard delete: the record leaves the Recycle Bin (Database.emptyRecycleBin, or an admin's purge) and
   * queryAll no longer finds it (Salesforce's "for some time, typically 24 hours" taken at its shortest),
   * and its delete-log entry is marked emptied: getDeleted answers less "if an administrator has purged
   * the Recycle Bin" ("sObject Get Deleted"), so by default it no longer lists it (emulator.ts
   * `emptiedDeletions`). The records its deletion took with it leave with it (SOAP API Developer Guide,
   * "emptyRecycleBin()": cascade-deleted records are emptied with their parent, and naming them too is an
   * error).
   */
  emptyRecycleBin(type: string, id: string): void {
    const schema = this.schemaOrThrow(type);
    const full = normaliseId(id);
    const record = full ? this.store.get(schema.name, full) : undefined;
    if (record?.IsDeleted !== true) throw new Error(`${schema.name} ${id} is not in the Recycle Bin`);
    this.store.purge(schema.name, String(record.Id));
    for (const d of this.store.deletions) if (d.type === schema.name && d.id === String(record.Id)) d.emptied = true;
    for (const d of this.store.deletions) {
      if (d.cascadedFrom === String(record.Id) && this.store.get(d.type, d.id)?.IsDeleted === true) this.emptyRecycleBin(d.type, d.id);
    }
  }

  /**
   * Empties the Recycle Bin of what it no longer keeps: records deleted more than 15 days ago (Salesforce
   * Help, "Recycle Bin": deleted items stay 15 days). Asked before a queryAll reads deleted rows.
   */
  purgeRecycleBin(): void {
    const before = this.now().getTime() - RECYCLE_BIN_DAYS * 86_400_000;
    for (const d of this.store.deletions) {
      if (d.deletedDate >= before) continue;
      if (this.store.get(d.type, d.id)?.IsDeleted === true) this.store.purge(d.type, d.id);
    }
  }

  /** A live record, or the errors Salesforce gives for a missing or deleted one. */
  existing(schema: SObjectSchema, id: string): SObjectRecord {
    const full = normaliseId(id);
    const record = full ? this.store.get(schema.name, full) : undefined;
    if (!record)
      throw new RecordSaveError([
        recordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", []),
      ]);
    if (record.IsDeleted === true)
      throw new RecordSaveError([recordError("ENTITY_IS_DELETED", "entity is deleted", [])]);
    return record;
  }

  /**
   * The integration user: the org's first User (emulator.ts makes it before anything else), whom the
   * token endpoint's identity URL and the UserInfo endpoint name. API writes are its, and so is an
   * in-process write that names no one (the seed's records, a test's setup).
   */
  integrationUserId(): string | null {
    const user = this.store.first("User");
    return user ? String(user.Id) : null;
  }

  /** Who a change is stamped with: the named User, which must exist, or the integration user. */
  private actor(by: string | undefined): string | null {
    if (by === undefined) return this.integrationUserId();
    const id = normaliseId(by);
    const user = id ? this.store.get("User", id) : undefined;
    if (!user) throw new Error(`no User ${by} to attribute the change to`);
    return String(user.Id);
  }

  /**
   * Checks names and types and converts values to the stored formats. Unknown fields and values that
   * cannot be read as the field's type fail the whole request, as JSON deserialisation does in Salesforce.
   */
  private normalise(
    schema: SObjectSchema,
    fields: Record<string, unknown>,
    mode: "create" | "update",
    options: WriteOptions,
  ): SObjectRecord {
    const values: SObjectRecord = {};
    const notWritable: string[] = [];
    for (const [name, raw] of Object.entries(fields)) {
      if (name === "attributes" || (name === "Id" && mode === "update")) continue;
      const f = findField(schema, name);
      if (!f) {
        throw new SalesforceApiError(
          400,
          "INVALID_FIELD",
          `No such column '${name}' on sobject of type ${schema.name}`,
        );
      }
      const writable = mode === "create" ? f.createable : f.updateable;
      if (!writable && !options.trusted) {
        notWritable.push(f.name);
        continue;
      }
      values[f.name] = this.convert(f, raw);
      if (!options.trusted && f.type === "reference") this.checkReferenceWritable(schema, f, values[f.name]);
    }
    if (notWritable.length > 0) {
      throw new RecordSaveError([
        recordError(
          "INVALID_FIELD_FOR_INSERT_UPDATE",
          `Unable to create/update fields: ${notWritable.join(", ")}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          notWritable,
        ),
      ]);
    }
    return values;
  }

  /**
   * A converted Lead is read-only, and nothing may point at it either: an activity whose WhoId names one
   * is refused with CANNOT_UPDATE_CONVERTED_LEAD ("cannot reference converted lead"), as Salesforce does.
   * Nor at a record in the Recycle Bin: a lookup to a deleted record is refused with ENTITY_IS_DELETED.
   * Nor may a record be given to a deactivated user: INACTIVE_OWNER_OR_USER "operation performed with
   * inactive user [id] as owner of lead" (the wording as Adobe's Marketo Measure error-code reference
   * quotes an org's answer); the records the user owns stay theirs (Salesforce Help, "Deactivate Users").
   */
  private checkReferenceWritable(schema: SObjectSchema, f: FieldDescribe, id: unknown): void {
    if (typeof id !== "string") return;
    const target = this.store.find(id);
    if (f.name === "OwnerId" && target?.schema.name === "User" && target.record.IsActive !== true) {
      throw new RecordSaveError([
        recordError(
          "INACTIVE_OWNER_OR_USER",
          `operation performed with inactive user [${id}] as owner of ${schema.name.toLowerCase()}`,
          [f.name],
        ),
      ]);
    }
    if (target?.schema.name === "Lead" && target.record.IsConverted === true) {
      throw new RecordSaveError([recordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", [f.name])]);
    }
    if (target?.record.IsDeleted === true) {
      throw new RecordSaveError([recordError("ENTITY_IS_DELETED", "entity is deleted", [f.name])]);
    }
  }

  private convert(f: FieldDescribe, raw: unknown): unknown {
    if (raw === null || raw === undefined) return null;
    const parseError = () =>
      new SalesforceApiError(
        400,
        "JSON_PARSER_ERROR",
        `Cannot deserialize instance of ${f.soapType.replace(/^\w+:/, "")} from ${typeof raw} value ${JSON.stringify(raw)} or request may be missing a required field`,
      );
    switch (f.type) {
      case "boolean":
        if (typeof raw === "boolean") return raw;
        if (raw === "true" || raw === "false") return raw === "true";
        throw parseError();
      case "int":
      case "double":
      case "currency":
      case "percent": {
        const n =
          typeof raw === "number"
            ? raw
            : typeof raw === "string" && raw.trim() !== ""
              ? Number(raw)
              : Number.NaN;
        if (!Number.isFinite(n)) throw parseError();
        return f.type === "int" ? Math.trunc(n) : n;
      }
      case "date": {
        // A day and nothing else: a date-time given to a date field fails the request ("Cannot deserialize
        // instance of date from VALUE_STRING value 2015-07-23T09:38:33…", as wadewegner/Force.com-Toolkit-for-NET
        // #127 and qoretechnologies/qore #3908 quote an org's answer), it is not cut to its day.
        if (typeof raw !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(raw) || !isCalendarDay(raw)) throw parseError();
        return raw;
      }
      case "datetime": {
        const ms = typeof raw === "string" ? parseDateTime(raw) : Number.NaN;
        if (Number.isNaN(ms)) throw parseError();
        return formatDateTime(ms);
      }
      case "reference":
      case "id": {
        if (typeof raw !== "string") throw parseError();
        if (raw === "") return null;
        const id = normaliseId(raw);
        if (!id) {
          throw new RecordSaveError([
            recordError("MALFORMED_ID", `${f.label}: id value of incorrect type: ${raw}`, [f.name]),
          ]);
        }
        const idType = this.store.typeOfId(id)?.name;
        if (!idType || !f.referenceTo.includes(idType)) {
          throw new RecordSaveError([
            recordError("FIELD_INTEGRITY_EXCEPTION", `${f.label}: id value of incorrect type: ${raw}`, [
              f.name,
            ]),
          ]);
        }
        if (!this.store.find(id)) {
          throw new RecordSaveError([
            recordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [f.name]),
          ]);
        }
        return id;
      }
      default: {
        if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean")
          throw parseError();
        const text = String(raw);
        // A blank text value is stored as null (there is no empty string in Salesforce).
        if (text === "") return null;
        if (text.length > f.length) {
          throw new RecordSaveError([
            recordError(
              "STRING_TOO_LONG",
              `${f.label}: data value too large: ${text.slice(0, 40)} (max length=${f.length})`,
              [f.name],
            ),
          ]);
        }
        if (f.type === "email" && !EMAIL.test(text)) {
          throw new RecordSaveError([
            recordError("INVALID_EMAIL_ADDRESS", `${f.label}: invalid email address: ${text}`, [f.name]),
          ]);
        }
        if (f.type === "picklist" && f.restrictedPicklist) {
          const entry = f.picklistValues.find((p) => p.active && p.value === text);
          if (!entry) {
            throw new RecordSaveError([
              recordError(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                `${f.label}: bad value for restricted picklist field: ${text}`,
                [f.name],
              ),
            ]);
          }
        }
        return text;
      }
    }
  }

  /** Values the platform computes from others. */
  private derive(schema: SObjectSchema, record: SObjectRecord, changed: SObjectRecord): void {
    if (findField(schema, "Name") && findField(schema, "FirstName")) {
      record.Name =
        [record.FirstName, record.LastName].filter((v) => typeof v === "string" && v !== "").join(" ") ||
        null;
    }
    if (schema.name === "Opportunity" && typeof record.StageName === "string") {
      const stage = OPPORTUNITY_STAGES.find((s) => s.name === record.StageName);
      if (stage) {
        record.IsClosed = stage.closed;
        record.IsWon = stage.won;
        if ("StageName" in changed && !("Probability" in changed)) record.Probability = stage.probability;
      }
    }
    if (schema.name === "Task") record.IsClosed = record.Status === "Completed";
  }

  private checkRequired(schema: SObjectSchema, record: SObjectRecord): void {
    const missing = schema.fields
      .filter(
        (f) =>
          !f.nillable &&
          f.createable &&
          f.type !== "boolean" &&
          (record[f.name] === null || record[f.name] === undefined),
      )
      .map((f) => f.name);
    if (missing.length > 0) {
      throw new RecordSaveError([
        recordError(
          "REQUIRED_FIELD_MISSING",
          `Required fields are missing: [${missing.join(", ")}]`,
          missing,
        ),
      ]);
    }
  }

  /**
   * A task about a Lead is related to nothing else: with WhoId a Lead, WhatId must be empty, and a save
   * that sets both is refused with FIELD_INTEGRITY_EXCEPTION on the two fields (a Lead has no Account,
   * Opportunity or Campaign of its own until it is converted; as admins report it, RIO Education,
   * "Salesforce Activity WhatID & WhoID": "If whoId is related to lead, Salesforce does not allow the
   * whatId field to contain any value"; ZynBit, "What does Field Integrity Exception mean?"). The
   * message is the emulator's own.
   */
  private checkActivityLinks(schema: SObjectSchema, record: SObjectRecord): void {
    if (schema.name !== "Task" || typeof record.WhoId !== "string" || record.WhatId === null || record.WhatId === undefined) return;
    if (this.store.typeOfId(record.WhoId)?.name !== "Lead") return;
    throw new RecordSaveError([
      recordError(
        "FIELD_INTEGRITY_EXCEPTION",
        "Related To ID: a task whose Name is a lead cannot be related to another record",
        ["WhoId", "WhatId"],
      ),
    ]);
  }

  private checkUnique(schema: SObjectSchema, record: SObjectRecord): void {
    for (const f of schema.fields) {
      if (!f.unique || record[f.name] === null || record[f.name] === undefined) continue;
      const other = this.store.findBy(schema.name, f.name, record[f.name]).find((r) => r.Id !== record.Id);
      if (other) {
        throw new RecordSaveError([
          recordError(
            "DUPLICATE_VALUE",
            `duplicate value found: ${f.name} duplicates value on record with id: ${String(other.Id)}`,
            [],
          ),
        ]);
      }
    }
  }

  /** Injected validation faults and the org's duplicate rules: what a real org's automation adds. */
  private checkRules(
    schema: SObjectSchema,
    record: SObjectRecord,
    changed: SObjectRecord,
    options: WriteOptions,
    edit: boolean,
  ): void {
    // A refusal in passing (a row lock, Salesforce's own failure) refuses this record alone.
    const passing = this.faults?.passingRefusal(schema.name, changed);
    if (passing?.category) throw new RecordSaveError([recordError(passing.category, passing.message, [])]);
    const fault = this.faults?.recordFault(schema.name, changed);
    if (fault) {
      throw new RecordSaveError([
        recordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", fault.message, [fault.field]),
      ]);
    }
    const ruleApplies =
      this.duplicateRule === "block" || (this.duplicateRule === "alert" && !options.allowDuplicateSave);
    // A blocking set-up is the org's own, stricter than the standard rules: it blocks edits of every object.
    const reportOnly = edit && this.duplicateRule !== "block";
    const matched = ruleApplies
      ? duplicatesOf(this.store, schema, record, this.duplicateMatching, reportOnly)
      : undefined;
    if (matched) {
      const message =
        this.duplicateRule === "block"
          ? "You're creating a duplicate record. We recommend you use an existing record instead."
          : "Use one of these records?";
      const error = recordError("DUPLICATES_DETECTED", message, []);
      error.duplicateResut = duplicateResult(schema, matched.rule, matched.matches, message);
      throw new RecordSaveError([error]);
    }
  }

  /**
   * An update of a record a deactivated user still owns is refused with INACTIVE_OWNER_OR_USER unless it
   * gives the record to an active user, which is how an admin puts it right (RIO Education, "How to
   * resolve an 'operation performed with inactive user' error": reassigning the owner resolves it), or the
   * org let the integration user "Update Records with Inactive Owners" (`inactiveOwnerUpdates: "allowed"`;
   * douglascayers/sfdc-convert-notes-to-chatter-notes #3 names the permission). The wording is the one
   * Salesforce gives a record handed to an inactive user (checkReferenceWritable).
   */
  private checkOwnerActive(schema: SObjectSchema, record: SObjectRecord): void {
    if (this.inactiveOwnerUpdates === "allowed" || typeof record.OwnerId !== "string") return;
    const owner = this.store.find(record.OwnerId);
    if (owner?.schema.name !== "User" || owner.record.IsActive === true) return;
    throw new RecordSaveError([
      recordError(
        "INACTIVE_OWNER_OR_USER",
        `operation performed with inactive user [${record.OwnerId}] as owner of ${schema.name.toLowerCase()}`,
        [],
      ),
    ]);
  }

  private stamp(schema: SObjectSchema, record: SObjectRecord, at: number, created: boolean, by: string | null): void {
    const when = formatDateTime(at);
    const userId = by ?? record.Id;
    if (created) {
      record.CreatedDate = when;
      record.CreatedById = userId;
      if (findField(schema, "IsDeleted")) record.IsDeleted = false;
    }
    record.LastModifiedDate = when;
    record.LastModifiedById = userId;
    record.SystemModstamp = when;
    // The save that closes a task stamps it; reopening clears it (Task object reference, CompletedDateTime).
    if (schema.name === "Task") record.CompletedDateTime = record.IsClosed === true ? (record.CompletedDateTime ?? when) : null;
  }
}

/** A YYYY-MM-DD text that names a day of the calendar (not 2026-02-30). */
function isCalendarDay(text: string): boolean {
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === text;
}
