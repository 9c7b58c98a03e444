// The emulated HubSpot portal's state and the in-process API the seed generator, the sandbox and tests use
// directly (no HTTP, no limits, no call counts). The HTTP routes go through the same methods, so a write
// behaves the same whichever way it arrives.

import { CampaignRegistry } from "./marketing-campaigns.js";
import { FormRegistry } from "./marketing-forms.js";
import { AssociationStore } from "./association-store.js";
import { EventLog } from "./event-log.js";
import { type AssociationTypeSpec, associationType, defaultAssociationType } from "./association-types.js";
import { CREATED_PROPERTY, defaultProperties, LIFECYCLE_STAGES } from "./default-properties.js";
import { HubspotApiError, notFound } from "./errors.js";
import { emailKeys, ObjectTable } from "./object-table.js";
import { OBJECT_TYPES, type ObjectType, singularOf } from "./object-types.js";
import type { PropertyDefinition, PropertyOption, PropertyType } from "./property-definitions.js";
import { type PropertyHistoryEntry, PropertyHistoryLog, type PropertySource } from "./property-history.js";
import { invalidPropertiesError, normaliseWrite, type WriteValue } from "./property-values.js";
import { compareIds } from "./record-ids.js";

/** How long an archived record can be restored, and so listed with `archived=true`: 90 days. */
const ARCHIVE_RETENTION_MS = 90 * 86_400_000;

export interface HubspotObject {
  id: string;
  type: ObjectType;
  /** Only properties with a value; HubSpot stores every value as a string. */
  properties: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
  archivedAt?: Date;
}

/** Whether a write may name a deactivated (archived) owner: `"refused"` (default) or `"assignable"`. */
export type ArchivedOwners = "refused" | "assignable";

export interface HubspotOwner {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  userId: number;
  createdAt: Date;
  updatedAt: Date;
  archived: boolean;
}

export interface HubspotEvent {
  id: string;
  eventType: string;
  objectType: "contact";
  objectId: string;
  occurredAt: Date;
  properties: Record<string, string>;
}

export interface NewPropertyDefinition {
  name: string;
  label: string;
  type: PropertyType;
  fieldType: string;
  groupName: string;
  description?: string;
  options?: Array<{ label: string; value: string; displayOrder?: number; hidden?: boolean }>;
  hasUniqueValue?: boolean;
  hidden?: boolean;
  formField?: boolean;
  displayOrder?: number;
}

export interface AssociationLink {
  toId: string;
  types: AssociationTypeSpec[];
}

interface StoredObject extends HubspotObject {
  /** This record's newest property history entry (property-history.ts); -1 when none was logged. */
  historyHead: number;
  /** What created the record (property-history.ts `sourceIndex`). */
  createdBy: number;
  /**
   * When the last write reached the portal, on its clock: what search index lag is measured from. A write
   * back-dated with `at` counts from `at` (it plays something that happened then); one dated ahead of
   * the portal's clock (a test whose clock runs apart) counts from the portal's now.
   */
  writtenAt: number;
}

type Properties = Record<string, string | null | undefined>;

/**
 * What writes over the API: a private app, `INTEGRATION` with the app's id, as property history names
 * an integration's writes.
 */
export const API_SOURCE: PropertySource = { sourceType: "INTEGRATION", sourceId: "1234567" };
/** What writes through the in-process API unless told: a user in HubSpot's app. */
export const USER_SOURCE: PropertySource = { sourceType: "CRM_UI", sourceId: "userId:1000001" };

/** HubSpot-defined association type ids of a contact's primary company (Associations v4 reference). */
const CONTACT_TO_PRIMARY_COMPANY = 1;
const PRIMARY_COMPANY_TO_CONTACT = 2;

/** How a record's times read over HTTP: ISO 8601 (default) or epoch milliseconds (emulator.ts). */
export type ObjectTimestamps = "iso" | "epoch-ms";

export class HubspotData {
  private readonly objects = new Map<ObjectType, ObjectTable<StoredObject>>();
  private readonly properties = new Map<ObjectType, Map<string, PropertyDefinition>>();
  /** Ids of merged-away contacts, answering as the contact they were merged into. */
  private readonly mergedInto = new Map<string, string>();
  private readonly owners = new Map<string, HubspotOwner>();
  private readonly links = new AssociationStore();
  /** Every event, in occurrence order overall, per contact and per type (event-log.ts). */
  readonly events = new EventLog();
  private nextObjectId: bigint;
  private nextOwnerId = 70000001;
  /** The portal's forms, which the forms and form submissions APIs list. */
  readonly forms = new FormRegistry();
  /** The portal's marketing campaigns, which the campaigns API lists and contacts name by id. */
  readonly campaigns = new CampaignRegistry();
  /** Every property's history (property-history.ts). */
  private readonly history = new PropertyHistoryLog();
  /** Emails (lower-cased) of contacts permanently deleted: HubSpot's blocklist (`gdprDeleteContact`). */
  private readonly blocklist = new Set<string>();

