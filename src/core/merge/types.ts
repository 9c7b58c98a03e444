// What the per-field three-way merge takes and returns: both records (or null for one not created yet),
// the snapshot of what each side held after the last sync, and the writes, decisions, conflicts and
// errors it produced, with the snapshots to store once the writes succeed.
import type { ConflictRule, FieldMapping, ObjectMapping } from "../mapping.js";
import type { ChangeTimeBasis, FieldValue, FieldValues, SourceRecord } from "../records.js";

export const MERGE_ACTIONS = ["write_crm", "write_marketing", "none"] as const;
export type MergeAction = (typeof MERGE_ACTIONS)[number];

export const SIDES = ["marketing", "crm"] as const;
export type Side = (typeof SIDES)[number];

/** What each side held for one field after the last sync (the store's FieldSnapshot fits this shape). */
export interface SnapshotPair {
  marketing: FieldValue;
  crm: FieldValue;
}

export interface MergeInput {
  mapping: ObjectMapping;
  /** null: the record does not exist in marketing yet and will be created. */
  marketing: SourceRecord | null;
  /** null: the record does not exist in the CRM yet and will be created. */
  crm: SourceRecord | null;
  /** Keyed by `fieldKey`; absent or missing a field: that field has never been synced (first sync). */
  snapshots?: Readonly<Record<string, SnapshotPair>>;
}

export interface FieldDecision {
  /** `fieldKey` of the field mapping. */
  field: string;
  action: MergeAction;
  /** The value written; null when nothing is written (or a blank is written). */
  value: FieldValue;
  /** The rule that decided, in words: "changed in crm", "conflict: prefer_crm", … */
  rule: string;
}

export interface Conflict {
  field: string;
  rule: ConflictRule;
  /** Both sides' current values. */
  marketing: FieldValue;
  crm: FieldValue;
  winner: Side;
  /** The winning value as written to the other side; the winner's own value when not written. */
  value: FieldValue;
  /** False when the field's direction does not let the winner's value travel. */
  written: boolean;
  /** Under `most_recent`: the change time each side was judged by, and what it stands on. */
  times?: Record<Side, ConflictTime>;
}

/** One side's change time in a `most_recent` conflict; `at` null when the system gave none. */
export interface ConflictTime {
  at: string | null;
  basis: ChangeTimeBasis;
}

export interface FieldError {
  field: string;
  direction: "to_crm" | "to_marketing";
  message: string;
}

export interface MergeResult {
  /** CRM field name → value to write (create or update). */
  toCrm: FieldValues;
  /** Marketing field name → value to write. */
  toMarketing: FieldValues;
  /** One per mapped field, in mapping order. */
  decisions: FieldDecision[];
  conflicts: Conflict[];
  /** Transform failures: the field is not written and the record belongs in the error queue. */
  errors: FieldError[];
  /**
   * What each side will hold once the writes succeed, keyed by `fieldKey`. A field with an error keeps
   * its previous snapshot (or none), so its change is seen again on the next run. Fields with direction
   * none are left out.
   */
  snapshots: Record<string, SnapshotPair>;
}

/** The key a field's snapshot is stored under: `email>Email`. */
export function fieldKey(field: Pick<FieldMapping, "marketing" | "crm">): string {
  return `${field.marketing}>${field.crm}`;
}
