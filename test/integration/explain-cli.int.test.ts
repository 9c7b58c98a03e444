// `leadloop explain <email>` as an ops admin runs it after a refusal: a field whose value changed since
// the last sync says so (not "in step"), the open error-queue entry is named with its retry (once
// discarded, the field says the refusal was given up on, until a later write), and what
// leadloop wrote besides the mapped fields (score, stage) is listed with its rule. The person's funnel
// story follows: stage history, clock, and what was written on a Lead they converted from, or, with
// HubSpot as the CRM (no links), on the contact itself.
import { spawn } from "node:child_process";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { pricingAndDemo } from "../support/funnel-harness.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const BIN = new URL("../../bin/leadloop.js", import.meta.url).pathname;

/** The built command in a child process: its exit status and stderr. */
async function leadloopProcess(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" } });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stderr };
}

describe("leadloop explain", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 12 }), "explain-cli");
  });
  afterAll(async () => {
    await world.close();
  });

  it("tells a value Salesforce refused from one in step, names the open entry, and lists leadloop's own writes", async () => {
    const config = ["-c", world.configPath];
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    const lead = world.salesforce.data.list("Lead").find((l) => typeof l.HubSpot_Contact_Id__c === "string" && l.HubSpot_Contact_Id__c !== "")!;
    const contactId = String(lead.HubSpot_Contact_Id__c);
    const email = world.hubspot.data.getObject("contacts", contactId)!.properties.email!;
    // A marketer pastes a phone number with a note: longer than Salesforce's Phone field takes.
    const phone = "+1 (555) 010-2345 ext. 1234 — demander l'accueil, puis le service achats";
    world.hubspot.data.updateObject("contacts", contactId, { phone });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await runCli(["sync", ...config])).code).toBe(4);
    const [entry] = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as { id: number; message: string }[];
    expect(entry?.message).toContain("STRING_TOO_LONG");

    const explained = await runCli(["explain", email.toUpperCase(), ...config]);
    expect(explained.code).toBe(0);
    const phoneLine = explained.stdout.split("\n").find((l) => l.trimStart().startsWith("phone = "))!;
    expect(phoneLine).toContain(JSON.stringify(phone));
    expect(phoneLine).toContain(`refused by salesforce, so the sides differ until it is fixed: open error #${entry!.id}`);
    expect(phoneLine).not.toContain("in step");
    expect(explained.stdout).toContain(`open error #${entry!.id} (salesforce Lead ${lead.Id}`);
    expect(explained.stdout).toContain(`leadloop errors retry --id ${entry!.id}`);
    expect(explained.stdout).toMatch(/what leadloop wrote besides the mapped fields[\s\S]*hubspot contacts leadloop_score = /);

    // The next run queues nothing new, but the refusal still waits: a scheduler sees exit 4 until it is fixed.
    const again = await runCli(["sync", "--json", ...config]);
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: "succeeded", errors: { salesforce: 0 }, openErrors: 1 });

    // The admin gives up on it: the sides stay apart, and explain says why rather than "in step" or "next sync".
    expect((await runCli(["errors", "discard", "--id", String(entry!.id), ...config])).code).toBe(0);
    expect((await runCli(["sync", ...config])).code).toBe(0);
    const discarded = (await runCli(["explain", email, ...config])).stdout;
    const givenUp = discarded.split("\n").find((l) => l.trimStart().startsWith("phone = "))!;
    expect(givenUp).toMatch(
      new RegExp(`refused by salesforce and discarded \\S+ \\(error #${entry!.id} below\\): the sides stay apart until one of them changes`),
    );
    expect(discarded).toContain(`discarded error #${entry!.id} (salesforce Lead ${lead.Id}`);
    expect(discarded).not.toContain(`open error #${entry!.id}`);

    // The marketer shortens the number: it is written, and the discard no longer explains the field.
    world.hubspot.data.updateObject("contacts", contactId, { phone: "+1 555 010 2345" });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await runCli(["sync", ...config])).code).toBe(0);
    const fixed = (await runCli(["explain", email, ...config])).stdout;
    const fixedLine = fixed.split("\n").find((l) => l.trimStart().startsWith("phone = "))!;
    expect(fixedLine).toContain('phone = "+1 555 010 2345" | Phone = "+1 555 010 2345"');
    expect(fixedLine).toContain("last written");
    expect(fixedLine).not.toContain("discarded");
  });

  it("after a conversion, still shows the handoff's writes on the Lead the person converted from, and the stage history", async () => {
    const config = ["-c", world.configPath];
    const person = world.hubspot.data.createObject("contacts", {
      email: "Ines.Fernandez@Fundicion-Azahar.es",
      firstname: "Inés",
      lastname: "Fernández",
      jobtitle: "Head of Revenue Operations",
      company: "Fundición Azahar",
      country: "Spain",
    });
    pricingAndDemo(world, person.id);
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    const lead = world.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === person.id)!;
    expect(lead.Leadloop_Score__c).toBeDefined();
    world.salesforce.data.convertLead(String(lead.Id));
    await new Promise((r) => setTimeout(r, 1_100));
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);

    const explained = await runCli(["explain", "ines.fernandez@fundicion-azahar.es", ...config]);
    expect(explained.code).toBe(0);
    const out = explained.stdout;
    expect(out).toContain(`ines.fernandez@fundicion-azahar.es: person ${person.id}, stage opportunity`);
    expect(out).toMatch(new RegExp(`lead → mql: qualified: [\\d.]+ points`));
    expect(out).toContain(`mql → opportunity: conversion: Lead ${lead.Id} converted`);
    expect(out).toContain(`what leadloop wrote on Lead ${lead.Id}, which the person converted from (latest of each):`);
    expect(out).toMatch(/\n {4}Leadloop_Score__c = "[\d.]+" .* handoff to /);
    expect(out).toMatch(/hs_lead_status = "OPEN_DEAL" .* conversion: Lead /);
  });

  it("says within its own 30 s that HubSpot does not answer, as route, a printed digest and validate --live do, not after sync.retryPatience", async () => {
    const config = ["-c", world.configPath];
    // sync.retryPatience left at its five minutes; HubSpot asks each command's first call to wait a minute.
    // Each command in a process of its own, as an admin runs it: the rate limit's wait is the process's.
    const person = world.hubspot.data.createObject("contacts", {
      email: "Bérénice.Lefèvre@Atelier-Lumière.fr",
      firstname: "Bérénice",
      lastname: "Lefèvre",
      jobtitle: "Directrice marketing",
      company: "Atelier Lumière",
      country: "France",
    });
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    const email = world.hubspot.data.getObject("contacts", person.id)!.properties.email!;
    for (const args of [["explain", email], ["route", email], ["digest"], ["validate --live"]]) {
      world.hubspot.faults.add({ requests: [{ kind: "rate_limit", retryAfterSeconds: 60, times: 1 }] });
      const asked = await leadloopProcess([...args.flatMap((a) => a.split(" ")), ...config]);
      world.hubspot.faults.clear();
      expect([args[0], asked.code]).toEqual([args[0], 3]);
      expect(asked.stderr).toContain(`the 30s patience (${args[0]}'s own, shorter than sync.retryPatience)`);
      expect(asked.stderr).not.toContain("(sync.retryPatience)");
    }
  });
});

