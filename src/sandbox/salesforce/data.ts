// The in-process API of the org for the seed generator, the sandbox and tests: the same store and save
// rules the REST API uses, without HTTP or API-limit counting.
import type { FaultInjector } from "../emulator/faults.js";
import { RecordSaveError } from "./errors.js";
import { normaliseId } from "./ids.js";
import { type EmptiedDeletions, RecordStore } from "./record-store.js";
import { RecordWriter, type WriteOptions } from "./record-writer.js";
import {
  CONVERTED_LEAD_STATUS,
  CONVERTED_LEAD_STATUSES,
  type FieldDescribe,
  type FieldOptions,
  type FieldType,
  field,
  findField,
  type OrgSetup,
} from "./schema.js";
import type { Sessions } from "./sessions.js";
import { runSoql, type UnorderedRows } from "./soql-evaluator.js";
import type { SoqlDateTimes } from "./soql-lexer.js";
import { formatDate, type SObjectRecord } from "./values.js";

/**
 * Ids getUpdated and getDeleted list in one answer at most: "If more than 600,000 IDs are found,
 * EXCEEDED_ID_LIMIT is returned" (REST API Developer Guide, "sObject Get Updated", "sObject Get Deleted").
 */
export const REPLICATION_ID_LIMIT = 600_000;

export interface ConvertLeadOptions {
  convertedStatus?: string;
  accountId?: string;
  contactId?: string;
  doNotCreateOpportunity?: boolean;
  opportunityName?: string;
}

export interface ConvertLeadResult {
  accountId: string;
  contactId: string;
  opportunityId?: string;
}

export interface CustomFieldInput extends FieldOptions {
  name: string;
  type: FieldType;
}

/** The Lead fields whose values a conversion carries to the new Account, Contact and Opportunity. */
const ACCOUNT_FROM_LEAD: Record<string, string> = {
  Website: "Website",
  Industry: "Industry",
  NumberOfEmployees: "NumberOfEmployees",
  AnnualRevenue: "AnnualRevenue",
  BillingCountry: "Country",
  BillingState: "State",
  BillingCity: "City",
  OwnerId: "OwnerId",
};
const CONTACT_FROM_LEAD: Record<string, string> = {
  FirstName: "FirstName",
  LastName: "LastName",
  Email: "Email",
  Phone: "Phone",
  MobilePhone: "MobilePhone",
  Title: "Title",
  MailingCountry: "Country",
  MailingState: "State",
  MailingCity: "City",
  LeadSource: "LeadSource",
  Description: "Description",
  HasOptedOutOfEmail: "HasOptedOutOfEmail",
  OwnerId: "OwnerId",
};

export class SalesforceData {
  readonly store: RecordStore;
  readonly writer: RecordWriter;
  /**
   * The Lead custom fields an admin mapped in Setup (Map Lead Fields; the LeadConvertSettings metadata
   * type's objectMapping), each to the same-named field of the Account, Contact and Opportunity where
   * one exists. Salesforce maps standard fields itself and no custom field unless an admin did
   * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm,
   * "Field Mappings"; https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_leadconvertsettings.htm),
   * so an org starts with none.
   */
  mappedLeadFields: ReadonlySet<string> = new Set();
  /** The order of a query without ORDER BY (emulator.ts `unorderedRows`). */
  unorderedRows: UnorderedRows = "reversed";
  /** Whether getDeleted still lists a record emptied from the Recycle Bin (emulator.ts `emptiedDeletions`). */
  emptiedDeletions: EmptiedDeletions = "unlisted";
  /** Ids getUpdated and getDeleted list in one answer at most (emulator.ts `replicationIdLimit`). */
  replicationIdLimit = REPLICATION_ID_LIMIT;
  /** Which dateTime literals a query's WHERE clause takes (emulator.ts `soqlDateTimes`). */
  soqlDateTimes: SoqlDateTimes = "documented";
  /** The long transactions still open (`beginTransaction`), each by its start on the org's clock. */
  private readonly inFlight = new Map<object, number>();

  constructor(
    faults: FaultInjector | undefined,
    private readonly sessions: Sessions,
    setup: OrgSetup = "configured",
    now?: () => Date,
  ) {
    this.store = new RecordStore(setup);
    this.writer = new RecordWriter(this.store, faults, now);
  }

  /** The org's clock (the emulator's, which a test may move ahead of real time). */
  now(): Date {
    return this.writer.now();
  }

