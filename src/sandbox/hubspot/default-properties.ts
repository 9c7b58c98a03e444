// The default property catalogue per object type: the HubSpot-defined properties a connector reads and
// writes, with HubSpot's internal names, types and option values (Properties API, default properties).
import type { ObjectType } from "./object-types.js";
import {
  bool,
  choice,
  datetime,
  num,
  ownerProperty,
  type PropertyDefinition,
  phone,
  richText,
  text,
} from "./property-definitions.js";

export const LIFECYCLE_STAGES = [
  ["subscriber", "Subscriber"],
  ["lead", "Lead"],
  ["marketingqualifiedlead", "Marketing Qualified Lead"],
  ["salesqualifiedlead", "Sales Qualified Lead"],
  ["opportunity", "Opportunity"],
  ["customer", "Customer"],
  ["evangelist", "Evangelist"],
  ["other", "Other"],
] as const;

export const LEAD_STATUSES = [
  ["NEW", "New"],
  ["OPEN", "Open"],
  ["IN_PROGRESS", "In Progress"],
  ["OPEN_DEAL", "Open Deal"],
  ["UNQUALIFIED", "Unqualified"],
  ["ATTEMPTED_TO_CONTACT", "Attempted to Contact"],
  ["CONNECTED", "Connected"],
  ["BAD_TIMING", "Bad Timing"],
] as const;

const ANALYTICS_SOURCES = [
  ["ORGANIC_SEARCH", "Organic Search"],
  ["PAID_SEARCH", "Paid Search"],
  ["EMAIL_MARKETING", "Email Marketing"],
  ["SOCIAL_MEDIA", "Organic Social"],
  ["REFERRALS", "Referrals"],
  ["OTHER_CAMPAIGNS", "Other Campaigns"],
  ["DIRECT_TRAFFIC", "Direct Traffic"],
  ["OFFLINE", "Offline Sources"],
  ["PAID_SOCIAL", "Paid Social"],
] as const;

// Employment Seniority: an enumeration HubSpot's enrichment fills from the job title (HubSpot's
// default contact properties: hs_seniority, type enumeration, field type select).
const SENIORITIES = [
  ["owner", "Owner"],
  ["partner", "Partner"],
  ["executive", "Executive"],
  ["vp", "VP"],
  ["director", "Director"],
  ["manager", "Manager"],
  ["employee", "Employee"],
] as const;

// Number of Employees on a contact is an enumeration of bands (a form field), unlike the company's
// numberofemployees, which is a number.
const EMPLOYEE_RANGES = [
  ["1-5", "1-5"],
  ["5-25", "5-25"],
  ["25-50", "25-50"],
  ["50-100", "50-100"],
  ["100-500", "100-500"],
  ["500-1000", "500-1000"],
  ["1000+", "1000+"],
] as const;

// A subset of HubSpot's company industry options (the full list has ~150 values).
const COMPANY_INDUSTRIES = [
  ["ACCOUNTING", "Accounting"],
  ["AUTOMOTIVE", "Automotive"],
  ["BANKING", "Banking"],
  ["BIOTECHNOLOGY", "Biotechnology"],
  ["COMPUTER_HARDWARE", "Computer Hardware"],
  ["COMPUTER_SOFTWARE", "Computer Software"],
  ["CONSTRUCTION", "Construction"],
  ["CONSUMER_GOODS", "Consumer Goods"],
  ["EDUCATION_MANAGEMENT", "Education Management"],
  ["FINANCIAL_SERVICES", "Financial Services"],
  ["HIGHER_EDUCATION", "Higher Education"],
  ["HOSPITAL_HEALTH_CARE", "Hospital & Health Care"],
  ["INFORMATION_TECHNOLOGY_AND_SERVICES", "Information Technology and Services"],
  ["INSURANCE", "Insurance"],
  ["INTERNET", "Internet"],
  ["LOGISTICS_AND_SUPPLY_CHAIN", "Logistics and Supply Chain"],
  ["MANAGEMENT_CONSULTING", "Management Consulting"],
  ["MARKETING_AND_ADVERTISING", "Marketing and Advertising"],
  ["MECHANICAL_OR_INDUSTRIAL_ENGINEERING", "Mechanical or Industrial Engineering"],
  ["NON_PROFIT_ORGANIZATION_MANAGEMENT", "Non-Profit Organization Management"],
  ["PHARMACEUTICALS", "Pharmaceuticals"],
  ["REAL_ESTATE", "Real Estate"],
  ["RETAIL", "Retail"],
  ["TELECOMMUNICATIONS", "Telecommunications"],
  ["UTILITIES", "Utilities"],
] as const;

