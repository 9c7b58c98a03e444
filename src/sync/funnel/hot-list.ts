// The hot list: people at MQL or sales-accepted, by score, optionally one rep's.
import type { PersonScoreRow, StateStore } from "../../store/port.js";

const HOT_STAGES: ReadonlySet<string> = new Set(["mql", "sal"]);

export interface HotLead extends PersonScoreRow {
  stage: string;
}

export async function hotList(
  store: StateStore,
  filter: { ownerEmail?: string; limit: number },
): Promise<HotLead[]> {
  // Read more than asked: rows of people past the hot stages are dropped below.
  const rows = await store.listPersonScores({ ownerEmail: filter.ownerEmail, limit: filter.limit * 10 });
  const stages = await store.currentStages(rows.map((r) => r.personId));
  return rows
    .map((r) => ({ ...r, stage: stages.get(r.personId) ?? "lead" }))
    .filter((r) => HOT_STAGES.has(r.stage))
    .slice(0, filter.limit);
}
