// README "Connecting real accounts": instead of a connected app's client credentials, `salesforce.accessToken`
// may give a session token. A sync with one reads and writes the org with that token and asks the token
// endpoint nothing.
import { readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { pricingAndDemo } from "../support/funnel-harness.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("salesforce.accessToken (a session token)", () => {
  let world: SandboxWorld;
  afterEach(async () => {
    await world.close();
  });

  it("syncs with the token given, never asking for one", async () => {
    world = await openSandboxWorld(generateSeed({ seed: 11, now: new Date(), contacts: 3 }), "session-token");
    const config = parse(readFileSync(world.configPath, "utf8")) as { salesforce: Record<string, unknown> };
    const { oauth: _none, ...connection } = config.salesforce;
    config.salesforce = { ...connection, accessToken: world.salesforce.accessToken };
    writeFileSync(world.configPath, stringify(config));
    const company = world.hubspot.data.createObject("companies", {
      name: "Öresund Analys AB",
      domain: "oresund-analys.se",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "180",
      country: "Sverige",
    });
    const contact = world.hubspot.data.createObject("contacts", {
      email: "Linnea.Hakansson@Oresund-Analys.se",
      firstname: "Linnéa",
      lastname: "Håkansson",
      jobtitle: "Head of Marketing",
      company: "Öresund Analys AB",
      country: "Sverige",
    });
    world.hubspot.data.associate("contacts", contact.id, "companies", company.id);
    pricingAndDemo(world, contact.id);

    const run = await runCli(["sync", "-c", world.configPath, "--json"]);

    expect(run.code).toBe(0);
    const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === contact.id);
    expect(lead).toMatchObject({ FirstName: "Linnéa", LastName: "Håkansson" });
    expect(world.salesforce.calls.byEndpoint()["POST /services/oauth2/token"] ?? 0).toBe(0);
  });
});
