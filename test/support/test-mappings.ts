// Small, explicit mappings for engine tests, so each test states the rules it relies on instead of
// depending on the shipped defaults.
import type { ConflictRule, FieldMapping, ObjectMapping } from "../../src/core/mapping.js";

const trimLower = [{ kind: "trim" as const }, { kind: "case" as const, to: "lower" as const }];

function field(
  marketing: string,
  crm: string,
  conflict: ConflictRule,
  extra: Partial<FieldMapping> = {},
): FieldMapping {
  return { marketing, crm, direction: "both", conflict, transforms: [{ kind: "trim" }], ...extra };
}

export function contactMappings(titleRule: ConflictRule = "prefer_crm"): ObjectMapping[] {
  const common = [
    field("email", "Email", "prefer_crm_unless_blank", { transforms: trimLower }),
    field("firstname", "FirstName", "prefer_crm_unless_blank"),
    field("jobtitle", "Title", titleRule),
    field("phone", "Phone", "most_recent"),
  ];
  return [
    {
      name: "contact-lead",
      pair: "contact",
      marketingObject: "contacts",
      crmObject: "Lead",
      source: "test",
      match: { marketing: "email", crm: "Email", normalize: "email" },
      crmExternalId: "HubSpot_Contact_Id__c",
      conversion: { flag: "IsConverted", idField: "ConvertedContactId", object: "Contact" },
      fields: [
        ...common,
        field("lastname", "LastName", "prefer_crm_unless_blank", {
          transforms: [{ kind: "trim" }, { kind: "default", value: "[not provided]" }],
        }),
        field("company", "Company", "prefer_crm_unless_blank", {
          transforms: [{ kind: "trim" }, { kind: "default", value: "[not provided]" }],
        }),
      ],
    },
    {
      name: "contact-contact",
      pair: "contact",
      marketingObject: "contacts",
      crmObject: "Contact",
      source: "test",
      match: { marketing: "email", crm: "Email", normalize: "email" },
      crmExternalId: "HubSpot_Contact_Id__c",
      fields: [
        ...common,
        field("lastname", "LastName", "prefer_crm_unless_blank", {
          transforms: [{ kind: "trim" }, { kind: "default", value: "[not provided]" }],
        }),
      ],
    },
  ];
}
