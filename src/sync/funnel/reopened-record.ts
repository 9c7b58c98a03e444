// The write that opens a requalified person's CRM record again (README "Recycle and trash"): the lead
// status back to the open status a handoff gives, and the revoked verdict's reason blanked beside it.
// Decided by `requalify` itself, and again after a lost store by the dispositions when the record still
// shows the revoked verdict (revoked-verdicts.ts): one write, one outbox key, whoever decides it.
import type { OutboxWrite } from "../../store/port.js";

/** Where the CRM keeps the lead status and the reason a rep types beside it (null where it keeps none). */
export interface StatusPlace {
  system: string;
  object: string;
  field: string;
  reasonField: string | null;
}

export function reopenedRecordWrite(
  where: StatusPlace,
  person: { personId: string; email: string | null; crmId: string },
  openStatus: string,
  rule: string,
): OutboxWrite {
  return {
    key: `disposition:${person.personId}:record`,
    phase: "requalify",
    side: "crm",
    system: where.system,
    object: where.object,
    recordId: person.crmId,
    upsertOn: null,
    associations: [],
    fields: [
      { field: where.field, before: null, after: openStatus, rule },
      ...(where.reasonField ? [{ field: where.reasonField, before: null, after: null, rule }] : []),
    ],
    personId: person.personId,
    email: person.email,
    group: null,
  };
}
