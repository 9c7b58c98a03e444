// A 429 from HubSpot's search endpoints that names no policy (every field of the error body is optional:
// error-handling reference; the emulator's `rateLimitBodies: "bare"`, FIDELITY.md "every call") is their
// own limit of five a second (CRM search guide): a sync waits a second, not the burst's ten, and goes on
// (fault-table.ts policyOf).
import { infoLog } from "../support/info-log.js";
import { startLoop } from "../support/loop-harness.js";

const SEARCH = "/crm/v3/objects/contacts/search";

describe("a search 429 naming no policy", () => {
  it("is waited a second per refusal and the run goes on: one search sent again per retry line", async () => {
    const { log, lines } = infoLog();
    const loop = await startLoop({ hubspot: { rateLimitBodies: "bare" }, log });
    try {
      loop.hubspot.data.createObject("contacts", { email: "Zoe.Nunez@Example.COM", firstname: "Zoë", lastname: "Ñúñez", jobtitle: "Directora de Compras" });
      loop.hubspot.data.createObject("contacts", { email: "o.brien@example.ie", firstname: "  Seán ", lastname: "O'Brien", jobtitle: "" });
      // The portal's other apps spent the second's searches twice over (the limit is the account's).
      loop.hubspot.faults.add({ requests: [{ kind: "rate_limit", path: SEARCH, times: 2 }] });
      const searches: string[] = [];
      const stop = loop.hubspot.calls.observe((call) => {
        if (call.path === SEARCH) searches.push(JSON.stringify(call.body));
      });
      const result = await loop.sync().finally(stop);

      expect(result.summary.status).toBe("succeeded");
      const retries = lines().filter((l) => l.message === "hubspot.retry");
      expect(retries).toEqual([1, 2].map((attempt) => expect.objectContaining({
        endpoint: `POST ${SEARCH}`,
        attempt,
        errorClass: "rate_limited",
        code: "429 SECONDLY",
        retryAfterMs: 1_000,
        waitMs: 1_000,
      })));
      // Each refusal cost one search sent again as it was, and no more.
      expect(searches.length - new Set(searches).size).toBe(retries.length);
      expect(searches[1]).toBe(searches[0]);
      expect(searches[2]).toBe(searches[0]);
      // The run went on past them: both people reached Salesforce.
      const leads = loop.salesforce.data.list("Lead").map((l) => [l.Email, l.FirstName, l.LastName, l.Title ?? null]);
      expect(leads.sort()).toEqual([
        ["o.brien@example.ie", "Seán", "O'Brien", null],
        ["zoe.nunez@example.com", "Zoë", "Ñúñez", "Directora de Compras"],
      ]);
    } finally {
      await loop.close();
    }
  });
});

