// The HubSpot properties leadloop makes for itself when the portal lacks them (README "Connecting real
// accounts"): `leadloop_crm_id`, unique, on contacts, companies and deals, holding the linked CRM record's
// id; the funnel's status, disposition and score properties on contacts; and, with HubSpot as the CRM, the
// task property `leadloop_activity_key`. A fresh portal has none of them; the first sync makes them.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const FUNNEL_CONTACT_PROPERTIES = [
  "leadloop_status",
  "leadloop_disposition_reason",
  "leadloop_disposition_date",
  "leadloop_score",
  "leadloop_fit_score",
  "leadloop_behavior_score",
];

describe("leadloop's own HubSpot properties", () => {
  let world: SandboxWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it("are made by the first sync with Salesforce as the CRM: leadloop_crm_id unique on contacts, companies and deals", async () => {
    world = await openSandboxWorld(generateSeed({ seed: 5, now: new Date(), contacts: 4 }), "own-properties");
    const hs = world.hubspot.data;
    const before = ["contacts", "companies", "deals"].map((o) => hs.getProperty(o as "contacts", "leadloop_crm_id"));
    expect(before).toEqual([undefined, undefined, undefined]);
    for (const name of FUNNEL_CONTACT_PROPERTIES) expect(hs.getProperty("contacts", name)).toBeUndefined();

    const run = await runCli(["sync", "-c", world.configPath, "--json"]);

    expect(run.code).toBe(0);
    for (const object of ["contacts", "companies", "deals"] as const) {
      expect(hs.getProperty(object, "leadloop_crm_id")).toMatchObject({ type: "string", hasUniqueValue: true });
    }
    for (const name of FUNNEL_CONTACT_PROPERTIES) expect(hs.getProperty("contacts", name)).toBeDefined();
    expect(hs.getProperty("contacts", "leadloop_status")!.options.map((o) => o.value)).toEqual(
      expect.arrayContaining(["lead", "mql", "sal", "opportunity", "won", "lost"]),
    );
    // Tasks are Salesforce's here: no task property is asked for.
    expect(hs.getProperty("tasks", "leadloop_activity_key")).toBeUndefined();
  });

  it("include the task key leadloop_activity_key with HubSpot as the CRM", async () => {
    world = await openSandboxWorld(generateSeed({ seed: 5, now: new Date(), contacts: 4 }), "own-properties-hs", "hubspot");
    const hs = world.hubspot.data;
    expect(hs.getProperty("tasks", "leadloop_activity_key")).toBeUndefined();

    const run = await runCli(["sync", "-c", world.configPath, "--json"]);

    expect(run.code).toBe(0);
    expect(hs.getProperty("tasks", "leadloop_activity_key")).toMatchObject({ type: "string" });
    for (const name of FUNNEL_CONTACT_PROPERTIES) expect(hs.getProperty("contacts", name)).toBeDefined();
  });
});
