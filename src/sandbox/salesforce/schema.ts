// The org's object schema: the standard objects leadloop touches and the custom fields its README asks
// admins to create, shaped like the describe results of the REST API Developer Guide ("sObject Describe").

export type FieldType =
  | "id"
  | "string"
  | "textarea"
  | "email"
  | "phone"
  | "url"
  | "picklist"
  | "reference"
  | "boolean"
  | "double"
  | "int"
  | "currency"
  | "percent"
  | "date"
  | "datetime";

export interface PicklistEntry {
  active: boolean;
  defaultValue: boolean;
  label: string;
  validFor: null;
  value: string;
}

export interface FieldDescribe {
  name: string;
  label: string;
  type: FieldType;
  length: number;
  precision: number;
  scale: number;
  digits: number;
  byteLength: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  defaultValue: string | boolean | null;
  unique: boolean;
  externalId: boolean;
  idLookup: boolean;
  custom: boolean;
  calculated: boolean;
  nameField: boolean;
  filterable: boolean;
  sortable: boolean;
  groupable: boolean;
  caseSensitive: boolean;
  autoNumber: boolean;
  htmlFormatted: boolean;
  dependentPicklist: boolean;
  restrictedPicklist: boolean;
  picklistValues: PicklistEntry[];
  referenceTo: string[];
  relationshipName: string | null;
  polymorphicForeignKey: boolean;
  cascadeDelete: boolean;
  inlineHelpText: string | null;
  soapType: string;
}

export interface SObjectSchema {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDescribe[];
}

/** What a field is called in SOQL and JSON, whatever case the caller used. */
export function findField(schema: SObjectSchema, name: string): FieldDescribe | undefined {
  const lower = name.toLowerCase();
  return schema.fields.find((f) => f.name.toLowerCase() === lower);
}

/** The reference field behind a relationship name (`Owner` → OwnerId), if there is one. */
export function findRelationship(schema: SObjectSchema, name: string): FieldDescribe | undefined {
  const lower = name.toLowerCase();
  return schema.fields.find((f) => f.relationshipName?.toLowerCase() === lower);
}

const SOAP_TYPES: Record<FieldType, string> = {
  id: "tns:ID",
  string: "xsd:string",
  textarea: "xsd:string",
  email: "xsd:string",
  phone: "xsd:string",
  url: "xsd:string",
  picklist: "xsd:string",
  reference: "tns:ID",
  boolean: "xsd:boolean",
  double: "xsd:double",
  int: "xsd:int",
  currency: "xsd:double",
  percent: "xsd:double",
  date: "xsd:date",
  datetime: "xsd:dateTime",
};

const TEXT_TYPES = new Set<FieldType>([
  "string",
  "textarea",
  "email",
  "phone",
  "url",
  "picklist",
  "id",
  "reference",
]);

export type FieldOptions = Partial<Omit<FieldDescribe, "name" | "type" | "picklistValues">> & {
  picklist?: string[];
  picklistDefault?: string;
  required?: boolean;
  system?: boolean;
};

/** Builds a describe entry with the defaults a standard, editable, optional field has. */
export function field(name: string, type: FieldType, options: FieldOptions = {}): FieldDescribe {
  const { picklist, picklistDefault, required, system, ...overrides } = options;
  const defaultLengths: Partial<Record<FieldType, number>> = {
    id: 18,
    reference: 18,
    string: 255,
    email: 80,
    phone: 40,
    url: 255,
    picklist: 255,
    textarea: 32000,
  };
  const length = overrides.length ?? defaultLengths[type] ?? 0;
  const isText = TEXT_TYPES.has(type);
  const numeric = type === "double" || type === "currency" || type === "percent";
  const editable = !system && type !== "id";
  const describe: FieldDescribe = {
    name,
    label: labelOf(name),
    type,
    length,
    precision: numeric ? 18 : 0,
    scale: numeric ? 2 : 0,
    digits: type === "int" ? 9 : 0,
    byteLength: isText ? length * 3 : 0,
    nillable: !required && type !== "boolean" && type !== "id" && !system,
    createable: editable,
    updateable: editable,
    defaultedOnCreate: type === "boolean" || Boolean(picklistDefault) || type === "id",
    defaultValue: type === "boolean" ? false : null,
    unique: false,
    externalId: false,
    idLookup: type === "id",
    custom: name.endsWith("__c"),
    calculated: false,
    nameField: false,
    filterable: type !== "textarea" || length <= 255,
    sortable: type !== "textarea" || length <= 255,
    groupable: type !== "textarea" && type !== "double" && type !== "datetime",
    caseSensitive: false,
    autoNumber: false,
    htmlFormatted: false,
    dependentPicklist: false,
    restrictedPicklist: false,
    picklistValues: (picklist ?? []).map((value) => ({
      active: true,
      defaultValue: value === picklistDefault,
      label: value,
      validFor: null,
      value,
    })),
    referenceTo: [],
    relationshipName: null,
    polymorphicForeignKey: false,
    cascadeDelete: false,
    inlineHelpText: null,
    soapType: SOAP_TYPES[type],
  };
  if (system) describe.defaultedOnCreate = true;
  return { ...describe, ...overrides };
}

