// An org refuses a request while too many run at once with REQUEST_LIMIT_EXCEEDED, the code of its spent
// 24-hour allocation, and a message naming the concurrency limit ("ConcurrentPerOrgLongTxn Limit
// exceeded."): a wait lets it pass, so it is retried in the one retry layer, a create too (refused before
// it was carried out), and past the patience it says which limit it was, not that the day's calls are spent.
import { startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { emulatorConnection } from "../../src/sandbox/sandbox-config.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";
import { createSalesforceAdapter } from "../../src/systems/salesforce/index.js";
import { infoLog } from "../support/info-log.js";
import { thrown } from "../support/system-error-of.js";

const RETRY: RetryPolicy = { patienceMs: 2_000, minTimeoutMs: 10, maxTimeoutMs: 40 };

const LEADS = [
  { LastName: "Ångström", FirstName: "Inès", Company: "Société Générale d'Ingénierie", Email: "Ines.Angstrom@SGI-Ingenierie.fr" },
  { LastName: "O'Brien", FirstName: "  Seán ", Company: "Ériu Teoranta — Gaillimh", Email: "sean.obrien@eriu.ie" },
];

describe("Salesforce's limit on requests running at once", () => {
  it("creates the Leads once after two refusals of the create, each logged as a rate limit", async () => {
    const org = await startSalesforceEmulator();
    try {
      const { log, lines } = infoLog();
      const sf = await createSalesforceAdapter({ connection: emulatorConnection(org), log, retry: RETRY });
      org.faults.add({ requests: [{ kind: "rate_limit", concurrencyLimit: "ConcurrentPerOrgLongTxn", times: 2, method: "POST", path: "/composite/sobjects" }] });
      const outcomes = await sf.write("Lead", LEADS.map((fields, i) => ({ ref: `l${i}`, fields })));
      expect(outcomes.map((o) => o.ok)).toEqual([true, true]);
      for (const lead of LEADS) expect(org.data.list("Lead").filter((l) => l.LastName === lead.LastName)).toHaveLength(1);
      expect(lines().filter((l) => l.message === "salesforce.retry")).toEqual([
        expect.objectContaining({ purpose: "collections.create", code: "REQUEST_LIMIT_EXCEEDED", errorClass: "rate_limited", attempt: 1 }),
        expect.objectContaining({ purpose: "collections.create", code: "REQUEST_LIMIT_EXCEEDED", errorClass: "rate_limited", attempt: 2 }),
      ]);
    } finally {
      await org.close();
    }
  });

  it("past the patience names the concurrency limit, not a spent 24-hour allocation", async () => {
    const org = await startSalesforceEmulator();
    try {
      const sf = await createSalesforceAdapter({ connection: emulatorConnection(org), retry: RETRY });
      const lead = org.data.insert("Lead", LEADS[0]!);
      org.faults.add({ requests: [{ kind: "rate_limit", concurrencyLimit: "ConcurrentRequests", path: "/query" }] });
      const err = await thrown(sf.readByIds("Lead", [lead], ["LastName"]));
      expect(err).toMatchObject({ system: "salesforce", errorClass: "rate_limited", code: "REQUEST_LIMIT_EXCEEDED", retriable: false });
      expect(err.message).toMatch(
        /^stopped after \d+(ms|s) of Salesforce's limit on requests running at once in the org \(REQUEST_LIMIT_EXCEEDED: ConcurrentRequests \(Concurrent API Requests\) Limit exceeded\.\) on GET \/query: \d+ attempts used up/,
      );
      expect(err.message).not.toContain("24 hours");
    } finally {
      await org.close();
    }
  });
});