function contactProperties(): PropertyDefinition[] {
  const info = "contactinformation";
  return [
    text("email", "Email", info, { unique: true }),
    text("firstname", "First Name", info),
    text("lastname", "Last Name", info),
    text("company", "Company Name", info),
    text("jobtitle", "Job Title", info),
    choice("hs_seniority", "Employment Seniority", info, SENIORITIES),
    phone("phone", "Phone Number", info),
    phone("mobilephone", "Mobile Phone Number", info),
    text("country", "Country/Region", info),
    text("state", "State/Region", info),
    text("city", "City", info),
    text("zip", "Postal Code", info),
    text("address", "Street Address", info),
    text("website", "Website URL", info),
    text("industry", "Industry", info),
    choice("numemployees", "Number of Employees", info, EMPLOYEE_RANGES),
    text("annualrevenue", "Annual Revenue", info),
    choice("lifecyclestage", "Lifecycle Stage", info, LIFECYCLE_STAGES),
    choice("hs_lead_status", "Lead Status", "sales_properties", LEAD_STATUSES),
    ownerProperty(),
    num("hubspotscore", "HubSpot Score", info, { calculated: true, readOnly: true }),
    choice("hs_analytics_source", "Original Traffic Source", "analyticsinformation", ANALYTICS_SOURCES, {
      readOnly: true,
    }),
    // The drill-downs name the campaign, search term or referrer behind the original source.
    text("hs_analytics_source_data_1", "Original Traffic Source Drill-Down 1", "analyticsinformation", {
      readOnly: true,
    }),
    text("hs_analytics_source_data_2", "Original Traffic Source Drill-Down 2", "analyticsinformation", {
      readOnly: true,
    }),
    // The campaigns of the contact's first and last converting touches, by the campaign's id (the app shows
    // its name; lists and filters take the id): a GUID of the campaigns API. Set by HubSpot, read-only.
    text("hs_analytics_first_touch_converting_campaign", "First Touch Converting Campaign", "analyticsinformation", {
      readOnly: true,
    }),
    text("hs_analytics_last_touch_converting_campaign", "Last Touch Converting Campaign", "analyticsinformation", {
      readOnly: true,
    }),
    num("hs_analytics_num_page_views", "Number of Pageviews", "analyticsinformation", { readOnly: true }),
    num("hs_analytics_num_visits", "Number of Sessions", "analyticsinformation", { readOnly: true }),
    datetime("hs_analytics_last_visit_timestamp", "Time of Last Session", "analyticsinformation", {
      readOnly: true,
    }),
    datetime("hs_analytics_first_visit_timestamp", "Time of First Session", "analyticsinformation", {
      readOnly: true,
    }),
    datetime("hs_analytics_last_timestamp", "Time Last Seen", "analyticsinformation", { readOnly: true }),
    datetime("hs_analytics_first_timestamp", "Time First Seen", "analyticsinformation", { readOnly: true }),
    text("hs_analytics_last_url", "Last Page Seen", "analyticsinformation", { readOnly: true }),
    text("hs_analytics_first_url", "First Page Seen", "analyticsinformation", { readOnly: true }),
    num("num_conversion_events", "Number of Form Submissions", "conversioninformation", { readOnly: true }),
    datetime("first_conversion_date", "First Conversion Date", "conversioninformation", { readOnly: true }),
    text("first_conversion_event_name", "First Conversion", "conversioninformation", { readOnly: true }),
    datetime("recent_conversion_date", "Recent Conversion Date", "conversioninformation", { readOnly: true }),
    text("recent_conversion_event_name", "Recent Conversion", "conversioninformation", { readOnly: true }),
    num("num_unique_conversion_events", "Number of Unique Forms Submitted", "conversioninformation", {
      readOnly: true,
    }),
    bool("hs_email_optout", "Unsubscribed from all email", "emailinformation", { readOnly: true }),
    num("hs_email_bounce", "Marketing emails bounced", "emailinformation", { readOnly: true }),
    num("hs_email_open", "Marketing emails opened", "emailinformation", { readOnly: true }),
    num("hs_email_click", "Marketing emails clicked", "emailinformation", { readOnly: true }),
    datetime("hs_email_last_open_date", "Last marketing email open date", "emailinformation", {
      readOnly: true,
    }),
    datetime("hs_email_last_click_date", "Last marketing email click date", "emailinformation", {
      readOnly: true,
    }),
    datetime("hs_email_first_open_date", "First marketing email open date", "emailinformation", {
      readOnly: true,
    }),
    datetime("hs_email_first_click_date", "First marketing email click date", "emailinformation", {
      readOnly: true,
    }),
    text("hs_email_last_email_name", "Last marketing email name", "emailinformation", { readOnly: true }),
    datetime("hs_sales_email_last_replied", "Recent Sales Email Replied Date", "emailinformation", {
      readOnly: true,
    }),
    num("associatedcompanyid", "Primary Associated Company ID", info),
    text("hs_additional_emails", "Additional email addresses", info, { readOnly: true }),
    text("hs_merged_object_ids", "Merged Contact IDs", info, { readOnly: true }),
    datetime("createdate", "Create Date", info),
    datetime("lastmodifieddate", "Last Modified Date", info, { readOnly: true }),
    datetime("hs_lastmodifieddate", "Object last modified date/time", info, { readOnly: true }),
    num("hs_object_id", "Record ID", info, { readOnly: true, unique: true }),
  ];
}

