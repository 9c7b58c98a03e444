// The second baseline (test/bench/README.md "Same-work baseline"): what a per-record connector would call
// to do the default configuration's first load, one record per call. The naive connector of
// `baselineRatio` only copies contacts to Leads; this one does the first load's own work: it lists and
// reads every record of the objects the first load reads, reads each contact's behaviour, looks each
// marketing record's counterpart up, and writes each record the first load wrote with each operation it
// wrote it with. It is a model, computed from the seeded world's record counts and the first load's own
// audit, not a connector that runs: labelled `modelled` in the JSON, and reported beside the naive
// baseline, never instead of it.
import type { PerSystem } from "./figures.js";
import { round } from "./figures.js";

/** Records a list call returns at most: HubSpot CRM object lists 100, a Salesforce query page 2,000. */
const LIST_PAGE = { hubspot: 100, salesforce: 2000 } as const;

/**
 * What a per-record connector matches each marketing object against, one query per record and CRM
 * object: a contact against the org's Contacts and Leads (the shipped mappings' `match` on email), a
 * company against its Accounts (domain). Deals are created, not matched.
 */
const MATCHED_AGAINST: Record<string, number> = { contacts: 2, companies: 1 };

export interface SameWorkInput {
  /** Records of each object the first load reads, per system, as seeded before it. */
  records: PerSystem<Record<string, number>>;
  /** Contacts whose behaviour the first load scores (every contact). */
  contacts: number;
  /** The first load's `writtenByOperation`: records written per "system object operation". */
  writtenByOperation: Record<string, number>;
  /** leadloop's own first-load calls, both systems (writes, reads, behaviour, match). */
  leadloopCalls: number;
}

export interface SameWorkClassCalls {
  reads: number;
  behaviour: number;
  match: number;
  writes: number;
  total: number;
}

export interface SameWorkBaseline {
  /** Always `modelled`: counted from the work, not run against the emulators. */
  method: "modelled";
  calls: PerSystem<SameWorkClassCalls>;
  totalCalls: number;
  /** totalCalls / leadloop's first-load calls. */
  ratio: number;
}

export function sameWorkBaseline(input: SameWorkInput): SameWorkBaseline {
  const calls = { hubspot: empty(), salesforce: empty() };
  for (const system of ["hubspot", "salesforce"] as const) {
    for (const [object, n] of Object.entries(input.records[system])) {
      // The ids a list page at a time, then one read per record.
      calls[system].reads += Math.ceil(n / LIST_PAGE[system]) + n;
      // Matches are queries in the CRM for the marketing side's records.
      if (system === "hubspot") calls.salesforce.match += n * (MATCHED_AGAINST[object] ?? 0);
    }
  }
  // One events call per contact (the events API by objectId).
  calls.hubspot.behaviour += input.contacts;
  for (const [key, n] of Object.entries(input.writtenByOperation)) {
    const system = key.split(" ")[0];
    if (system === "hubspot" || system === "salesforce") calls[system].writes += n;
  }
  for (const c of Object.values(calls)) c.total = c.reads + c.behaviour + c.match + c.writes;
  const totalCalls = calls.hubspot.total + calls.salesforce.total;
  return {
    method: "modelled",
    calls,
    totalCalls,
    ratio: input.leadloopCalls > 0 ? round(totalCalls / input.leadloopCalls, 2) : 0,
  };
}

function empty(): SameWorkClassCalls {
  return { reads: 0, behaviour: 0, match: 0, writes: 0, total: 0 };
}