function labelOf(name: string): string {
  const base = name
    .replace(/__c$/, "")
    .replace(/^Leadloop_/, "Leadloop ")
    .replace(/_/g, " ");
  if (base.endsWith("Id") && base.length > 2)
    return base.slice(0, -2).replace(/([a-z])([A-Z])/g, "$1 $2") + " ID";
  return base.replace(/([a-z])([A-Z])/g, "$1 $2");
}

function reference(
  name: string,
  to: string[],
  relationshipName: string,
  options: FieldOptions = {},
): FieldDescribe {
  return field(name, "reference", {
    referenceTo: to,
    relationshipName,
    polymorphicForeignKey: to.length > 1,
    ...options,
  });
}

/** Fields every object here has: Id and the audit fields the platform maintains. */
function systemFields(): FieldDescribe[] {
  return [
    field("Id", "id", { label: "Record ID", nillable: false }),
    field("IsDeleted", "boolean", { label: "Deleted", system: true }),
    field("CreatedDate", "datetime", { label: "Created Date", system: true }),
    reference("CreatedById", ["User"], "CreatedBy", { label: "Created By ID", system: true }),
    field("LastModifiedDate", "datetime", { label: "Last Modified Date", system: true }),
    reference("LastModifiedById", ["User"], "LastModifiedBy", { label: "Last Modified By ID", system: true }),
    field("SystemModstamp", "datetime", { label: "System Modstamp", system: true }),
  ];
}

function owner(): FieldDescribe {
  return reference("OwnerId", ["User"], "Owner", {
    label: "Owner ID",
    defaultedOnCreate: true,
    nillable: false,
  });
}

function masterRecord(type: string): FieldDescribe {
  return reference("MasterRecordId", [type], "MasterRecord", { label: "Master Record ID", system: true });
}

function nameField(): FieldDescribe {
  return field("Name", "string", {
    length: 121,
    system: true,
    calculated: false,
    nameField: true,
    label: "Full Name",
  });
}

/** The fields leadloop's README asks admins to add to Lead and Contact. */
function leadloopPersonFields(): FieldDescribe[] {
  return [
    field("HubSpot_Contact_Id__c", "string", {
      label: "HubSpot Contact ID",
      length: 255,
      externalId: true,
      unique: true,
      idLookup: true,
    }),
    field("Leadloop_Score__c", "double", { label: "Leadloop Score" }),
    field("Leadloop_Fit_Score__c", "double", { label: "Leadloop Fit Score" }),
    field("Leadloop_Behavior_Score__c", "double", { label: "Leadloop Behavior Score" }),
    field("Leadloop_MQL_Date__c", "datetime", { label: "Leadloop MQL Date" }),
    field("Leadloop_Reasons__c", "textarea", { label: "Leadloop Reasons", length: 32768 }),
    field("Leadloop_Activity_Summary__c", "textarea", { label: "Leadloop Activity Summary", length: 32768 }),
    field("Leadloop_Disposition_Reason__c", "string", { label: "Leadloop Disposition Reason", length: 255 }),
  ];
}

function externalIdField(name: string, label: string): FieldDescribe {
  return field(name, "string", { label, length: 255, externalId: true, unique: true, idLookup: true });
}

/** Lead Status as a new org ships it (a restricted picklist). */
export const STANDARD_LEAD_STATUSES = [
  "Open - Not Contacted",
  "Working - Contacted",
  "Closed - Converted",
  "Closed - Not Converted",
];
/** The values the README's Salesforce setup asks the admin to add (trash and unreachable verdicts). */
export const ADMIN_LEAD_STATUSES = ["Closed - Unqualified", "Closed - Unreachable"];
/** Lead Status in an org set up as the README says: the sandbox's org. */
export const LEAD_STATUSES = [...STANDARD_LEAD_STATUSES, ...ADMIN_LEAD_STATUSES];