  /** `by`: the User who made the change (record-writer.ts `WriteOptions.by`); the integration user unless named. */
  insert(sobject: string, fields: Record<string, unknown>, at?: Date, by?: string): string {
    return this.trusted(() => this.writer.create(sobject, fields, this.options(at, by)));
  }

  update(sobject: string, id: string, fields: Record<string, unknown>, at?: Date, by?: string): void {
    this.trusted(() => this.writer.update(sobject, id, fields, this.options(at, by)));
  }

  /** An approval process locks the record (Apex `Approval.lock`): the API's updates of it are refused. */
  lock(sobject: string, id: string): void {
    this.writer.setLocked(this.writer.schemaOrThrow(sobject), id, true);
  }

  /** The approval ends, or an admin unlocks the record (Apex `Approval.unlock`). */
  unlock(sobject: string, id: string): void {
    this.writer.setLocked(this.writer.schemaOrThrow(sobject), id, false);
  }

  get(sobject: string, id: string): SObjectRecord | undefined {
    const full = normaliseId(id);
    const record = full ? this.store.get(sobject, full) : undefined;
    return record ? { ...record } : undefined;
  }

  /** Live records of one object, oldest first. */
  list(sobject: string): SObjectRecord[] {
    return this.store.all(sobject).map((r) => ({ ...r }));
  }

  delete(sobject: string, id: string, at?: Date): void {
    this.trusted(() => this.writer.delete(sobject, id, at));
  }

  /**
   * Begins a long transaction (a flow, a bulk job, a mass delete): until it commits, getUpdated and
   * getDeleted cover no later than its start, since what it changes is stamped then and shows only when it
   * commits ("GetDeletedResult" and "GetUpdatedResult", SOAP API Developer Guide: latestDateCovered, for
   * changes "that started after this date but didn't complete before endDate"). The work passed to the
   * returned commit is done then, as the transaction's: a deletion in it given `startedAt` is logged at it.
   */
  beginTransaction(): { startedAt: Date; commit(work: () => void): void } {
    const startedAt = this.writer.now();
    const transaction = {
      startedAt,
      commit: (work: () => void) => {
        this.inFlight.delete(transaction);
        work();
      },
    };
    this.inFlight.set(transaction, startedAt.getTime());
    return transaction;
  }

  /** How far the replication resources cover: to the start of the oldest open transaction, if any. */
  coveredUntil(end: number): number {
    return Math.min(end, this.writer.now().getTime(), ...this.inFlight.values());
  }

  /** Empties one deleted record from the Recycle Bin, as an admin or Database.emptyRecycleBin does. */
  emptyRecycleBin(sobject: string, id: string): void {
    this.writer.emptyRecycleBin(sobject, id);
  }

  /**
   * Merges records into a master as the UI's Merge does (SOAP API merge(), Lead/Contact/Account only):
   * the merged records are deleted with MasterRecordId set and their related records move to the master,
   * which is saved (its LastModifiedDate and SystemModstamp the merge's: "a single update event for the
   * winning record", Apex Developer Guide, "Triggers and Merge Statements"), so a change read lists it.
   */
  merge(sobject: string, masterId: string, mergedIds: string[], at?: Date): void {
    const schema = this.writer.schemaOrThrow(sobject);
    if (!["Lead", "Contact", "Account"].includes(schema.name))
      throw new Error(`${schema.name} records cannot be merged`);
    const master = this.trusted(() => this.writer.existing(schema, masterId));
    const merged = mergedIds.map((id) => String(this.trusted(() => this.writer.existing(schema, id)).Id));
    for (const id of merged) this.writer.delete(schema.name, id, at ?? this.writer.now(), String(master.Id));
    this.trusted(() => this.writer.update(schema.name, String(master.Id), {}, this.options(at)));
    for (const other of this.store.schemas.values()) {
      const refs = other.fields.filter(
        (f) => f.type === "reference" && f.referenceTo.includes(schema.name) && f.name !== "MasterRecordId",
      );
      for (const record of this.store.all(other.name)) {
        const moved = refs.filter((f) => merged.includes(String(record[f.name])));
        if (moved.length === 0) continue;
        this.store.put(other.name, {
          ...record,
          ...Object.fromEntries(moved.map((f) => [f.name, master.Id])),
        });
      }
    }
  }

