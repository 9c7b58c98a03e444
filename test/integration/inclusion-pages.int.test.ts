// The companies a first load's contact pair brings in (inclusion.ts `newlyIncludedPages`): when the
// people it linked have more companies than a group holds, the companies reach the company pair's sync a
// page of at most GROUP_RECORDS at a time, and each becomes one Account. Before, one page held every
// newly included company (and one map every person's associations): at a million contacts that was
// hundreds of thousands of records in memory at once.
import { jest } from "@jest/globals";
import type { Logger, LogFields } from "../../src/log/logger.js";
import { GROUP_RECORDS } from "../../src/sync/change-groups.js";
import { funnelFor, seedPeopleBringingCompanies, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { salesforceWritesOf } from "../support/salesforce-writes.js";

// Thousands of records through both emulators in one first load: minutes on a loaded machine.
jest.setTimeout(600_000);

/** More people than one page of companies, each at a company of their own. */
const PEOPLE = GROUP_RECORDS + 150;

let loop: LoopHarness;
beforeEach(async () => {
  loop = await startLoop();
  seedReps(loop);
});
afterEach(async () => loop.close());

/** A logger that keeps each event it is given, at every level. */
function keptEvents(): { log: Logger; events: { event: string; fields: LogFields }[] } {
  const events: { event: string; fields: LogFields }[] = [];
  const keep = (event: string, fields?: LogFields) => void events.push({ event, fields: fields ?? {} });
  const log: Logger = { error: keep, warn: keep, info: keep, debug: keep, child: () => log };
  return { log, events };
}

describe("companies the contact pair brings in", () => {
  it("go to the company pair's sync a page at a time, and each becomes one Account", async () => {
    // Each person the org has as a Lead: the contact pair links them, which brings their company in.
    const companyIds = seedPeopleBringingCompanies(loop, PEOPLE);
    const { log, events } = keptEvents();

    const run = await loop.sync({ funnel: funnelFor(loop, "salesforce"), log });
    expect(run.summary.status).toBe("succeeded");

    const pages = events.filter((e) => e.event === "inclusion.page" && e.fields.object === "companies");
    expect(pages.map((p) => p.fields.records)).toEqual([GROUP_RECORDS, PEOPLE - GROUP_RECORDS]);
    // One Account per company, each linked.
    const links = await loop.store.findLinksByMarketingIds("company", companyIds);
    expect(links.size).toBe(PEOPLE);
    const accounts = loop.salesforce.data.list("Account");
    expect(accounts).toHaveLength(PEOPLE);
    expect(new Set(accounts.map((a) => a.Name)).size).toBe(PEOPLE);
  });

  it("past sync.bulkThreshold across pages, their Accounts go as Bulk API 2.0 upsert jobs, each made once", async () => {
    // 4,300 companies in pages of 2,000, 2,000 and 300, under a threshold of 2,100 a page: the creates are
    // held across the pages as a change stream's are, so the first page's go 200 a Collections call, and
    // once the ask passed the threshold the rest wait for a job's worth: a job of 2,000, then one of the
    // last 300 at the ask's end. Before, each page sent its own 200 a call: 22 calls.
    const many = 2 * GROUP_RECORDS + 300;
    await loop.close();
    loop = await startLoop({ bulkThreshold: 2_100 });
    seedReps(loop);
    const companyIds = seedPeopleBringingCompanies(loop, many);
    let run: Awaited<ReturnType<typeof loop.sync>> | undefined;
    const writes = await salesforceWritesOf(loop.salesforce, async () => (run = await loop.sync({ funnel: funnelFor(loop, "salesforce") })));
    expect(run?.summary.status).toBe("succeeded");

    expect(writes.filter((w) => w.includes(" Account "))).toEqual([
      ...Array.from({ length: 10 }, () => "collections Account 200"),
      "bulk Account upsert",
      "bulk Account upsert",
    ]);
    const links = await loop.store.findLinksByMarketingIds("company", companyIds);
    expect(links.size).toBe(many);
    const accounts = loop.salesforce.data.list("Account");
    expect(accounts).toHaveLength(many);
    expect(new Set(accounts.map((a) => a.Name)).size).toBe(many);
  });
});
