// Synthetic linked record pairs for the engine benchmarks, made in chunks so 100,000 pairs never sit in
// memory at once: a marketing contact from the seed generator, the Lead leadloop would have created from
// it (the shipped contact↔Lead mapping's own create merge) and the snapshots that create left. Then each
// pair gets the edits the measured merge has to settle: every job title changed in marketing, and every
// tenth Lead's City changed in the CRM (a write the other way).
import type { ObjectMapping } from "../core/mapping.js";
import { mergeRecord } from "../core/merge/merge-record.js";
import type { SnapshotPair } from "../core/merge/types.js";
import { normalizeEmail, type SourceRecord } from "../core/records.js";
import { generateContacts } from "../sandbox/seed/generate.js";
import { contactProperties } from "../sandbox/load-seed.js";

export interface LinkedPair {
  marketing: SourceRecord;
  crm: SourceRecord;
  snapshots: Record<string, SnapshotPair>;
  matchKey: string | null;
}

const LINKED_AT = "2025-01-10T09:00:00.000Z";
const EDITED_AT = "2025-01-12T09:00:00.000Z";
const CRM_EDIT_EVERY = 10;

/** Chunks of linked pairs, `chunkSize` at a time, `total` in all; pairs whose create failed are left out. */
export function* linkedPairChunks(
  leadMapping: ObjectMapping,
  total: number,
  chunkSize: number,
): Generator<LinkedPair[]> {
  let chunk: LinkedPair[] = [];
  let index = 0;
  for (const { contact } of generateContacts({
    seed: 7,
    now: new Date("2025-01-15T12:00:00.000Z"),
    contacts: total,
    activitiesPerContact: 0,
  })) {
    const pair = linkedPair(leadMapping, index++, contactProperties(contact));
    if (pair) chunk.push(pair);
    if (chunk.length === chunkSize) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

function linkedPair(
  mapping: ObjectMapping,
  index: number,
  properties: Record<string, string | undefined>,
): LinkedPair | undefined {
  const id = String(10_001 + index);
  const fields: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(properties)) fields[name] = value ?? null;
  const created = mergeRecord({
    mapping,
    marketing: { object: "contacts", id, fields, modifiedAt: LINKED_AT },
    crm: null,
  });
  if (created.errors.length > 0) return undefined;
  const crmId = `00Q5g${String(index).padStart(10, "0")}AAA`;
  const crmFields: Record<string, string | null> = {
    ...created.toCrm,
    HubSpot_Contact_Id__c: id,
    IsConverted: "false",
    ConvertedContactId: null,
  };
  const crmEdited = index % CRM_EDIT_EVERY === 0;
  if (crmEdited) crmFields.City = `Springfield ${index}`;
  return {
    marketing: {
      object: "contacts",
      id,
      fields: { ...fields, jobtitle: `Edited title ${index}` },
      modifiedAt: EDITED_AT,
    },
    crm: { object: "Lead", id: crmId, fields: crmFields, modifiedAt: crmEdited ? EDITED_AT : LINKED_AT },
    snapshots: created.snapshots,
    matchKey: normalizeEmail(fields.email),
  };
}