function companyProperties(): PropertyDefinition[] {
  const info = "companyinformation";
  return [
    text("name", "Company name", info),
    text("domain", "Company Domain Name", info),
    choice("industry", "Industry", info, COMPANY_INDUSTRIES),
    num("numberofemployees", "Number of Employees", info),
    num("annualrevenue", "Annual Revenue", info),
    text("country", "Country/Region", info),
    text("state", "State/Region", info),
    text("city", "City", info),
    text("zip", "Postal Code", info),
    text("address", "Street Address", info),
    phone("phone", "Phone Number", info),
    text("website", "Website URL", info),
    text("description", "Description", info),
    choice("type", "Type", info, [
      ["PROSPECT", "Prospect"],
      ["PARTNER", "Partner"],
      ["RESELLER", "Reseller"],
      ["VENDOR", "Vendor"],
      ["OTHER", "Other"],
    ]),
    choice("lifecyclestage", "Lifecycle Stage", info, LIFECYCLE_STAGES),
    ownerProperty(),
    text("hs_merged_object_ids", "Merged Company IDs", info, { readOnly: true }),
    datetime("createdate", "Create Date", info),
    datetime("hs_lastmodifieddate", "Last Modified Date", info, { readOnly: true }),
    num("hs_object_id", "Record ID", info, { readOnly: true, unique: true }),
  ];
}

export const DEAL_STAGES = [
  ["appointmentscheduled", "Appointment Scheduled"],
  ["qualifiedtobuy", "Qualified To Buy"],
  ["presentationscheduled", "Presentation Scheduled"],
  ["decisionmakerboughtin", "Decision Maker Bought-In"],
  ["contractsent", "Contract Sent"],
  ["closedwon", "Closed Won"],
  ["closedlost", "Closed Lost"],
] as const;

function dealProperties(): PropertyDefinition[] {
  const info = "dealinformation";
  return [
    text("dealname", "Deal Name", info),
    num("amount", "Amount", info),
    choice("dealstage", "Deal Stage", info, DEAL_STAGES),
    choice("pipeline", "Pipeline", info, [["default", "Sales Pipeline"]]),
    datetime("closedate", "Close Date", info),
    text("closed_lost_reason", "Closed Lost Reason", info),
    choice("dealtype", "Deal Type", info, [
      ["newbusiness", "New Business"],
      ["existingbusiness", "Existing Business"],
    ]),
    text("description", "Deal Description", info),
    ownerProperty(),
    datetime("createdate", "Create Date", info),
    datetime("hs_lastmodifieddate", "Last Modified Date", info, { readOnly: true }),
    num("hs_object_id", "Record ID", info, { readOnly: true, unique: true }),
  ];
}

function taskProperties(): PropertyDefinition[] {
  const info = "task";
  return [
    text("hs_task_subject", "Task Title", info),
    // Rich text, as the portal's task notes are: the app shows it as HTML, so a "\n" does not break a line.
    richText("hs_task_body", "Notes", info),
    choice("hs_task_status", "Task Status", info, [
      ["NOT_STARTED", "Not started"],
      ["IN_PROGRESS", "In progress"],
      ["WAITING", "Waiting"],
      ["COMPLETED", "Completed"],
      ["DEFERRED", "Deferred"],
    ]),
    choice("hs_task_priority", "Priority", info, [
      ["NONE", "None"],
      ["LOW", "Low"],
      ["MEDIUM", "Medium"],
      ["HIGH", "High"],
    ]),
    choice("hs_task_type", "Task Type", info, [
      ["CALL", "Call"],
      ["EMAIL", "Email"],
      ["LINKED_IN", "LinkedIn"],
      ["MEETING", "Meeting"],
      ["TODO", "To-do"],
    ]),
    datetime("hs_timestamp", "Due date", info),
    ownerProperty(),
    datetime("hs_createdate", "Create date", info),
    datetime("hs_lastmodifieddate", "Last Modified Date", info, { readOnly: true }),
    num("hs_object_id", "Record ID", info, { readOnly: true, unique: true }),
  ];
}

