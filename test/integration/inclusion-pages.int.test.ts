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
});
