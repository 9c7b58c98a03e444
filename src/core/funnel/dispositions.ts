// A rep's verdict on a lead, read from the CRM's lead status through the definition's map, and the stage
// each verdict leads to. Statuses not in the map (new, open) are no verdict yet.
import type { Stage } from "./stages.js";

export const DISPOSITIONS = ["qualified", "recycle", "trash", "unreachable"] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export interface DispositionEntry {
  /** The CRM's lead status value, as the CRM spells it. */
  status: string;
  disposition: Disposition;
  reason: string;
}

/** Per CRM (the configuration's name for it), its lead status values that carry a disposition. */
export type DispositionMaps = Readonly<Record<string, readonly DispositionEntry[]>>;

const STAGE_BY_DISPOSITION: Readonly<Record<Disposition, Stage>> = {
  qualified: "sal",
  // Back to nurture: the contact's lifecycle returns to lead.
  recycle: "recycled",
  trash: "trash",
  unreachable: "unreachable",
};

export function stageForDisposition(disposition: Disposition): Stage {
  return STAGE_BY_DISPOSITION[disposition];
}

/**
 * The disposition a lead status means, or null when it means none yet. Compared trimmed and ignoring case,
 * as statuses get retyped; `crm` limits the look-up to that CRM's map, otherwise maps are tried in order.
 */
export function dispositionFor(
  status: string | null | undefined,
  definition: { dispositions: DispositionMaps },
  crm?: string,
): DispositionEntry | null {
  if (status === null || status === undefined) return null;
  const wanted = status.trim().toLowerCase();
  if (wanted === "") return null;
  const maps =
    crm === undefined ? Object.values(definition.dispositions) : [definition.dispositions[crm] ?? []];
  for (const map of maps) {
    const entry = map.find((e) => e.status.trim().toLowerCase() === wanted);
    if (entry) return entry;
  }
  return null;
}
