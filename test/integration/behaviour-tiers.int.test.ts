// Behaviour on every HubSpot tier, through the CLI against the sandbox's seeded emulators and the
// default configuration: a Professional portal (no events API) qualifies the same people as an Enterprise
// one, a run whose only changes are leadloop's own writes reads no behaviour, and behaviour costs a
// handful of bulk calls however many contacts changed.
import { jest } from "@jest/globals";
import { openSqliteStore } from "../../src/store/sqlite/sqlite-store.js";
import { playPeople } from "../../src/sandbox/play-people.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { mqlEmails, openSandboxWorld, type SandboxWorld, syncWorld } from "../support/sandbox-world.js";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { behaviourReads } from "../support/behaviour-reads.js";

// Whole CLI runs over seeded worlds of 200 and 1,000 contacts: minutes on a loaded machine, not seconds.
jest.setTimeout(600_000);


describe("behaviour on every HubSpot tier", () => {
  const now = new Date();
  const seed = generateSeed({ seed: 42, now, contacts: 200 });
  let enterprise: SandboxWorld;
  let professional: SandboxWorld;

  beforeAll(async () => {
    enterprise = await openSandboxWorld(seed, "enterprise", "salesforce", "enterprise");
    professional = await openSandboxWorld(seed, "professional", "salesforce", "professional");
  });
  afterAll(async () => {
    await enterprise.close();
    await professional.close();
  });

  it("qualifies the same people on a Professional portal as on an Enterprise one, and hands them off", async () => {
    const ent = await syncWorld(enterprise);
    const pro = await syncWorld(professional);
    expect(ent.code).toBe(0);
    // Professional answers the events API with 403 MISSING_SCOPES; leadloop detects it and carries on.
    expect(pro.code).toBe(0);
    expect(professional.hubspot.calls.byEndpoint()["GET /events/v3/events"]).toBe(1); // the one probe
    expect(pro.stderr).toContain("form submissions API and marketing email events API");
    const entMqls = await mqlEmails(enterprise);
    expect(entMqls.length).toBeGreaterThanOrEqual(3);
    expect(await mqlEmails(professional)).toEqual(entMqls);
    expect(pro.summary.handoffs).toBe(ent.summary.handoffs);
    expect(pro.summary.handoffs).toBeGreaterThan(0);

    // People act (pricing visits, demo requests, offers, comebacks), the same way on both portals.
    for (const world of [enterprise, professional]) playPeople(42, 2, world, new Date());
    expect((await syncWorld(enterprise)).code).toBe(0);
    expect((await syncWorld(professional)).code).toBe(0);
    expect(await mqlEmails(professional)).toEqual(await mqlEmails(enterprise));
    expect((await mqlEmails(enterprise)).length).toBeGreaterThan(entMqls.length);
  });

  it("reads no behaviour in a run whose only changes are leadloop's own writes", async () => {
    for (const world of [enterprise, professional]) {
      // A run that writes (scores, handoffs of people who acted), then one that only meets those writes.
      playPeople(42, 7, world, new Date());
      const writing = await syncWorld(world);
      expect(writing.code).toBe(0);
      expect((writing.summary.updated as Record<string, number>).hubspot).toBeGreaterThan(0);
      world.hubspot.calls.reset();
      const run = await syncWorld(world);
      expect(run.code).toBe(0);
      expect((run.summary.read as Record<string, number>).hubspot).toBeGreaterThan(0); // it read them
      expect(behaviourReads(world)).toBe(0);
    }
  });

  it("switches to the properties and bulk sources with one warning when the events API refuses after a probe said yes", async () => {
    // The store remembers an Enterprise probe from an hour ago (the portal was downgraded since).
    const store = await openSqliteStore(professional.storePath);
    const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
    await store.commitBatch({ runId: "test", facts: [{ name: "hubspot.behaviourSource", value: "events", at: anHourAgo }], at: anHourAgo });
    await store.close();
    playPeople(42, 5, professional, new Date());
    professional.hubspot.calls.reset();
    const run = await syncWorld(professional);
    expect(run.code).toBe(0); // never exit 3
    expect(run.stderr.match(/behaviour\.events_refused/g)).toHaveLength(1);
    expect(professional.hubspot.calls.byEndpoint()["GET /events/v3/events"]).toBe(1);
    playPeople(42, 6, professional, new Date());
    professional.hubspot.calls.reset();
    const next = await syncWorld(professional);
    expect(next.code).toBe(0);
    expect(next.stderr).not.toContain("behaviour.events_refused");
    expect(professional.hubspot.calls.byEndpoint()["GET /events/v3/events"] ?? 0).toBe(0);
  });

  it("says at validate --live which behaviour sources the portal offers", async () => {
    const pro = await runCli(["validate", "--live", "-c", professional.configPath]);
    expect(pro.code).toBe(0);
    expect(pro.stdout).toContain("hubspot behaviour: the portal has no events API (403 MISSING_SCOPES: below Enterprise)");
    expect(pro.stdout).toContain("form submissions API and marketing email events API");
    const ent = await runCli(["validate", "--live", "--json", "-c", enterprise.configPath]);
    expect(JSON.parse(ent.stdout).behaviour).toEqual({ portal: "events", setting: "auto", uses: "events" });
  });

  it("takes the behaviour source from hubspot.behaviourSource without probing", async () => {
    const text = readFileSync(enterprise.configPath, "utf8");
    writeFileSync(
      enterprise.configPath,
      text.replace(/hubspot:\n/, "hubspot:\n  behaviourSource: properties\n"),
    );
    playPeople(42, 4, enterprise, new Date());
    enterprise.hubspot.calls.reset();
    const run = await syncWorld(enterprise);
    expect(run.code).toBe(0);
    const counts = enterprise.hubspot.calls.byEndpoint();
    expect(counts["GET /events/v3/events"] ?? 0).toBe(0); // told: no probe, no events reads
    expect((counts["GET /marketing/v3/forms"] ?? 0) + (counts["GET /email/public/v1/events"] ?? 0)).toBeGreaterThan(0);
    const validated = await runCli(["validate", "--live", "-c", enterprise.configPath]);
    expect(validated.stdout).toContain("offers the events API (Enterprise)");
    expect(validated.stdout).toContain("(hubspot.behaviourSource: properties)");
  });
});