  /**
   * The emulated portal's time: what records are stamped with when a write names no time of its own.
   * `archivedOwners`: whether a write may give a record a deactivated user's owner id (emulator.ts).
   * `objectTimestamps`: how a record's times read over HTTP (object-views.ts, emulator.ts).
   * `firstObjectId`: the id the first record made gets, the next ones counting up (emulator.ts).
   */
  constructor(
    readonly now: () => Date = () => new Date(),
    private readonly archivedOwners: ArchivedOwners = "refused",
    readonly objectTimestamps: ObjectTimestamps = "iso",
    firstObjectId: bigint = 10001n,
  ) {
    this.nextObjectId = firstObjectId;
    for (const type of OBJECT_TYPES) {
      this.objects.set(type, new ObjectTable());
      this.properties.set(type, new Map(defaultProperties(type).map((p) => [p.name, p])));
    }
  }

  // ---- records -------------------------------------------------------------------------------------

  /** `source` names what wrote the values in their history; a user in HubSpot's app unless given. */
  createObject(type: ObjectType, properties: Properties, at?: Date, source: PropertySource = USER_SOURCE): HubspotObject {
    return copy(this.create(type, properties, { at, enforceReadOnly: false, source }));
  }

  /** `source` names what wrote the values in their history (`ANALYTICS` for a page view, …). */
  updateObject(
    type: ObjectType,
    id: string,
    properties: Properties,
    at?: Date,
    source: PropertySource = USER_SOURCE,
  ): HubspotObject {
    return copy(this.update(type, id, properties, { at, enforceReadOnly: false, source }));
  }

  /** One property's history on a record, newest first, as `propertiesWithHistory` answers it. */
  propertyHistory(record: Readonly<HubspotObject>, name: string): PropertyHistoryEntry[] {
    // A record in the recycle bin keeps its history: the batch read with `archived=true` answers it.
    const stored = this.find(record.type, record.id) ?? this.findStoredObject(record.type, record.id, undefined, true);
    return stored ? this.history.entries(stored, name) : [];
  }

  getObject(type: ObjectType, id: string): HubspotObject | undefined {
    const found = this.find(type, id);
    return found ? copy(found) : undefined;
  }

  /** Moves with every change to the type's records: an answer computed from them holds while it stays. */
  revision(type: ObjectType): number {
    return this.objectsOf(type).revision;
  }

  /** Live (not archived) records, oldest id first. */
  listObjects(type: ObjectType): HubspotObject[] {
    return this.records(type, false).map(copy);
  }

  archiveObject(type: ObjectType, id: string): void {
    const record = this.find(type, id);
    if (!record) throw notFound();
    const now = this.now();
    record.archived = true;
    record.archivedAt = now;
    record.updatedAt = now;
    record.writtenAt = now.getTime();
    this.objectsOf(type).reindex(record);
  }

  /**
   * Restores an archived record from the recycle bin, as a user does in HubSpot's app within 90 days of
   * the delete: the same id, its values, and its associations (kept while it was archived, read by no
   * one) come back, and its modified date is the restore's, so a change read lists it ("Restore deleted
   * records", Knowledge Base; "Understand restorable and permanent contact deletions": "If the contact is
   * restored, activities will be restored"). A record past its 90 days, deleted for good or live is not
   * in the bin (404); a contact whose email another live contact took meanwhile, or a record whose unique
   * value another holds, is refused (409 CONFLICT, as a create would be: the emulator's strict choice).
   */
  restoreObject(type: ObjectType, id: string): HubspotObject {
    const record = this.objectsOf(type).get(id);
    if (!record?.archived || !this.restorable(record)) throw notFound();
    if (type === "contacts" && record.properties.email) this.assertEmailFree(record.properties.email, record.id);
    this.assertUniqueValuesFree(type, record.properties, record.id);
    const now = this.now();
    record.archived = false;
    delete record.archivedAt;
    stampModified(record, now);
    record.writtenAt = now.getTime();
    this.objectsOf(type).reindex(record);
    return copy(record);
  }

