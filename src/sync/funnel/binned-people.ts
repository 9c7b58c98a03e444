// A lost store's rebuild of the people whose contact was deleted (archived) before the loss: HubSpot keeps
// a deleted contact in its recycle bin for 90 days and lists it with `archived=true` (CRM contacts
// reference, "Archive a contact": "Deleted contacts can be restored within 90 days of deletion"), with the
// funnel properties leadloop wrote on it, so their MQLs and wins come back as the listed contacts' do
// (ARCHITECTURE.md "Links": a lost store), each MQL she was included (her property histories, read in the
// bin with `archived=true`). A contact deleted for good (past the 90 days, a GDPR delete)
// is not listed, and its funnel is not rebuilt.
import { DISPOSITION_DATE_FIELD } from "../../core/funnel/dispositions.js";
import { decide } from "../outbox/decide.js";
import type { RunContext } from "../run-context.js";
import { QUALIFICATION_CURSOR } from "./funnel-setup.js";
import { MQL_DATE_FIELD, restoredEvents, restoredStage } from "./qualify-phase.js";
import { restoredRequalifications } from "./restored-requalifications.js";

const CONTACTS = "contacts";
/** What the restore reads of a contact (qualify-phase.ts restoredStage, restoredEvents). */
const RESTORE_FIELDS = ["email", "leadloop_status", MQL_DATE_FIELD, DISPOSITION_DATE_FIELD, "hs_analytics_source"];

/**
 * On a store's first load (no qualification cursor: a new store, or one lost), the funnel stages of the
 * recycle bin's contacts that leadloop moved, each page decided on its own. A first load stopped midway
 * lists the bin again: people the store knows by then are left as they are. A new store's bin holds no
 * contact leadloop moved, so it costs the listing's calls (one a 100 deleted contacts) and nothing else;
 * the history reads (restored-requalifications.ts) are of the contacts restored with an MQL date only.
 */
export async function restoreBinnedPeople(ctx: RunContext): Promise<void> {
  const bin = ctx.marketing.recycleBin;
  if (!bin || (await ctx.store.getCursor(ctx.marketing.system, QUALIFICATION_CURSOR))) return;
  const now = ctx.now();
  await bin.readArchived(CONTACTS, RESTORE_FIELDS, async (records) => {
    const known = await ctx.store.currentStages(records.map((r) => r.id));
    const unknown = records.filter((r) => !known.has(r.id));
    const earlier = await restoredRequalifications(ctx, unknown, known, bin.fieldValues.bind(bin));
    const funnelEvents = unknown.flatMap((r) => restoredEvents(ctx, r, restoredStage(r, now, earlier.get(r.id)) ?? []));
    if (funnelEvents.length > 0) await decide(ctx, { funnelEvents });
    ctx.log.debug("people.binned_restored", { people: new Set(funnelEvents.map((e) => e.personId)).size });
  });
}
