// The conflict rules as one pure strategy: given both sides' values and change times, which side wins.
// Ties in most_recent go to the CRM, the system of record for sales.
import type { ConflictRule } from "../mapping.js";
import { type FieldValue, isBlank } from "../records.js";
import type { Side } from "./types.js";

export interface ConflictSides {
  marketing: FieldValue;
  crm: FieldValue;
  /**
   * Epoch ms of each side's change: the field's own change time where it was looked up, else the
   * record's modification time (ARCHITECTURE.md "Three-way merge"); NaN when unknown.
   */
  marketingModifiedMs: number;
  crmModifiedMs: number;
}

export function conflictWinner(rule: ConflictRule, sides: ConflictSides): Side {
  switch (rule) {
    case "prefer_crm":
      return "crm";
    case "prefer_marketing":
      return "marketing";
    case "prefer_crm_unless_blank":
      return isBlank(sides.crm) ? "marketing" : "crm";
    case "most_recent": {
      // An unknown time never wins against a known one.
      const m = Number.isNaN(sides.marketingModifiedMs) ? -Infinity : sides.marketingModifiedMs;
      const c = Number.isNaN(sides.crmModifiedMs) ? -Infinity : sides.crmModifiedMs;
      return m > c ? "marketing" : "crm";
    }
  }
}