describe("leadloop explain with HubSpot as the CRM", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 32, now: new Date(), contacts: 12 }), "explain-hubspot", "hubspot");
  });
  afterAll(async () => {
    await world.close();
  });

  it("tells a person's story without links: stage history, clock, and what leadloop wrote on the contact", async () => {
    const config = ["-c", world.configPath];
    const person = world.hubspot.data.createObject("contacts", {
      email: "Walsh.Ingrid@Cobalt-Capital.ie",
      firstname: "Ingrid",
      lastname: "Walsh",
      jobtitle: "Head of Revenue Operations",
      company: "Cobalt Capital",
      country: "Ireland",
    });
    pricingAndDemo(world, person.id);
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    // The rep finds her unqualified.
    world.hubspot.data.updateObject("contacts", person.id, { hs_lead_status: "UNQUALIFIED" });
    await new Promise((r) => setTimeout(r, 1_100));
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);

    const explained = await runCli(["explain", "walsh.ingrid@cobalt-capital.ie", ...config]);
    expect(explained.code).toBe(0);
    const out = explained.stdout;
    expect(out).not.toContain("no linked records");
    expect(out).toContain(`walsh.ingrid@cobalt-capital.ie: person ${person.id}, stage trash`);
    expect(out).toContain(`follow-up clock: handed off `);
    expect(out).toMatch(/mql → trash: disposition trash: /);
    expect(out).toContain(`what leadloop wrote on hubspot contacts ${person.id} (the person's contact) (latest of each):`);
    expect(out).toMatch(/\n {4}hubspot_owner_id = "\d+" .* handoff to /);
    expect(out).toMatch(/\n {4}leadloop_status = "trash" /);
    const json = JSON.parse((await runCli(["explain", "walsh.ingrid@cobalt-capital.ie", "--json", ...config])).stdout) as {
      links: unknown[];
      person: { personId: string; stages: { toStage: string }[] };
    };
    expect(json.links).toEqual([]);
    expect(json.person.personId).toBe(person.id);
    expect(json.person.stages.map((s) => s.toStage)).toEqual(["mql", "trash"]);
    // Nobody by that email: said so, exit 1.
    const nobody = await runCli(["explain", "personne@nulle-part.fr", ...config]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain("leadloop: personne@nulle-part.fr: no linked records");
    expect(nobody.stdout).toBe("");
  });
  it("tells a deal's story in HubSpot's words: the deal opened for the accepted contact and won, no Lead, Opportunity or conversion", async () => {
    const config = ["-c", world.configPath];
    const hs = world.hubspot.data;
    const person = hs.createObject("contacts", {
      email: "Sinead.OBrien@Harbour-Analytics.ie",
      firstname: "Sinéad",
      lastname: "O'Brien",
      jobtitle: "VP Marketing",
      company: "Harbour Analytics",
      country: "Ireland",
    });
    pricingAndDemo(world, person.id);
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    // The rep accepts her and opens a deal; it is won a moment later.
    hs.updateObject("contacts", person.id, { hs_lead_status: "OPEN_DEAL" });
    const deal = hs.createObject("deals", { dealname: "Harbour Analytics – Pilot", dealstage: "presentationscheduled", amount: "18000", pipeline: "default" });
    hs.associate("deals", deal.id, "contacts", person.id);
    await new Promise((r) => setTimeout(r, 1_100));
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    hs.updateObject("deals", deal.id, { dealstage: "closedwon", closedate: new Date().toISOString() });
    await new Promise((r) => setTimeout(r, 1_100));
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);

    const out = (await runCli(["explain", "sinead.obrien@harbour-analytics.ie", ...config])).stdout;
    expect(out).toContain(`sinead.obrien@harbour-analytics.ie: person ${person.id}, stage won`);
    expect(out).toMatch(new RegExp(`sal → deal: deal ${deal.id} opened for the accepted contact\\n`));
    expect(out).toMatch(new RegExp(`deal → won: deal ${deal.id} won\\n`));
    expect(out).not.toMatch(/\bLead\b|Opportunit|opportunity|conversion/);
  });
});