  /**
   * Deletes a contact for good, as HubSpot's permanent (GDPR) delete does: no recycle bin, so it is neither
   * listed nor read with `archived=true`, and no read by id, email or a merged-away id finds it; its
   * associations go with it; its emails (primary and additional) are blocklisted ("Permanently delete a
   * contact (GDPR-compliant)", CRM contacts API reference; Knowledge Base, "Perform a permanent delete in
   * HubSpot"). `idProperty: "email"` names the contact by email, and an email no contact holds is
   * blocklisted all the same. A contact in the recycle bin can be deleted so too. Returns false when no
   * contact answers to an id (the API's 404).
   */
  gdprDeleteContact(objectId: string, idProperty?: string): boolean {
    const byEmail = idProperty === "email";
    if (idProperty && idProperty !== "hs_object_id" && !byEmail) {
      throw new HubspotApiError(400, "VALIDATION_ERROR", `${idProperty} cannot be used as idProperty of a GDPR delete`);
    }
    const table = this.objectsOf("contacts");
    const email = objectId.trim().toLowerCase();
    const record = byEmail ? table.withEmail(email)[0] : table.get(this.mergedInto.get(objectId) ?? objectId);
    if (byEmail) this.blocklist.add(email);
    if (!record) return byEmail;
    for (const held of emailKeys(record)) this.blocklist.add(held);
    table.delete(record.id);
    this.links.removeAll("contacts", record.id);
    for (const [from, to] of this.mergedInto) if (to === record.id) this.mergedInto.delete(from);
    return true;
  }

  /** Whether a permanent delete blocklisted this email: the app and imports cannot add it back. */
  isBlocklisted(email: string): boolean {
    return this.blocklist.has(email.trim().toLowerCase());
  }

  /**
   * Merges `mergedId` into `primaryId` as HubSpot's contact merge does since its merge update (developer
   * changelog, "Updated merge functionality for contacts and companies"): a new record with a new id is
   * the result, holding the primary's values (the merged contact's fill those the primary lacks) and both
   * old ids in `hs_merged_object_ids`; both old records go away, and reads by either old id answer the new
   * record; the merged contact's email becomes an additional email, and associations and events move to
   * the new record.
   */
  mergeContacts(primaryId: string, mergedId: string): HubspotObject {
    return this.merge("contacts", primaryId, mergedId, (primary, merged) => {
      const additional = joinIds([primary.properties.hs_additional_emails, merged.properties.email, merged.properties.hs_additional_emails]);
      return { email: primary.properties.email, ...(additional ? { hs_additional_emails: additional } : {}) };
    });
  }

  /** Merges two companies as the same changelog says: as contacts merge, without emails or events. */
  mergeCompanies(primaryId: string, mergedId: string): HubspotObject {
    return this.merge("companies", primaryId, mergedId, () => ({}));
  }

  private merge(
    type: "contacts" | "companies",
    primaryId: string,
    mergedId: string,
    own: (primary: StoredObject, merged: StoredObject) => Properties,
  ): HubspotObject {
    const primary = this.find(type, primaryId);
    const merged = this.find(type, mergedId);
    if (!primary || !merged) throw notFound();
    if (primary.id === merged.id)
      throw new HubspotApiError(400, "VALIDATION_ERROR", `Cannot merge a ${type.slice(0, -1)} into itself`);
    const values: Properties = {};
    for (const from of [merged, primary])
      for (const [name, value] of Object.entries(from.properties))
        if (value !== undefined && !NEVER_COPIED_ON_MERGE.has(name)) values[name] = value;
    Object.assign(values, own(primary, merged));
    values.createdate = primary.properties.createdate;
    values.hs_merged_object_ids = joinIds([
      primary.properties.hs_merged_object_ids,
      primary.id,
      merged.id,
      merged.properties.hs_merged_object_ids,
    ]);
    const table = this.objectsOf(type);
    table.delete(primary.id);
    table.delete(merged.id);
    // The merged records' values were checked when written: a record a deactivated user still owns merges
    // with that owner, as it kept it (only a write that gives a record such an owner is refused).
    const result = this.create(type, values, { at: undefined, enforceReadOnly: false, source: USER_SOURCE, held: true });
    this.history.merged(result, [merged, primary], (name) => !NEVER_COPIED_ON_MERGE.has(name), this.now(), USER_SOURCE);
    for (const old of [primary.id, merged.id]) {
      this.mergedInto.set(old, result.id);
      for (const [from, target] of this.mergedInto) if (target === old) this.mergedInto.set(from, result.id);
      this.links.move(type, old, result.id);
      if (type === "contacts") this.events.moveContact(old, result.id);
    }
    return copy(result);
  }

