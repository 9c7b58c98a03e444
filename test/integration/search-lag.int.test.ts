// HubSpot's CRM search is eventually consistent: a write shows there seconds after it was made, while
// reads by id see it at once (https://blog.sequin.io/building-a-sync-on-hubspots-api/, "The Search API is
// eventually consistent"; https://docs.locoia.com/connectors/connectors/hubspot, "Propagation Time").
// The emulator lags search by DEFAULT_SEARCH_LAG_MS of its own clock; leadloop reads HubSpot changes
// through search (a first load too), so runs made before the index caught up must not lose a change, and
// the look-back that finds it later must not write it twice.
import { DEFAULT_SEARCH_LAG_MS } from "../../src/sandbox/hubspot/emulator.js";
import { type LoopHarness, startLoop } from "../support/loop-harness.js";
import { contactMappings } from "../support/test-mappings.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** The HubSpot adapter's default look-back (adapter.ts). */
const DEFAULT_LOOKBACK_MS = 30 * SECOND;

describe("HubSpot search index lag", () => {
  let loop: LoopHarness;
  let t = Date.parse("2026-03-02T09:00:00.000Z");
  const now = () => new Date(t);

  afterEach(async () => {
    await loop.close();
  });

  const leadsOf = (email: string) =>
    loop.salesforce.data.list("Lead").filter((l) => String(l.Email) === email);

  it("a contact written and then changed while search cannot see it yet is synced once, with its last value", async () => {
    loop = await startLoop({ mappings: contactMappings(), now, hubspotLookbackMs: DEFAULT_LOOKBACK_MS });
    expect(DEFAULT_SEARCH_LAG_MS).toBeGreaterThan(3 * SECOND);
    const zoe = loop.hubspot.data.createObject("contacts", {
      email: "zoe.angstrom@nordlys.se",
      firstname: "Zoë",
      lastname: "Ångström",
      jobtitle: "Head of Revenue Operations",
    });
    t += MINUTE;
    const first = await loop.sync();
    expect(first.summary.created).toEqual({ hubspot: 0, salesforce: 1 });

    // Åsa signs up; a run starts one second later, before search has indexed her.
    t += MINUTE;
    const asa = loop.hubspot.data.createObject("contacts", {
      email: "asa.lindqvist@fjord-analytics.no",
      firstname: "Åsa",
      lastname: "Lindqvist",
      jobtitle: "Analyste",
    });
    t += SECOND;
    // Reads by id see her at once; search does not.
    expect(loop.hubspot.data.getObject("contacts", asa.id)).toBeDefined();
    const blind = await loop.sync();
    expect(blind.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(leadsOf("asa.lindqvist@fjord-analytics.no")).toHaveLength(0);

    // She is changed shortly after, and so is Zoë; the next run is still inside the lag.
    t += SECOND;
    loop.hubspot.data.updateObject("contacts", asa.id, { jobtitle: "Directrice des ventes" });
    loop.hubspot.data.updateObject("contacts", zoe.id, { jobtitle: "VP Revenue Operations" });
    t += SECOND;
    const stillBlind = await loop.sync();
    expect(stillBlind.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(stillBlind.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });

    // Ten minutes on, the saved cursor is far past both changes; the look-back reaches them.
    t += 10 * MINUTE;
    const caughtUp = await loop.sync();
    expect(caughtUp.summary.created).toEqual({ hubspot: 0, salesforce: 1 });
    expect(caughtUp.summary.updated).toEqual({ hubspot: 0, salesforce: 1 });
    expect(leadsOf("asa.lindqvist@fjord-analytics.no").map((l) => l.Title)).toEqual(["Directrice des ventes"]);
    expect(leadsOf("zoe.angstrom@nordlys.se").map((l) => l.Title)).toEqual(["VP Revenue Operations"]);

    // Read again by the next look-back or not, nothing is written twice.
    t += SECOND;
    const again = await loop.sync();
    t += 10 * MINUTE;
    const quiet = await loop.sync();
    for (const run of [again, quiet]) {
      expect(run.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
      expect(run.summary.updated).toEqual({ hubspot: 0, salesforce: 0 });
    }
    expect(leadsOf("asa.lindqvist@fjord-analytics.no")).toHaveLength(1);
  }, 60_000);

  it("a first load made while search cannot see the newest contacts yet syncs them on the next run", async () => {
    loop = await startLoop({ mappings: contactMappings(), now, hubspotLookbackMs: DEFAULT_LOOKBACK_MS });
    // An import a while ago, then two sign-ups a second before leadloop's first run: the first load
    // lists through search, which has not indexed them yet.
    const imported = ["Øystein Berg", "Mårta Ek", "José Núñez"].map((name, i) =>
      loop.hubspot.data.createObject("contacts", { email: `import.${i}@fjord-analytics.no`, firstname: name.split(" ")[0]!, lastname: name.split(" ")[1]! }),
    );
    t += 10 * MINUTE;
    for (const [email, firstname, lastname] of [["chloe.dupont@lumiere.fr", "Chloé", "Dupont"], ["Renee.OBrien@Lumiere.fr", "Renée", "O'Brien"]])
      loop.hubspot.data.createObject("contacts", { email, firstname, lastname });
    t += SECOND;
    const first = await loop.sync();
    expect(first.summary.created).toEqual({ hubspot: 0, salesforce: imported.length });
    expect(leadsOf("chloe.dupont@lumiere.fr")).toHaveLength(0);
    // The next run, five minutes on: its window starts a look-back before the first load's signpost.
    t += 5 * MINUTE;
    const next = await loop.sync();
    expect(next.summary.created).toEqual({ hubspot: 0, salesforce: 2 });
    expect(leadsOf("chloe.dupont@lumiere.fr")).toHaveLength(1);
    expect(leadsOf("renee.obrien@lumiere.fr")).toHaveLength(1);
    t += 5 * MINUTE;
    const quiet = await loop.sync();
    expect(quiet.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(loop.salesforce.data.list("Lead")).toHaveLength(imported.length + 2);
  }, 60_000);

  it("a look-back shorter than the lag loses such a change: why leadloop's default is longer", async () => {
    loop = await startLoop({ mappings: contactMappings(), now, hubspotLookbackMs: SECOND });
    loop.hubspot.data.createObject("contacts", { email: "ines.garcia@olivar.es", lastname: "García" });
    t += MINUTE;
    await loop.sync();
    t += MINUTE;
    loop.hubspot.data.createObject("contacts", {
      email: "marta.ruiz@olivar.es",
      firstname: "Marta",
      lastname: "Ruiz",
    });
    // A run 3 s after her sign-up: past the 1 s look-back, inside the lag.
    t += 3 * SECOND;
    await loop.sync();
    t += 10 * MINUTE;
    const later = await loop.sync();
    expect(later.summary.created).toEqual({ hubspot: 0, salesforce: 0 });
    expect(leadsOf("marta.ruiz@olivar.es")).toHaveLength(0);
  }, 60_000);
});
