// Scenario 5b: the engine's own page path without HTTP. syncPage over pages of 100 changed marketing
// contacts, as a HubSpot list page delivers them, and over groups of GROUP_RECORDS (2,000), as
// readChangeGroups hands them to the field sync: link and snapshot look-ups in a real SQLite store, the
// change check, the counterpart read (from memory), merge, plan, the executor (creates accepted in memory,
// updates kept in the outbox for the run's drain) and the page's commit. The records with writes are
// those whose page commit kept an update in the outbox or whose create was sent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObjectMapping } from "../core/mapping.js";
import { silentLogger } from "../log/logger.js";
import { openStore } from "../store/open-store.js";
import type { BatchCommit, LinkWrite, StateStore } from "../store/port.js";
import { GROUP_RECORDS } from "../sync/change-groups.js";
import { syncPage } from "../sync/page-sync.js";
import type { RunContext } from "../sync/run-context.js";
import { emptySummary } from "../sync/run-summary.js";
import { CpuClock } from "./cpu-clock.js";
import { type EngineFigures, engineFigures } from "./engine-figures.js";
import { type LinkedPair, linkedPairChunks } from "./engine-fixtures.js";
import { offlinePort } from "./offline-port.js";
import { settleHeap } from "./settle-heap.js";

const CHUNK = 10_000;
/** HubSpot's list page: the page size the engine sees on a first load. */
const PAGE = 100;
const LINK_COMMIT = 1_000;

/** The page path over pages of `pageSize` records (100: a list page; GROUP_RECORDS: a change group). */
export async function benchPage(
  contactMappings: ObjectMapping[],
  records: number,
  pageSize: number = PAGE,
): Promise<EngineFigures> {
  const leadMapping = contactMappings.find((m) => m.crmObject === "Lead");
  if (!leadMapping) throw new Error("the shipped mappings have no contact↔Lead mapping");
  const dir = mkdtempSync(join(tmpdir(), "leadloop-bench-engine-"));
  const store = await openStore({ path: join(dir, "state.db") });
  const crm = offlinePort("salesforce");
  const written = new Set<string>();
  // A page's commit notes its writes here; they join `written` after the page, outside the clock (a set
  // of 100,000 ids growing inside it was 4% of the path's time).
  const committed: string[] = [];
  const commitClock = new CpuClock();
  const ctx = pageContext(withCommitsCounted(store, commitClock, (id) => committed.push(id)), crm);
  const clock = new CpuClock();
  let measured = 0;
  try {
    for (const chunk of linkedPairChunks(leadMapping, records, CHUNK)) {
      await linkAll(store, chunk);
      crm.hold(chunk.map((p) => p.crm));
      settleHeap();
      for (let i = 0; i < chunk.length; i += pageSize) {
        const page = chunk.slice(i, i + pageSize).map((p) => p.marketing);
        await clock.measure(() =>
          syncPage(ctx, {
            source: "marketing",
            object: "contacts",
            mappings: contactMappings,
            records: page,
          }),
        );
        for (const id of committed) written.add(id);
        committed.length = 0;
        for (const sent of ctx.plan!) if (sent.sourceId) written.add(sent.sourceId);
        // The plan is only counted: keeping 100,000 entries would measure the bench's memory, not the engine's.
        ctx.plan!.length = 0;
      }
      measured += chunk.length;
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const unit = pageSize === GROUP_RECORDS ? `groups of ${pageSize}` : `pages of ${pageSize}`;
  const measures = `syncPage over ${unit} (store look-ups + map + merge + write in memory + commit)`;
  return engineFigures(measures, measured, written.size, clock, commitClock);
}

/**
 * The store, its commits timed on `commitClock`, telling `onWrite` the marketing record of each
 * field-sync update a page commit keeps in the outbox.
 */
function withCommitsCounted(
  store: StateStore,
  commitClock: CpuClock,
  onWrite: (marketingId: string) => void,
): StateStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key !== "commitBatch") return Reflect.get(target, key, receiver) as unknown;
      return (batch: BatchCommit) => {
        for (const write of batch.outbox ?? []) if (write.synced) onWrite(write.synced.marketingId);
        return commitClock.measure(() => target.commitBatch(batch));
      };
    },
  });
}

/** Stores each pair's link and snapshots, as the first load would have left them. */
async function linkAll(store: StateStore, pairs: readonly LinkedPair[]): Promise<void> {
  const syncedAt = "2025-01-10T09:00:00.000Z";
  for (let i = 0; i < pairs.length; i += LINK_COMMIT) {
    const links: LinkWrite[] = pairs.slice(i, i + LINK_COMMIT).map((p) => ({
      pair: "contact",
      marketingType: "contacts",
      marketingId: p.marketing.id,
      crmType: "Lead",
      crmId: p.crm.id,
      matchKey: p.matchKey,
      snapshots: Object.fromEntries(Object.entries(p.snapshots).map(([key, s]) => [key, { ...s, syncedAt }])),
    }));
    await store.commitBatch({ runId: "bench-seed", at: syncedAt, links });
  }
}

function pageContext(store: StateStore, crm: ReturnType<typeof offlinePort>): RunContext {
  const at = new Date("2025-01-15T12:00:00.000Z");
  const marketing = offlinePort("hubspot");
  return {
    runId: "bench-engine",
    until: at.toISOString(),
    now: () => at,
    log: silentLogger,
    store,
    marketing,
    crm,
    summary: emptySummary("bench-engine", false, at.toISOString(), ["hubspot", "salesforce"]),
    plan: [],
    createdPeople: [],
    includeInCrm: async (records) => new Set(records.map((r) => r.id)),
  };
}
