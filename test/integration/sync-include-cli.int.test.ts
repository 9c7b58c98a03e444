// `sync.include` as README's `sync:` table says it: by default (`mql`) the CRM receives the MQLs and the
// people already linked, with their companies; `all` syncs every record. An admin switches it on an
// existing store, and the next `leadloop sync` creates the rest.
import { appendFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { pricingAndDemo } from "../support/funnel-harness.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("sync.include", () => {
  let world: SandboxWorld;
  let quiet: string;
  let keen: string;
  const sync = async () => {
    const run = await runCli(["sync", "--json", "-c", world.configPath]);
    expect([0, 4]).toContain(run.code);
    return JSON.parse(run.stdout) as { status: string };
  };
  const leadOf = (contactId: string) => world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === contactId);
  const accountNamed = (name: string) => world.salesforce.data.list("Account").find((a) => a.Name === name);

  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 0, companies: 1, reps: 6 }), "sync-include");
    // A subscriber who never showed buying interest, at a company nobody in the CRM knows.
    const tulpen = world.hubspot.data.createObject("companies", { name: "Tulpen Handel B.V.", domain: "tulpen-handel.nl", country: "Nederland" });
    quiet = world.hubspot.data.createObject("contacts", {
      email: "Noor.Haddad@Tulpen-Handel.nl",
      firstname: "Noor",
      lastname: "Haddad",
      jobtitle: "Inkoper",
      company: "Tulpen Handel B.V.",
      country: "Nederland",
    }).id;
    world.hubspot.data.associate("contacts", quiet, "companies", tulpen.id);
    // And a prospect who reads pricing and asks for a demo: an MQL.
    const brouwer = world.hubspot.data.createObject("companies", { name: "Brouwer Logistiek", domain: "brouwer-logistiek.nl", numberofemployees: "380", country: "Nederland" });
    keen = world.hubspot.data.createObject("contacts", {
      email: "sanne.de.vries@brouwer-logistiek.nl",
      firstname: "Sanne",
      lastname: "de Vries",
      jobtitle: "Directeur Operations",
      company: "Brouwer Logistiek",
      country: "Nederland",
    }).id;
    world.hubspot.data.associate("contacts", keen, "companies", brouwer.id);
    pricingAndDemo(world, keen);
  });
  afterAll(async () => {
    await world.close();
  });

  it("mql, the default: the MQL and her company reach the CRM, the quiet contact and hers do not", async () => {
    expect((await sync()).status).toBe("succeeded");
    expect(leadOf(keen)).toMatchObject({ Email: "sanne.de.vries@brouwer-logistiek.nl" });
    expect(accountNamed("Brouwer Logistiek")).toBeDefined();
    expect(leadOf(quiet)).toBeUndefined();
    expect(accountNamed("Tulpen Handel B.V.")).toBeUndefined();
  });

  it("all: the next sync creates every contact and company as well", async () => {
    appendFileSync(world.configPath, "sync:\n  include: all\n");
    expect((await sync()).status).toBe("succeeded");
    expect(leadOf(quiet)).toMatchObject({ FirstName: "Noor", LastName: "Haddad", Email: "noor.haddad@tulpen-handel.nl" });
    expect(accountNamed("Tulpen Handel B.V.")).toBeDefined();
    // The MQL's Lead is the one it had: nothing made twice.
    expect(world.salesforce.data.list("Lead").filter((l) => l.HubSpot_Contact_Id__c === keen)).toHaveLength(1);
  });
});