/** How the emulated org was set up: "configured" as the README asks, or "bare" as a new org ships. */
export type OrgSetup = "configured" | "bare";
export const CONVERTED_LEAD_STATUS = "Closed - Converted";
/** The Lead statuses whose LeadStatus row has IsConverted = true: the only ones a conversion may set. */
export const CONVERTED_LEAD_STATUSES: readonly string[] = [CONVERTED_LEAD_STATUS];
const LEAD_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"];
const INDUSTRIES = [
  "Agriculture",
  "Apparel",
  "Banking",
  "Biotechnology",
  "Chemicals",
  "Communications",
  "Construction",
  "Consulting",
  "Education",
  "Electronics",
  "Energy",
  "Engineering",
  "Entertainment",
  "Environmental",
  "Finance",
  "Food & Beverage",
  "Government",
  "Healthcare",
  "Hospitality",
  "Insurance",
  "Machinery",
  "Manufacturing",
  "Media",
  "Not For Profit",
  "Recreation",
  "Retail",
  "Shipping",
  "Technology",
  "Telecommunications",
  "Transportation",
  "Utilities",
  "Other",
];

/** Standard opportunity stages and what each means for IsClosed/IsWon/Probability (the org default set). */
export const OPPORTUNITY_STAGES: { name: string; probability: number; closed: boolean; won: boolean }[] = [
  { name: "Prospecting", probability: 10, closed: false, won: false },
  { name: "Qualification", probability: 10, closed: false, won: false },
  { name: "Needs Analysis", probability: 20, closed: false, won: false },
  { name: "Value Proposition", probability: 50, closed: false, won: false },
  { name: "Id. Decision Makers", probability: 60, closed: false, won: false },
  { name: "Perception Analysis", probability: 70, closed: false, won: false },
  { name: "Proposal/Price Quote", probability: 75, closed: false, won: false },
  { name: "Negotiation/Review", probability: 90, closed: false, won: false },
  { name: "Closed Won", probability: 100, closed: true, won: true },
  { name: "Closed Lost", probability: 0, closed: true, won: false },
];

function lead(setup: OrgSetup): SObjectSchema {
  return {
    name: "Lead",
    label: "Lead",
    labelPlural: "Leads",
    keyPrefix: "00Q",
    fields: [
      ...systemFields(),
      masterRecord("Lead"),
      field("FirstName", "string", { length: 40 }),
      field("LastName", "string", { length: 80, required: true }),
      nameField(),
      field("Company", "string", { length: 255, required: true }),
      field("Email", "email"),
      field("Phone", "phone"),
      field("MobilePhone", "phone"),
      field("Title", "string", { length: 128 }),
      field("Status", "picklist", {
        picklist: setup === "bare" ? STANDARD_LEAD_STATUSES : LEAD_STATUSES,
        picklistDefault: "Open - Not Contacted",
        restrictedPicklist: true,
        nillable: false,
        defaultValue: "Open - Not Contacted",
      }),
      field("LeadSource", "picklist", { picklist: LEAD_SOURCES }),
      field("Industry", "picklist", { picklist: INDUSTRIES }),
      field("NumberOfEmployees", "int"),
      field("AnnualRevenue", "currency"),
      field("Country", "string", { length: 80 }),
      field("State", "string", { length: 80 }),
      field("City", "string", { length: 40 }),
      field("Street", "textarea", { length: 255 }),
      field("PostalCode", "string", { length: 20 }),
      field("Website", "url"),
      field("Rating", "picklist", { picklist: ["Hot", "Warm", "Cold"] }),
      field("Description", "textarea", { length: 32000 }),
      field("HasOptedOutOfEmail", "boolean", { label: "Email Opt Out" }),
      field("IsConverted", "boolean", { label: "Converted", system: true }),
      field("ConvertedDate", "date", { system: true }),
      reference("ConvertedAccountId", ["Account"], "ConvertedAccount", { system: true }),
      reference("ConvertedContactId", ["Contact"], "ConvertedContact", { system: true }),
      reference("ConvertedOpportunityId", ["Opportunity"], "ConvertedOpportunity", { system: true }),
      owner(),
      ...leadloopPersonFields(),
    ],
  };
}