function noteProperties(): PropertyDefinition[] {
  const info = "note";
  return [
    text("hs_note_body", "Note body", info),
    datetime("hs_timestamp", "Activity date", info),
    ownerProperty(),
    datetime("hs_createdate", "Create date", info),
    datetime("hs_lastmodifieddate", "Last Modified Date", info, { readOnly: true }),
    num("hs_object_id", "Record ID", info, { readOnly: true, unique: true }),
  ];
}

/** What every engagement carries: when it happened, its owner, and the record's own dates and id. */
function engagementBase(info: string): PropertyDefinition[] {
  return [
    datetime("hs_timestamp", "Activity date", info),
    ownerProperty(),
    datetime("hs_createdate", "Create date", info),
    datetime("hs_lastmodifieddate", "Last Modified Date", info, { readOnly: true }),
    num("hs_object_id", "Record ID", info, { readOnly: true, unique: true }),
  ];
}

// Calls, emails and meetings as the engagement references list their default properties
// (https://developers.hubspot.com/docs/api/crm/calls, /emails, /meetings).
function callProperties(): PropertyDefinition[] {
  const info = "call";
  return [
    text("hs_call_title", "Call title", info),
    text("hs_call_body", "Call notes", info),
    num("hs_call_duration", "Call duration", info),
    choice("hs_call_direction", "Call direction", info, [
      ["INBOUND", "Inbound"],
      ["OUTBOUND", "Outbound"],
    ]),
    choice("hs_call_status", "Call status", info, [
      ["BUSY", "Busy"],
      ["CALLING_CRM_USER", "Calling CRM user"],
      ["CANCELED", "Canceled"],
      ["COMPLETED", "Completed"],
      ["CONNECTING", "Connecting"],
      ["FAILED", "Failed"],
      ["IN_PROGRESS", "In progress"],
      ["NO_ANSWER", "No answer"],
      ["QUEUED", "Queued"],
      ["RINGING", "Ringing"],
    ]),
    text("hs_call_to_number", "To number", info),
    text("hs_call_from_number", "From number", info),
    ...engagementBase(info),
  ];
}

function emailProperties(): PropertyDefinition[] {
  const info = "email";
  return [
    text("hs_email_subject", "Email subject", info),
    text("hs_email_text", "Email body", info),
    choice("hs_email_direction", "Email direction", info, [
      ["EMAIL", "Email sent from CRM"],
      ["INCOMING_EMAIL", "Email reply"],
      ["FORWARDED_EMAIL", "Forwarded email"],
    ]),
    choice("hs_email_status", "Email send status", info, [
      ["BOUNCED", "Bounced"],
      ["FAILED", "Failed"],
      ["SCHEDULED", "Scheduled"],
      ["SENDING", "Sending"],
      ["SENT", "Sent"],
    ]),
    ...engagementBase(info),
  ];
}

function meetingProperties(): PropertyDefinition[] {
  const info = "meeting";
  return [
    text("hs_meeting_title", "Meeting name", info),
    text("hs_meeting_body", "Meeting description", info),
    datetime("hs_meeting_start_time", "Start time", info),
    datetime("hs_meeting_end_time", "End time", info),
    choice("hs_meeting_outcome", "Meeting outcome", info, [
      ["SCHEDULED", "Scheduled"],
      ["COMPLETED", "Completed"],
      ["RESCHEDULED", "Rescheduled"],
      ["NO_SHOW", "No show"],
      ["CANCELED", "Canceled"],
    ]),
    ...engagementBase(info),
  ];
}

export function defaultProperties(type: ObjectType): PropertyDefinition[] {
  switch (type) {
    case "contacts":
      return contactProperties();
    case "companies":
      return companyProperties();
    case "deals":
      return dealProperties();
    case "tasks":
      return taskProperties();
    case "notes":
      return noteProperties();
    case "calls":
      return callProperties();
    case "emails":
      return emailProperties();
    case "meetings":
      return meetingProperties();
  }
}

/** What a read returns when no `properties` are asked for (CRM objects API, "default properties"). */
export const DEFAULT_READ_PROPERTIES: Record<ObjectType, readonly string[]> = {
  contacts: ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
  companies: ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
  deals: [
    "amount",
    "closedate",
    "createdate",
    "dealname",
    "dealstage",
    "hs_lastmodifieddate",
    "hs_object_id",
    "pipeline",
  ],
  tasks: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  notes: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  calls: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  emails: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
  meetings: ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"],
};

/** The property that records when each type was created and last modified. */
export const CREATED_PROPERTY: Record<ObjectType, string> = {
  contacts: "createdate",
  companies: "createdate",
  deals: "createdate",
  tasks: "hs_createdate",
  notes: "hs_createdate",
  calls: "hs_createdate",
  emails: "hs_createdate",
  meetings: "hs_createdate",
};