  /**
   * Converts a lead as the SOAP convertLead() call and the UI's Convert button do
   * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_convertlead.htm):
   * an Account (or the given one), a Contact (or the given one), an Opportunity named after the Lead's
   * company unless told not to, with the Contact as its primary contact role, and the Lead marked
   * converted (IsConverted, ConvertedDate, Converted*Id, Status = a converted status), read-only from
   * then on. Custom fields carry over only where `mappedLeadFields` names them. What it creates and
   * changes is stamped with `by`, the rep who converted (the integration user unless named).
   */
  convertLead(leadId: string, options: ConvertLeadOptions = {}, at: Date = this.writer.now(), by?: string): ConvertLeadResult {
    const leadSchema = this.writer.schemaOrThrow("Lead");
    const lead = this.trusted(() => this.writer.existing(leadSchema, leadId));
    if (lead.IsConverted === true)
      throw new Error("CANNOT_UPDATE_CONVERTED_LEAD: cannot reference converted lead");
    const status = options.convertedStatus ?? CONVERTED_LEAD_STATUS;
    // convertedStatus must be a LeadStatus whose IsConverted is true.
    if (!CONVERTED_LEAD_STATUSES.includes(status))
      throw new Error(`INVALID_STATUS: invalid convertedStatus: ${status}`);
    const write = this.options(at, by);
    const pick = (map: Record<string, string>) =>
      Object.fromEntries(Object.entries(map).map(([to, from]) => [to, lead[from] ?? null]));
    const customs = (target: string) => {
      const targetSchema = this.writer.schemaOrThrow(target);
      return Object.fromEntries(
        leadSchema.fields
          .filter(
            (f) =>
              f.custom &&
              this.mappedLeadFields.has(f.name) &&
              targetSchema.fields.some((t) => t.name === f.name) &&
              lead[f.name] !== null,
          )
          .map((f) => [f.name, lead[f.name]]),
      );
    };
    const accountId =
      options.accountId ??
      this.trusted(() =>
        this.writer.create(
          "Account",
          { Name: lead.Company, ...pick(ACCOUNT_FROM_LEAD), ...customs("Account") },
          write,
        ),
      );
    let contactId = options.contactId;
    if (contactId) {
      const existing = this.trusted(() =>
        this.writer.existing(this.writer.schemaOrThrow("Contact"), contactId!),
      );
      // Converting into an existing contact only fills its blank fields.
      const fill = Object.fromEntries(
        Object.entries({ ...pick(CONTACT_FROM_LEAD), ...customs("Contact") }).filter(
          ([k, v]) => v !== null && (existing[k] === null || existing[k] === undefined),
        ),
      );
      this.trusted(() => this.writer.update("Contact", contactId!, fill, write));
    } else {
      contactId = this.trusted(() =>
        this.writer.create(
          "Contact",
          { ...pick(CONTACT_FROM_LEAD), ...customs("Contact"), AccountId: accountId },
          write,
        ),
      );
    }
    let opportunityId: string | undefined;
    if (!options.doNotCreateOpportunity) {
      opportunityId = this.trusted(() =>
        this.writer.create(
          "Opportunity",
          {
            Name: options.opportunityName ?? String(lead.Company),
            StageName: "Prospecting",
            CloseDate: formatDate(at.getTime() + 30 * 86_400_000),
            AccountId: accountId,
            LeadSource: lead.LeadSource ?? null,
            OwnerId: lead.OwnerId,
            ...customs("Opportunity"),
          },
          write,
        ),
      );
      // The converted Contact becomes the new Opportunity's primary contact role (blank role).
      this.trusted(() =>
        this.writer.create(
          "OpportunityContactRole",
          { OpportunityId: opportunityId, ContactId: contactId, IsPrimary: true },
          write,
        ),
      );
    }
    this.trusted(() =>
      this.writer.update(
        "Lead",
        String(lead.Id),
        {
          IsConverted: true,
          Status: status,
          ConvertedDate: formatDate(at.getTime()),
          ConvertedAccountId: accountId,
          ConvertedContactId: contactId,
          ConvertedOpportunityId: opportunityId ?? null,
        },
        write,
      ),
    );
    // The lead's open and logged activities move to the new contact, related to the new opportunity
    // (none without one), and are saved so: their Last Modified Date and By, and SystemModstamp, move to
    // the conversion (Salesforce Help 000385227, "Activity history on a Lead when it is converted": "the
    // Last Modified Date, and Last Modified By system fields are also updated on the related open and
    // closed activities"). Its campaign memberships name the contact too (the campaign history shows on
    // the Contact after conversion).
    for (const task of this.store.all("Task")) {
      if (task.WhoId !== lead.Id) continue;
      this.trusted(() =>
        this.writer.update("Task", String(task.Id), { WhoId: contactId, WhatId: opportunityId ?? null }, write),
      );
    }
    for (const member of this.store.all("CampaignMember")) {
      if (member.LeadId === lead.Id) this.store.put("CampaignMember", { ...member, ContactId: contactId });
    }
    return opportunityId ? { accountId, contactId, opportunityId } : { accountId, contactId };
  }