function contact(): SObjectSchema {
  return {
    name: "Contact",
    label: "Contact",
    labelPlural: "Contacts",
    keyPrefix: "003",
    fields: [
      ...systemFields(),
      masterRecord("Contact"),
      reference("AccountId", ["Account"], "Account"),
      field("FirstName", "string", { length: 40 }),
      field("LastName", "string", { length: 80, required: true }),
      nameField(),
      field("Email", "email"),
      field("Phone", "phone"),
      field("MobilePhone", "phone"),
      field("Title", "string", { length: 128 }),
      field("MailingCountry", "string", { length: 80 }),
      field("MailingState", "string", { length: 80 }),
      field("MailingCity", "string", { length: 40 }),
      field("LeadSource", "picklist", { picklist: LEAD_SOURCES }),
      field("Description", "textarea", { length: 32000 }),
      field("HasOptedOutOfEmail", "boolean", { label: "Email Opt Out" }),
      owner(),
      ...leadloopPersonFields(),
    ],
  };
}

function account(): SObjectSchema {
  return {
    name: "Account",
    label: "Account",
    labelPlural: "Accounts",
    keyPrefix: "001",
    fields: [
      ...systemFields(),
      masterRecord("Account"),
      field("Name", "string", { label: "Account Name", nameField: true, required: true }),
      field("Type", "picklist", {
        picklist: [
          "Prospect",
          "Customer - Direct",
          "Customer - Channel",
          "Channel Partner / Reseller",
          "Installation Partner",
          "Technology Partner",
          "Other",
        ],
      }),
      field("Website", "url"),
      field("Phone", "phone", { label: "Account Phone", length: 40 }),
      field("Industry", "picklist", { picklist: INDUSTRIES }),
      field("NumberOfEmployees", "int"),
      field("AnnualRevenue", "currency"),
      field("BillingCountry", "string", { length: 80 }),
      field("BillingState", "string", { length: 80 }),
      field("BillingCity", "string", { length: 40 }),
      field("Description", "textarea", { length: 32000 }),
      owner(),
      externalIdField("HubSpot_Company_Id__c", "HubSpot Company ID"),
    ],
  };
}

function opportunity(): SObjectSchema {
  return {
    name: "Opportunity",
    label: "Opportunity",
    labelPlural: "Opportunities",
    keyPrefix: "006",
    fields: [
      ...systemFields(),
      reference("AccountId", ["Account"], "Account"),
      field("Name", "string", { length: 120, nameField: true, required: true }),
      field("StageName", "picklist", {
        label: "Stage",
        picklist: OPPORTUNITY_STAGES.map((s) => s.name),
        restrictedPicklist: true,
        required: true,
      }),
      field("Amount", "currency"),
      field("Probability", "percent", { precision: 3, scale: 0, defaultedOnCreate: true }),
      field("CloseDate", "date", { required: true }),
      field("IsClosed", "boolean", { label: "Closed", system: true }),
      field("IsWon", "boolean", { label: "Won", system: true }),
      field("LeadSource", "picklist", { picklist: LEAD_SOURCES }),
      field("Type", "picklist", { picklist: ["Existing Business", "New Business"] }),
      field("Description", "textarea", { length: 32000 }),
      owner(),
      externalIdField("HubSpot_Deal_Id__c", "HubSpot Deal ID"),
    ],
  };
}

/** A contact's part in an opportunity (Opportunity Contact Roles related list). */
function opportunityContactRole(): SObjectSchema {
  return {
    name: "OpportunityContactRole",
    label: "Opportunity Contact Role",
    labelPlural: "Opportunity Contact Role",
    keyPrefix: "00K",
    fields: [
      ...systemFields(),
      reference("OpportunityId", ["Opportunity"], "Opportunity", { required: true, updateable: false }),
      reference("ContactId", ["Contact"], "Contact", { required: true }),
      field("Role", "picklist", {
        picklist: [
          "Business User",
          "Decision Maker",
          "Economic Buyer",
          "Economic Decision Maker",
          "Evaluator",
          "Executive Sponsor",
          "Influencer",
          "Technical Buyer",
          "Other",
        ],
      }),
      field("IsPrimary", "boolean", { label: "Primary" }),
    ],
  };
}

