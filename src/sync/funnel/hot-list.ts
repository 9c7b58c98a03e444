// The hot list: people at MQL or sales-accepted, by score, optionally one rep's. A person the cool-down
// holds from sales (qualified again after a rep's recycle, not handed off yet) is nobody's lead: listed as
// held until the cool-down ends, without the rep who sent them back, and never in a rep's own list. A
// person whose CRM record was deleted is nobody's lead either, and is not listed, after a lost store too.
import { heldByCoolDown, type RecyclePolicy } from "../../core/funnel/recycle.js";
import type { PersonScoreRow, StateStore } from "../../store/port.js";

const HOT_STAGES: ReadonlySet<string> = new Set(["mql", "sal"]);

export interface HotLead extends PersonScoreRow {
  /** The funnel stage, or `held` while the cool-down keeps a new MQL from sales. */
  stage: string;
  /** When the cool-down holding this person ends (they are handed off by the first sync after it). */
  heldUntil?: string;
}

export async function hotList(
  store: StateStore,
  filter: { ownerEmail?: string; limit: number },
  recycle: RecyclePolicy,
): Promise<HotLead[]> {
  // Read more than asked: rows of people past the hot stages are dropped below.
  const rows = await store.listPersonScores({ ownerEmail: filter.ownerEmail, limit: filter.limit * 10 });
  const stages = await store.currentStages(rows.map((r) => r.personId));
  const staged = rows.filter((r) => HOT_STAGES.has(stages.get(r.personId) ?? "lead"));
  const gone = await withoutRecord(store, staged.map((r) => r.personId));
  const hot = staged.filter((r) => !gone.has(r.personId));
  const mqls = hot.filter((r) => stages.get(r.personId) === "mql").map((r) => r.personId);
  const handedOffAt = new Map(
    mqls.length > 0 ? (await store.listSlaClocks({ personIds: mqls })).map((c) => [c.personId, c.handoffAt]) : [],
  );
  const out: HotLead[] = [];
  for (const r of hot) {
    const stage = stages.get(r.personId)!;
    const until =
      stage === "mql"
        ? heldByCoolDown(await store.listFunnelEvents({ personId: r.personId }), handedOffAt.get(r.personId) ?? null, recycle)
        : null;
    if (until === null) out.push({ ...r, stage });
    // The owner kept is the rep who recycled them: no one's lead until the handoff names one.
    else if (!filter.ownerEmail) out.push({ ...r, stage: "held", ownerEmail: null, heldUntil: until.toISOString() });
    if (out.length >= filter.limit) break;
  }
  return out;
}

/**
 * People whose CRM record was deleted: their follow-up clock stopped on its deletion, or no contact link
 * names a record and the last was retired, which is what a lost store's first run knows (it keeps no clock
 * for a record it finds deleted). With HubSpot as the CRM a contact in the recycle bin keeps its link: the
 * clock tells.
 */
async function withoutRecord(store: StateStore, personIds: readonly string[]): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const stopped = (await store.listSlaClocks({ personIds, gone: true })).map((c) => c.personId);
  const linked = await store.findLinksByMarketingIds("contact", personIds);
  const unlinked = personIds.filter((id) => !linked.has(id));
  const retired = unlinked.length > 0 ? [...(await store.findRetiredLinks("contact", "marketing", unlinked)).keys()] : [];
  return new Set([...stopped, ...retired]);
}