  // ---- owners --------------------------------------------------------------------------------------

  addOwner(owner: { email: string; firstName: string; lastName: string }): HubspotOwner {
    const now = this.now();
    const id = String(this.nextOwnerId++);
    const stored: HubspotOwner = {
      id,
      email: owner.email,
      firstName: owner.firstName,
      lastName: owner.lastName,
      userId: Number(id) + 1_000_000,
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    this.owners.set(id, stored);
    return { ...stored };
  }

  listOwners(): HubspotOwner[] {
    return [...this.owners.values()].map((o) => ({ ...o }));
  }

  /**
   * An admin deactivates the user: the owner is archived (listed only with `archived=true`, its `userId`
   * null), and the records it owns keep it ("If you remove a user from your account, the contacts,
   * companies, and deals owned by that user will now be owned by a 'Deactivated User'", Knowledge Base,
   * "If I delete a user, what will happen to their owned contacts, companies, and deals?").
   */
  deactivateOwner(id: string): HubspotOwner {
    return this.archiveOwner(id, true);
  }

  /** An admin reactivates the user: the owner is listed and assignable again. */
  reactivateOwner(id: string): HubspotOwner {
    return this.archiveOwner(id, false);
  }

  private archiveOwner(id: string, archived: boolean): HubspotOwner {
    const owner = this.owners.get(id);
    if (!owner) throw new Error(`no owner ${id}`);
    owner.archived = archived;
    owner.updatedAt = this.now();
    return { ...owner };
  }

  /**
   * The owner ids a write may name. A deactivated user is offered nowhere a record is assigned, and the
   * references do not say that the API takes one, so the emulator refuses it unless told
   * `archivedOwners: "assignable"`.
   */
  private assignableOwnerIds(): Set<string> {
    const all = [...this.owners.values()];
    return new Set((this.archivedOwners === "assignable" ? all : all.filter((o) => !o.archived)).map((o) => o.id));
  }

  getOwner(id: string): HubspotOwner | undefined {
    const owner = this.owners.get(id);
    return owner ? { ...owner } : undefined;
  }

  // ---- associations --------------------------------------------------------------------------------

  /** Links two records with the default (unlabeled) association type, both ways. */
  associate(fromType: ObjectType, fromId: string, toType: ObjectType, toId: string): AssociationTypeSpec {
    const spec = defaultAssociationType(fromType, toType);
    if (!spec) {
      throw new HubspotApiError(
        400,
        "VALIDATION_ERROR",
        `No default association type from ${singularOf(fromType)} to ${singularOf(toType)}`,
      );
    }
    this.associateWithType(fromType, fromId, toType, toId, spec.typeId);
    return spec;
  }

  associateWithType(
    fromType: ObjectType,
    fromId: string,
    toType: ObjectType,
    toId: string,
    typeId: number,
  ): void {
    const spec = associationType(typeId);
    if (!spec || spec.from !== fromType || spec.to !== toType) {
      throw new HubspotApiError(
        400,
        "VALIDATION_ERROR",
        `${typeId} is not a valid association type between ${singularOf(fromType)} and ${singularOf(toType)}`,
      );
    }
    const from = this.find(fromType, fromId);
    const to = this.find(toType, toId);
    if (!from || !to)
      throw notFound(
        `No ${!from ? singularOf(fromType) : singularOf(toType)} with id ${!from ? fromId : toId}`,
      );
    this.links.add(fromType, from.id, toType, to.id, spec.typeId);
    this.links.add(toType, to.id, fromType, from.id, spec.inverse);
    if (fromType === "contacts" && toType === "companies") this.keepPrimaryCompany(from, to, spec.typeId);
    if (fromType === "companies" && toType === "contacts") this.keepPrimaryCompany(to, from, spec.inverse);
  }

  /**
   * A contact's first associated company becomes its primary one, and a primary association names the
   * company in the contact's calculated `associatedcompanyid` ("Primary Associated Company ID"; HubSpot's
   * associations guide: the first company associated with a contact is set as primary). A calculated
   * value, so the contact's modified date stays (association changes do not bump it).
   */
  private keepPrimaryCompany(contact: StoredObject, company: StoredObject, typeId: number): void {
    const primary = associationType(typeId)?.primary === true;
    if (!primary && contact.properties.associatedcompanyid) return;
    this.links.add("contacts", contact.id, "companies", company.id, CONTACT_TO_PRIMARY_COMPANY);
    this.links.add("companies", company.id, "contacts", contact.id, PRIMARY_COMPANY_TO_CONTACT);
    contact.properties.associatedcompanyid = company.id;
  }

  associationsOf(fromType: ObjectType, fromId: string, toType: ObjectType): AssociationLink[] {
    const from = this.find(fromType, fromId);
    if (!from) return [];
    return this.links
      .targets(fromType, from.id, toType)
      .filter(([toId]) => this.find(toType, toId))
      .map(([toId, ids]) => ({
        toId,
        types: ids.map((id) => associationType(id)).filter((s): s is AssociationTypeSpec => Boolean(s)),
      }));
  }

  // ---- events --------------------------------------------------------------------------------------

  /** Records an activity event on a contact without touching the contact (seed history, back-dated). */
  addEvent(event: {
    contactId: string;
    eventType: string;
    occurredAt: Date;
    properties?: Record<string, string>;
  }): HubspotEvent {
    const contact = this.find("contacts", event.contactId);
    if (!contact) throw notFound(`No contact with id ${event.contactId}`);
    const stored = this.events.add({
      eventType: event.eventType,
      objectId: contact.id,
      occurredAt: event.occurredAt,
      properties: event.properties ?? {},
    });
    return copyEvent(stored);
  }

  /** Events (of one contact, when `objectId` names it), oldest first. */
  listEvents(filter: { objectId?: string | undefined } = {}): HubspotEvent[] {
    const events = filter.objectId !== undefined ? this.events.ofContact(filter.objectId) : this.events.inOrder();
    return events.map(copyEvent);
  }

  // ---- properties ----------------------------------------------------------------------------------

  createProperty(type: ObjectType, definition: NewPropertyDefinition): PropertyDefinition {
    this.refuseTakenPropertyName(type, definition.name);
    const defs = this.definitions(type);
    const now = this.now().toISOString();
    const options: PropertyOption[] = (definition.options ?? []).map((o, i) => ({
      label: o.label,
      value: o.value,
      displayOrder: o.displayOrder ?? i,
      hidden: o.hidden ?? false,
    }));
    const created: PropertyDefinition = {
      name: definition.name,
      label: definition.label,
      type: definition.type,
      fieldType: definition.fieldType,
      groupName: definition.groupName,
      description: definition.description ?? "",
      options,
      displayOrder: definition.displayOrder ?? -1,
      calculated: false,
      externalOptions: false,
      hasUniqueValue: definition.hasUniqueValue ?? false,
      hidden: definition.hidden ?? false,
      formField: definition.formField ?? false,
      modificationMetadata: { archivable: true, readOnlyDefinition: false, readOnlyValue: false },
      createdAt: now,
      updatedAt: now,
      archived: false,
    };
    defs.set(created.name, created);
    return structuredClone(created);
  }

  /**
   * Deletes a property, as an admin does in the portal's property settings: it leaves the properties list,
   * and a write naming it is refused with PROPERTY_DOESNT_EXIST, as for a property never made (HubSpot
   * archives a deleted property: Properties API "Archive a property"; the emulator does not list archived ones).
   */
  deleteProperty(type: ObjectType, name: string): void {
    if (!this.definitions(type).delete(name)) throw new Error(`${type} has no property ${name}`);
  }

  /** Throws the 409 OBJECT_ALREADY_EXISTS a create of `name` answers when `type` has a property so named. */
  refuseTakenPropertyName(type: ObjectType, name: string): void {
    if (!this.definitions(type).has(name)) return;
    throw new HubspotApiError(409, "OBJECT_ALREADY_EXISTS", `A property named '${name}' already exists.`, { name: [name] });
  }

  listProperties(type: ObjectType): PropertyDefinition[] {
    return [...this.definitions(type).values()].map((p) => structuredClone(p));
  }

  getProperty(type: ObjectType, name: string): PropertyDefinition | undefined {
    const def = this.definitions(type).get(name);
    return def ? structuredClone(def) : undefined;
  }

  // ---- used by the HTTP routes ---------------------------------------------------------------------

  /** A write from the API: read-only values are refused, as HubSpot refuses them. */
  createFromApi(type: ObjectType, properties: Record<string, WriteValue>): HubspotObject {
    // An engagement needs its time: hs_timestamp is "Required" in the calls, emails, meetings and tasks
    // references (https://developers.hubspot.com/docs/api/crm/calls, "Properties").
    if (ENGAGEMENTS.has(type) && (properties.hs_timestamp ?? "") === "") {
      throw invalidPropertiesError([
        { name: "hs_timestamp", error: "REQUIRED_FIELD", message: '"hs_timestamp" is required' },
      ]);
    }
    return copy(this.create(type, properties, { enforceReadOnly: true, source: API_SOURCE }));
  }

  updateFromApi(type: ObjectType, id: string, properties: Record<string, WriteValue>): HubspotObject {
    return copy(this.update(type, id, properties, { enforceReadOnly: true, source: API_SOURCE }));
  }

  /**
   * Throws what `createFromApi` (or, with `id`, `updateFromApi`) would throw for these values, writing
   * nothing: a batch HubSpot refuses as a whole is checked in full before any of it is written.
   */
  checkWriteFromApi(type: ObjectType, properties: Record<string, WriteValue>, id?: string): void {
    const values = this.validate(type, properties, true);
    this.assertUniqueValuesFree(type, values, id);
    if (type !== "contacts" || !values.email) return;
    if (id === undefined) this.assertEmailFree(values.email);
    else if (values.email !== this.find(type, id)?.properties.email) this.assertEmailFree(values.email, id);
  }

  /** Looks a record up by id (following merges) or by a unique property such as email. */
  findObject(type: ObjectType, id: string, idProperty?: string, archived = false): HubspotObject | undefined {
    const found = this.findStoredObject(type, id, idProperty, archived);
    return found ? copy(found) : undefined;
  }

  /**
   * What `findObject` finds, as the stored record itself rather than a copy: for a read that only builds
   * its answer from it (object-views.ts), where copying every property of every record read cost more
   * than the answer. The caller must not change it.
   */
  findStoredObject(type: ObjectType, id: string, idProperty?: string, archived = false): Readonly<StoredObject> | undefined {
    if (idProperty && idProperty !== "hs_object_id") return this.findByProperty(type, idProperty, id);
    if (archived) {
      const record = this.objectsOf(type).get(id);
      return record?.archived && this.restorable(record) ? record : undefined;
    }
    return this.find(type, id);
  }

  /**
   * An archived record stays in the recycle bin, listed and read with `archived=true`, for 90 days; then it
   * is gone for good ("restore ... records ... up to 90 days after they were deleted": Knowledge Base,
   * "Restore deleted records", https://knowledge.hubspot.com/records/restore-deleted-records).
   */
  private restorable(record: StoredObject): boolean {
    return record.archivedAt === undefined || record.archivedAt.getTime() >= this.now().getTime() - ARCHIVE_RETENTION_MS;
  }

  /** Records for list and search reads, in id order; `archived` selects archived records instead of live ones. */
  records(type: ObjectType, archived: boolean): StoredObject[] {
    return this.objectsOf(type).records(archived);
  }

  /** One list page: up to `count` records in id order from the first whose id is at least `fromId`. */
  recordPage(type: ObjectType, archived: boolean, fromId: string | undefined, count: number): StoredObject[] {
    return archived
      ? this.objectsOf(type).page(true, fromId, count, (r) => this.restorable(r))
      : this.objectsOf(type).page(false, fromId, count);
  }

  /** How many live records have an id of at least `fromId`. */
  liveCountFrom(type: ObjectType, fromId: string): number {
    return this.objectsOf(type).liveCountFrom(fromId);
  }

  /** Live records (in id order) by id, skipping ids that are gone or archived. */
  recordsById(type: ObjectType, ids: Iterable<string>): StoredObject[] {
    const table = this.objectsOf(type);
    return [...new Set(ids)]
      .map((id) => table.get(id))
      .filter((r): r is StoredObject => r !== undefined && !r.archived)
      .sort((a, b) => compareIds(a.id, b.id));
  }

  /** Ids of live records whose modified date is in [low, high] (epoch ms), for search on it. */
  modifiedBetween(type: ObjectType, low?: number, high?: number): string[] {
    return this.objectsOf(type).modifiedBetween(low, high);
  }

  /** Visits live records modified in [low, high] (epoch ms) in instant order until `visit` says stop. */
  walkModified(
    type: ObjectType,
    low: number,
    high: number,
    visit: (record: StoredObject, modified: number) => boolean,
  ): void {
    this.objectsOf(type).walkModified(low, high, visit);
  }

  modifiedCount(type: ObjectType, low?: number, high?: number): number {
    return this.objectsOf(type).modifiedCount(low, high);
  }

  /** Ids of live records a merge made (they hold `hs_merged_object_ids`). */
  mergedRecordIds(type: ObjectType): string[] {
    return this.objectsOf(type).mergedIds();
  }

  /** Ids of live contacts holding this email (lower-cased), as their own or an additional one. */
  contactIdsWithEmail(email: string): string[] {
    return this.objectsOf("contacts")
      .withEmail(email)
      .filter((r) => !r.archived)
      .map((r) => r.id);
  }

  definitions(type: ObjectType): Map<string, PropertyDefinition> {
    return this.properties.get(type)!;
  }

  // ---- internals -----------------------------------------------------------------------------------

  private create(
    type: ObjectType,
    properties: Record<string, WriteValue>,
    options: { at?: Date | undefined; enforceReadOnly: boolean; source: PropertySource; held?: boolean },
  ): StoredObject {
    const values = this.validate(type, properties, options.enforceReadOnly, options.held);
    this.assertUniqueValuesFree(type, values);
    if (type === "contacts" && values.email) {
      this.assertEmailFree(values.email);
      this.assertNotBlocklisted(values.email, options.source);
    }
    const at = options.at ?? this.now();
    const id = String(this.nextObjectId++);
    const record: StoredObject = {
      id,
      type,
      properties: {},
      createdAt: at,
      updatedAt: at,
      archived: false,
      writtenAt: Math.min(at.getTime(), this.now().getTime()),
      historyHead: -1,
      createdBy: this.history.sourceIndex(options.source),
    };
    applyValues(record, values);
    const created = values[CREATED_PROPERTY[type]];
    if (created) record.createdAt = new Date(created);
    record.properties[CREATED_PROPERTY[type]] = record.createdAt.toISOString();
    record.properties.hs_object_id = id;
    stampModified(record, at);
    this.objectsOf(type).add(record);
    return record;
  }

  private update(
    type: ObjectType,
    id: string,
    properties: Record<string, WriteValue>,
    options: { at?: Date | undefined; enforceReadOnly: boolean; source: PropertySource },
  ): StoredObject {
    const record = this.find(type, id);
    if (!record) throw notFound("resource not found");
    const values = this.validate(type, properties, options.enforceReadOnly);
    this.assertUniqueValuesFree(type, values, record.id);
    if (type === "contacts" && values.email && values.email !== record.properties.email) {
      this.assertEmailFree(values.email, record.id);
    }
    if (options.enforceReadOnly) dropBackwardLifecycle(record, values);
    // Every write bumps the modified date, even when no value changed, as HubSpot does.
    const at = options.at ?? this.now();
    this.history.written(record, values, at, options.source);
    applyValues(record, values);
    stampModified(record, at);
    record.writtenAt = Math.min(at.getTime(), this.now().getTime());
    this.objectsOf(type).reindex(record);
    return record;
  }

  private validate(
    type: ObjectType,
    properties: Record<string, WriteValue>,
    enforceReadOnly: boolean,
    /** A merge's: the values the merged records hold, a deactivated user's owner id among them. */
    held = false,
  ): Record<string, string | null> {
    const { values, problems } = normaliseWrite(properties, {
      definitions: this.definitions(type),
      ownerIds: held ? new Set(this.owners.keys()) : this.assignableOwnerIds(),
      enforceReadOnly,
    });
    if (problems.length > 0) throw invalidPropertiesError(problems);
    return values;
  }

  /**
   * A property made with `hasUniqueValue` holds each value on one record at most: HubSpot refuses a write
   * that would give a second record a value another holds ("Require unique values for this property",
   * Knowledge Base "Create and edit properties"; contacts may have ten such properties besides email).
   * Email has its own check and answer (`assertEmailFree`).
   */
  private assertUniqueValuesFree(type: ObjectType, values: Record<string, string | null>, exceptId?: string): void {
    const defs = this.definitions(type);
    for (const name in values) {
      const value = values[name];
      if (!value || name === "email" || name === "hs_object_id" || !defs.get(name)?.hasUniqueValue) continue;
      const holder = this.objectsOf(type).holding(name, value);
      if (holder && holder.id !== exceptId) {
        throw invalidPropertiesError([
          {
            name,
            error: "INVALID_UNIQUE_VALUE",
            message: `${value} already has that value on ${type} ${holder.id}: ${name} requires unique values`,
          },
        ]);
      }
    }
  }

  private assertEmailFree(email: string, exceptId?: string): void {
    const existing = this.findByProperty("contacts", "email", email);
    if (existing && existing.id !== exceptId) {
      throw new HubspotApiError(409, "CONFLICT", `Contact already exists. Existing ID: ${existing.id}`, {
        existingId: [existing.id],
      });
    }
  }

  /**
   * A permanently deleted contact's email cannot come back through the app or an import; a form
   * submission and an API request can add it ("A permanently deleted contact may only be added back to
   * your account if: the contact submits a form ... is added through an API request": Knowledge Base,
   * "Perform a permanent delete in HubSpot"). So an integration's create succeeds, and a connector must
   * not make one for a person someone asked to be forgotten.
   */
  private assertNotBlocklisted(email: string, source: PropertySource): void {
    if (source.sourceType !== USER_SOURCE.sourceType || !this.isBlocklisted(email)) return;
    throw new HubspotApiError(
      400,
      "VALIDATION_ERROR",
      `${email} belongs to a permanently deleted contact and cannot be added back`,
    );
  }

  private find(type: ObjectType, id: string): StoredObject | undefined {
    const objects = this.objectsOf(type);
    const direct = objects.get(id) ?? objects.get(this.mergedInto.get(id) ?? "");
    return direct && !direct.archived ? direct : undefined;
  }

  private findByProperty(type: ObjectType, name: string, value: string): StoredObject | undefined {
    const def = this.definitions(type).get(name);
    if (!def) {
      throw new HubspotApiError(400, "VALIDATION_ERROR", `Property "${name}" does not exist`, {
        propertyName: [name],
      });
    }
    if (!def.hasUniqueValue) {
      throw new HubspotApiError(
        400,
        "VALIDATION_ERROR",
        `${name} is not a unique identifier property and cannot be used as idProperty`,
        { idProperty: [name] },
      );
    }
    const isEmail = name === "email";
    const wanted = isEmail ? value.trim().toLowerCase() : value;
    // A merged-away contact's email still finds the contact it was merged into (additional emails).
    if (isEmail) return this.objectsOf(type).withEmail(wanted).find((r) => !r.archived);
    return this.objectsOf(type).holding(name, wanted);
  }

  private objectsOf(type: ObjectType): ObjectTable<StoredObject> {
    return this.objects.get(type)!;
  }
}

const ENGAGEMENTS: ReadonlySet<ObjectType> = new Set(["calls", "emails", "meetings", "tasks"]);

const NEVER_COPIED_ON_MERGE = new Set([
  "hs_object_id",
  "createdate",
  "lastmodifieddate",
  "hs_lastmodifieddate",
  "email",
  "hs_additional_emails",
  "hs_merged_object_ids",
]);

/**
 * A write from the API does not move the lifecycle stage backward: HubSpot answers success and keeps the
 * later stage, unless the property was cleared first in a separate request ("Normally the lifecycle
 * stage cannot move backwards [...] You'd need to first set the value to \"\" (empty string), then (in a
 * separate request) set the earlier lifecycle stage value",
 * https://integrate.hubspot.com/t/update-lifecycle-stage-using-api/1333). Clearing and setting in one
 * request does not help: the request carries one value per property.
 */
function dropBackwardLifecycle(record: StoredObject, values: Record<string, string | null>): void {
  const wanted = values[LIFECYCLE_PROPERTY];
  const held = record.properties[LIFECYCLE_PROPERTY];
  if (wanted === undefined || wanted === null || held === undefined) return;
  const order: readonly string[] = LIFECYCLE_STAGES.map(([value]) => value);
  if (order.indexOf(wanted) < order.indexOf(held)) delete values[LIFECYCLE_PROPERTY];
}

const LIFECYCLE_PROPERTY = "lifecyclestage";

function applyValues(record: StoredObject, values: Record<string, string | null>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === null) delete record.properties[name];
    else record.properties[name] = value;
  }
}

function stampModified(record: StoredObject, at: Date): void {
  record.updatedAt = at;
  record.properties.hs_lastmodifieddate = at.toISOString();
  if (record.type === "contacts") record.properties.lastmodifieddate = at.toISOString();
}

function copy(record: StoredObject | HubspotObject): HubspotObject {
  const out: HubspotObject = {
    id: record.id,
    type: record.type,
    properties: { ...record.properties },
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
    archived: record.archived,
  };
  if (record.archivedAt) out.archivedAt = new Date(record.archivedAt);
  return out;
}

export type { StoredObject };

function copyEvent(e: HubspotEvent): HubspotEvent {
  return {
    id: e.id,
    eventType: e.eventType,
    objectType: e.objectType,
    objectId: e.objectId,
    occurredAt: new Date(e.occurredAt),
    properties: { ...e.properties },
  };
}

/** `;`-joined values, blanks left out: how HubSpot lists merged ids and additional emails. */
function joinIds(values: (string | undefined)[]): string {
  return values.filter((v): v is string => Boolean(v)).join(";");
}