function task(): SObjectSchema {
  return {
    name: "Task",
    label: "Task",
    labelPlural: "Tasks",
    keyPrefix: "00T",
    fields: [
      ...systemFields(),
      field("Subject", "picklist", {
        picklist: ["Call", "Send Letter", "Send Quote", "Other"],
        length: 255,
        restrictedPicklist: false,
      }),
      field("Status", "picklist", {
        picklist: ["Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"],
        picklistDefault: "Not Started",
        defaultValue: "Not Started",
        restrictedPicklist: true,
        nillable: false,
      }),
      // Its values are the org's TaskPriority records (Object Reference, TaskPriority: "the importance or
      // urgency of a task, such as High, Normal, or Low"), as Status's are TaskStatus's: whether an API
      // write of another value is refused is not documented, so it is, the stricter reading.
      field("Priority", "picklist", {
        picklist: ["High", "Normal", "Low"],
        picklistDefault: "Normal",
        defaultValue: "Normal",
        restrictedPicklist: true,
        nillable: false,
      }),
      field("ActivityDate", "date", { label: "Due Date Only" }),
      // A Task's due date carries no time; the hour lives in its reminder (Task object reference:
      // ReminderDateTime "the time when the reminder is scheduled to fire, if IsReminderSet is true").
      field("ReminderDateTime", "datetime", { label: "Reminder Date/Time" }),
      field("IsReminderSet", "boolean", { label: "Reminder Set" }),
      field("Description", "textarea", { length: 32000, label: "Comments" }),
      reference("WhoId", ["Contact", "Lead"], "Who", { label: "Name ID" }),
      reference("WhatId", ["Account", "Opportunity", "Campaign"], "What", { label: "Related To ID" }),
      field("TaskSubtype", "picklist", {
        picklist: ["Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"],
        createable: true,
        updateable: false,
      }),
      field("Type", "picklist", { picklist: ["Call", "Email", "Meeting", "Other"] }),
      field("IsClosed", "boolean", { label: "Closed", system: true }),
      // When the task was saved closed, null while it is open (Task object reference, CompletedDateTime,
      // API 44.0 and later): not moved by later edits, as LastModifiedDate and SystemModstamp are.
      field("CompletedDateTime", "datetime", { label: "Completed Date/Time", system: true }),
      owner(),
      externalIdField("Leadloop_Activity_Key__c", "Leadloop Activity Key"),
    ],
  };
}

function user(): SObjectSchema {
  return {
    name: "User",
    label: "User",
    labelPlural: "Users",
    keyPrefix: "005",
    fields: [
      ...systemFields().filter((f) => f.name !== "IsDeleted"),
      field("Username", "string", { length: 80, required: true, unique: true, idLookup: true }),
      field("Email", "email", { required: true }),
      field("FirstName", "string", { length: 40 }),
      field("LastName", "string", { length: 80, required: true }),
      nameField(),
      field("IsActive", "boolean", { label: "Active" }),
      // The user's manager, a standard hierarchical lookup (User object reference: ManagerId).
      reference("ManagerId", ["User"], "Manager", { label: "Manager ID" }),
    ],
  };
}

/**
 * Campaign: Name required (80), Type and Status the standard picklists, StartDate/EndDate dates, Description
 * long text (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_campaign.htm,
 * https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-campaign.html).
 */
function campaign(): SObjectSchema {
  return {
    name: "Campaign",
    label: "Campaign",
    labelPlural: "Campaigns",
    keyPrefix: "701",
    fields: [
      ...systemFields(),
      field("Name", "string", { length: 80, nameField: true, required: true }),
      field("Type", "picklist", {
        picklist: [
          "Conference",
          "Webinar",
          "Trade Show",
          "Public Relations",
          "Partners",
          "Referral Program",
          "Advertisement",
          "Banner Ads",
          "Direct Mail",
          "Email",
          "Telemarketing",
          "Other",
        ],
      }),
      field("Status", "picklist", {
        picklist: ["Planned", "In Progress", "Completed", "Aborted"],
      }),
      field("StartDate", "date"),
      field("EndDate", "date"),
      field("Description", "textarea", { length: 32000 }),
      field("IsActive", "boolean", { label: "Active" }),
      owner(),
    ],
  };
}

function campaignMember(): SObjectSchema {
  return {
    name: "CampaignMember",
    label: "Campaign Member",
    labelPlural: "Campaign Members",
    keyPrefix: "00v",
    fields: [
      ...systemFields(),
      reference("CampaignId", ["Campaign"], "Campaign", { required: true, updateable: false }),
      reference("LeadId", ["Lead"], "Lead", { updateable: false }),
      reference("ContactId", ["Contact"], "Contact", { updateable: false }),
      field("Status", "picklist", {
        picklist: ["Sent", "Responded"],
        picklistDefault: "Sent",
        defaultValue: "Sent",
      }),
    ],
  };
}

/** A fresh schema per emulator, since `addField` changes it. */
export function standardSchema(setup: OrgSetup = "configured"): Map<string, SObjectSchema> {
  const objects = [
    lead(setup),
    contact(),
    account(),
    opportunity(),
    opportunityContactRole(),
    task(),
    user(),
    campaign(),
    campaignMember(),
  ];
  return new Map(objects.map((o) => [o.name.toLowerCase(), o]));
}
