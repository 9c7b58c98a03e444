// A person's name as leadloop shows it (`hot`, `sla`, digests): the contact's first and last name, the
// blank ones left out. One function, so a name the qualification read and one a write renamed agree.
import { type FieldValue, isBlank } from "../records.js";

export function personName(firstname: FieldValue | undefined, lastname: FieldValue | undefined): string | null {
  return [firstname, lastname].filter((v): v is string => !isBlank(v)).join(" ") || null;
}
