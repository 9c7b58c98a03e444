// A rep's verdict on a lead, read from the CRM's lead status through the definition's map, and the stage
// each verdict leads to. A status the map declares as "no verdict yet" (new, open) means nothing; one the
// map does not know at all is a configuration gap the caller reports, never a silent skip.
import { textWithin } from "../text/within.js";
import type { FieldValues } from "../records.js";
import type { Stage } from "./stages.js";

/** The verdicts that move a person in the funnel, and `working`, which is only a touch. */
export const DISPOSITIONS = ["qualified", "recycle", "trash", "unreachable", "working"] as const;
export type Disposition = (typeof DISPOSITIONS)[number];
/** What a status may mean in the definition's map: a disposition, or `none` (no verdict yet). */
export const DISPOSITION_MEANINGS = [...DISPOSITIONS, "none"] as const;
export type DispositionMeaning = (typeof DISPOSITION_MEANINGS)[number];

export interface DispositionEntry {
  /** The CRM's lead status value, as the CRM spells it. */
  status: string;
  disposition: DispositionMeaning;
  /** Why, in the marketer's words; empty for a status that is no verdict yet. */
  reason: string;
}

/** Per CRM (the configuration's name for it), its lead status values and what each means. */
export type DispositionMaps = Readonly<Record<string, readonly DispositionEntry[]>>;

export type DispositionCounts = Record<Disposition, number>;

export function noDispositions(): DispositionCounts {
  return { qualified: 0, recycle: 0, trash: 0, unreachable: 0, working: 0 };
}

const STAGE_BY_DISPOSITION: Readonly<Record<Disposition, Stage | null>> = {
  qualified: "sal",
  // Back to nurture: the contact's lifecycle returns to lead.
  recycle: "recycled",
  trash: "trash",
  unreachable: "unreachable",
  // The rep is on it: a touch on the follow-up clock, not a move.
  working: null,
};

/** The stage a disposition moves a person to; null for `working`, which moves no one. */
export function stageForDisposition(disposition: Disposition): Stage | null {
  return STAGE_BY_DISPOSITION[disposition];
}

/**
 * A lead status leadloop reads on a record for the first time, of a person it never handed off and knows
 * no restored move of, is the record's standing at leadloop's first look (a Lead a rep closed months before
 * the connector was installed): history, not a verdict leadloop closed the loop on, so it counts no
 * disposition, moves no one and writes nothing to the contact (ARCHITECTURE.md "One run", step 4).
 */
export function standsFromBeforeFirstLook(status: { seenBefore: boolean; handedOff: boolean; restored: boolean }): boolean {
  return !status.seenBefore && !status.handedOff && !status.restored;
}

/** True for a status that gives a verdict moving the person to another stage (recycle, trash, …; not working). */
export function closesRecord(status: string | null | undefined, definition: { dispositions: DispositionMaps }, crm: string): boolean {
  const reading = readStatus(status, definition, crm);
  return reading.kind === "verdict" && stageForDisposition(reading.entry.disposition) !== null;
}

/** True for a status saying the rep is working the lead ("Working - Contacted", HubSpot's IN_PROGRESS). */
export function isWorkingStatus(status: string | null | undefined, definition: { dispositions: DispositionMaps }, crm: string): boolean {
  const reading = readStatus(status, definition, crm);
  return reading.kind === "verdict" && reading.entry.disposition === "working";
}

export type StatusReading =
  | { kind: "blank" }
  | { kind: "none"; entry: DispositionEntry }
  | { kind: "verdict"; entry: DispositionEntry & { disposition: Disposition } }
  | { kind: "unknown"; status: string };

/**
 * What a lead status means in one CRM's map. Compared trimmed and ignoring case, as statuses get retyped.
 * A blank status is no verdict; a status the map does not list is `unknown`.
 */
export function readStatus(
  status: string | null | undefined,
  definition: { dispositions: DispositionMaps },
  crm: string,
): StatusReading {
  if (status === null || status === undefined || status.trim() === "") return { kind: "blank" };
  const entry = findEntry(status, definition.dispositions[crm] ?? []);
  if (!entry) return { kind: "unknown", status };
  if (entry.disposition === "none") return { kind: "none", entry };
  return { kind: "verdict", entry: { ...entry, disposition: entry.disposition } };
}

/**
 * The disposition a lead status means, or null when it means none (yet) or is not in the map; `crm`
 * limits the look-up to that CRM's map, otherwise maps are tried in order.
 */
