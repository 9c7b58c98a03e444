// When a person became a customer, as leadloop knows it: the close of the won deal it left on the contact
// (`leadloop_status` won, `leadloop_disposition_date`), from which the customer score counts behaviour
// (ARCHITECTURE.md "Customers and the upsell signal"). Pure: qualification reads the contact, this its fields.
import { type FieldValues, instantOf } from "../records.js";
import { DISPOSITION_DATE_FIELD } from "./dispositions.js";

/** The won deal's close as an ISO time; null for anyone leadloop did not see win (a customer account's people). */
export function customerSince(person: Readonly<FieldValues>): string | null {
  if (person.leadloop_status?.trim().toLowerCase() !== "won") return null;
  return instantOf(person[DISPOSITION_DATE_FIELD]);
}