describe("behaviour reads on a Professional portal of 1,000 contacts", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 7, now: new Date(), contacts: 1000 }), "pro-1000", "salesforce", "professional");
  });
  afterAll(async () => world.close());

  it("costs at most one behaviour read per 100 changed contacts: bulk sources once per run, not per contact", async () => {
    expect((await syncWorld(world)).code).toBe(0);
    // A marketer edits every contact (a trailing space in the job title), and some people act.
    const contacts = world.hubspot.data.listObjects("contacts");
    for (const c of contacts)
      world.hubspot.data.updateObject("contacts", c.id, { jobtitle: `${c.properties.jobtitle ?? "Analyst"} ` });
    const played = playPeople(7, 2, world, new Date());
    expect(played.forms).toBeGreaterThan(0);
    world.hubspot.calls.reset();
    const run = await syncWorld(world);
    expect(run.code).toBe(0);
    const reads = behaviourReads(world);
    expect(reads).toBeGreaterThan(0); // the people who acted are read, in bulk
    expect(reads / contacts.length).toBeLessThanOrEqual(1 / 100);
  });
});

describe("leadloop sandbox --hubspot-tier", () => {
  async function handoffsPerRun(tier: string): Promise<number[]> {
    const dir = mkdtempSync(join(tmpdir(), `leadloop-sandbox-${tier}-`));
    try {
      const result = await runCli([
        "--log-level",
        "error",
        "sandbox",
        "--runs",
        "2",
        "--hubspot-tier",
        tier,
        "--json",
        "--config-out",
        join(dir, "leadloop.yaml"),
      ]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`(${tier})`);
      return result.stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { handoffs: number }).handoffs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("hands off the same leads on a professional portal as on an enterprise one", async () => {
    const professional = await handoffsPerRun("professional");
    expect(professional[0]).toBeGreaterThan(0);
    expect(professional).toEqual(await handoffsPerRun("enterprise"));
  });
});