export function dispositionFor(
  status: string | null | undefined,
  definition: { dispositions: DispositionMaps },
  crm?: string,
): (DispositionEntry & { disposition: Disposition }) | null {
  if (status === null || status === undefined || status.trim() === "") return null;
  const maps =
    crm === undefined ? Object.values(definition.dispositions) : [definition.dispositions[crm] ?? []];
  for (const map of maps) {
    const entry = findEntry(status, map);
    if (entry) return entry.disposition === "none" ? null : { ...entry, disposition: entry.disposition };
  }
  return null;
}

function findEntry(status: string, map: readonly DispositionEntry[]): DispositionEntry | undefined {
  const wanted = status.trim().toLowerCase();
  return map.find((e) => e.status.trim().toLowerCase() === wanted);
}

/**
 * The marketing contact's lead status for where a rep's verdict or a conversion leaves a person, for a
 * CRM whose statuses no mapping carries to marketing (the marketing system's internal lead status values,
 * kept as plain data). It follows the stage, not the verdict alone: sales accepting someone (SAL, a Lead
 * converted without an Opportunity included) is CONNECTED, and OPEN_DEAL says a deal is open, so only a
 * move to opportunity writes it. `working` moves no one: the rep is on it.
 */
const MARKETING_LEAD_STATUS: Readonly<Partial<Record<Stage | "working", string>>> = {
  working: "IN_PROGRESS",
  sal: "CONNECTED",
  opportunity: "OPEN_DEAL",
  recycled: "BAD_TIMING",
  trash: "UNQUALIFIED",
  unreachable: "ATTEMPTED_TO_CONTACT",
};

/**
 * The contact's lead status for where a person stands; null for a stage it says nothing of (won and lost,
 * whose move blanks it with the deal's outcome: deal-outcome.ts).
 */
export function marketingLeadStatusFor(where: Stage | "working"): string | null {
  return MARKETING_LEAD_STATUS[where] ?? null;
}

/** The marketing contact's lead status property. */
export const LEAD_STATUS_FIELD = "hs_lead_status";

/** The contact's lead status for a stage, as the field to write; nothing for a stage it says nothing of. */
export function leadStatusValues(stage: Stage): FieldValues {
  const status = marketingLeadStatusFor(stage);
  return status === null ? {} : { [LEAD_STATUS_FIELD]: status };
}

/** The contact properties a verdict leaves its reason and date in. */
export const DISPOSITION_REASON_FIELD = "leadloop_disposition_reason";
export const DISPOSITION_DATE_FIELD = "leadloop_disposition_date";

/**
 * What `leadloop_disposition_reason` holds: a single-line text property, up to 65,536 characters
 * (https://developers.hubspot.com/docs/api/crm/properties, "Property type and fieldType values").
 */
export const DISPOSITION_REASON_MAX_LENGTH = 65_536;

/**
 * The reason a verdict leaves on the contact: the rep's own words, typed beside the status on the CRM
 * record (trimmed), or the map's reason for the status when the rep typed none. Like the other texts
 * leadloop writes itself (score reasons, summaries, task subjects), a reason longer than the property
 * holds is cut to fit, at a whole character (never half an emoji), rather than refused.
 */
export function verdictReason(typed: string | null | undefined, mapReason: string): string {
  const text = typed?.trim() ?? "";
  if (text === "") return mapReason;
  return textWithin(text, DISPOSITION_REASON_MAX_LENGTH);
}

/**
 * What a rep's verdict writes on the marketing contact beside its stage (the stage the verdict moves the
 * person to): the reason and date, and the contact's lead status for that stage unless a mapping carries
 * the CRM's status there already. One definition for a verdict read from a lead status and for a Lead's
 * conversion.
 */
export function verdictValues(stage: Stage, reason: string, at: string, withLeadStatus: boolean): FieldValues {
  return {
    [DISPOSITION_REASON_FIELD]: reason,
    [DISPOSITION_DATE_FIELD]: at,
    ...(withLeadStatus ? leadStatusValues(stage) : {}),
  };
}

/**
 * What `requalify` writes beside the stage: the verdict it revokes, its reason and date blanked, so the
 * contact does not show "Rep found the lead unqualified" next to a person back in the funnel.
 */
export function revokedVerdictValues(): FieldValues {
  return { [DISPOSITION_REASON_FIELD]: null, [DISPOSITION_DATE_FIELD]: null };
}

/** The status a CRM record is set back to when its person is handed off again: the map's first "none". */
export function reopenStatus(definition: { dispositions: DispositionMaps }, crm: string): string | null {
  return (definition.dispositions[crm] ?? []).find((e) => e.disposition === "none")?.status ?? null;
}