  /** Runs SOQL as the REST query resource would and returns every matching record (no paging). */
  query(
    soql: string,
    options: { includeDeleted?: boolean } = {},
  ): { totalSize: number; records: SObjectRecord[] } {
    if (options.includeDeleted) this.writer.purgeRecycleBin();
    const { totalSize, records } = runSoql(this.store, soql, {
      includeDeleted: options.includeDeleted ?? false,
      version: "62.0",
      unordered: this.unorderedRows,
      dateTimes: this.soqlDateTimes,
    });
    return { totalSize, records };
  }

  expireSessions(): void {
    this.sessions.expireAll();
  }

  /**
   * Sets which fields of `object` the org tracks history for (Set History Tracking), replacing the
   * emulator's default set (field-history.ts `DEFAULT_TRACKED_FIELDS`); an empty list tracks none.
   */
  trackHistory(object: string, fields: readonly string[]): void {
    this.writer.history.track(object, fields);
  }

  /** Adds a custom field, as an admin does in Setup; the name must end in `__c`. */
  addField(sobject: string, input: CustomFieldInput | FieldDescribe): FieldDescribe {
    const schema = this.writer.schemaOrThrow(sobject);
    if (!input.name.endsWith("__c")) throw new Error(`Custom field names end in __c: ${input.name}`);
    if (schema.fields.some((f) => f.name.toLowerCase() === input.name.toLowerCase())) {
      throw new Error(`${schema.name}.${input.name} already exists`);
    }
    const { name, type, ...rest } = input;
    const describe = field(name, type, rest);
    schema.fields.push(describe);
    for (const record of this.store.all(schema.name, true)) {
      this.store.put(schema.name, { ...record, [name]: type === "boolean" ? false : null });
    }
    return describe;
  }

  /**
   * Adds an active value to a picklist, as an admin does in Setup (Object Manager → Lead → Fields → Lead
   * Status → New): the describe lists it and a write may set it.
   */
  addPicklistValue(sobject: string, name: string, value: string): void {
    const schema = this.writer.schemaOrThrow(sobject);
    const describe = findField(schema, name);
    if (describe?.type !== "picklist") throw new Error(`${schema.name} has no picklist ${name}`);
    if (describe.picklistValues.some((p) => p.value === value)) throw new Error(`${schema.name}.${describe.name} already has ${value}`);
    describe.picklistValues.push({ active: true, defaultValue: false, label: value, validFor: null, value });
  }

  /**
   * Deletes a custom field, as an admin does in Setup (or never made it): it leaves the describe, its values
   * leave the records, and a query or a write naming it is refused with INVALID_FIELD, as in an org without
   * it. A field with an index (unique, External ID) stays: the emulator's indexes are built on first use.
   */
  deleteField(sobject: string, name: string): void {
    const schema = this.writer.schemaOrThrow(sobject);
    const describe = schema.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!describe?.custom) throw new Error(`${schema.name} has no custom field ${name}`);
    if (describe.unique || describe.externalId) throw new Error(`${schema.name}.${describe.name} is indexed; the emulator keeps it`);
    schema.fields = schema.fields.filter((f) => f !== describe);
    for (const record of this.store.all(schema.name, true)) {
      const { [describe.name]: _gone, ...rest } = record;
      this.store.put(schema.name, rest);
    }
  }

  private options(at?: Date, by?: string): WriteOptions {
    return { trusted: true, ...(at ? { at } : {}), ...(by ? { by } : {}) };
  }

  /** In-process callers get a plain Error naming Salesforce's status code. */
  private trusted<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof RecordSaveError) throw new Error(err.message);
      throw err;
    }
  }
}
