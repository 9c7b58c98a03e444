// The dispositions' commands as a user drives them: `validate --live` compares the qualification's lead
// statuses with the CRM's live picklist and the mappings' value maps with the org's picklists, and
// `requalify` brings a trashed person back (help, confirmation, --json, exit statuses).
import { appendFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { type OrgSetup } from "../../src/sandbox/salesforce/schema.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { openStore } from "../../src/store/open-store.js";
import { RUN_LOCK_TTL_MS, runLockHolder, takeRunLock } from "../../src/sync/run-lock.js";
import { silentLogger } from "../../src/log/logger.js";
import { runCli } from "../support/cli-run.js";
import { TEST_ROUTING } from "../support/funnel-harness.js";
import type { MappingProblem as LiveProblem } from "../../src/core/mapping-check.js";

interface World {
  hubspot: HubspotEmulator;
  salesforce: SalesforceEmulator;
  config: string;
  store: string;
  close(): Promise<void>;
}

async function world(crm: "salesforce" | "hubspot", orgSetup: OrgSetup = "configured"): Promise<World> {
  const hubspot = await startHubspotEmulator({ limits: { burstPer10Seconds: 100_000, searchPerSecond: 1000 } });
  const salesforce = await startSalesforceEmulator({ orgSetup });
  const dir = mkdtempSync(join(tmpdir(), "leadloop-dispositions-cli-"));
  const config = join(dir, "leadloop.yaml");
  const store = join(dir, "state.db");
  writeSandboxConfig(config, TEST_ROUTING, {
    hubspot: { url: hubspot.url, accessToken: hubspot.accessToken },
    salesforce,
    storePath: store,
    crm,
  });
  return {
    hubspot,
    salesforce,
    config,
    store,
    close: async () => {
      await hubspot.close();
      await salesforce.close();
    },
  };
}

/** A person the store knows as trashed by her rep's UNQUALIFIED (an MQL on 20 November, trashed the day after). */
async function seedTrashed(storePath: string, person: { personId: string; email: string; name: string; score: number }): Promise<void> {
  const store = await openStore({ path: storePath });
  const at = "2026-11-20T10:00:00.000Z";
  const event = (fromStage: string, toStage: string, when: string, cause: string) =>
    ({ personId: person.personId, email: null, fromStage, toStage, at: when, cause, runId: "seed", source: null, campaign: null, ownerId: null, amount: null });
  try {
    await store.commitBatch({
      runId: "seed",
      at,
      personScores: [
        { ...person, fit: 35, behaviour: person.score - 35, nearMissing: null, ownerEmail: null, scoredAt: at },
      ],
      funnelEvents: [event("lead", "mql", at, "qualified"), event("mql", "trash", "2026-11-21T09:00:00.000Z", "disposition trash: UNQUALIFIED")],
    });
  } finally {
    await store.close();
  }
}

describe("validate --live: disposition statuses and value maps against the live picklists", () => {
  it("passes the sandbox's org, set up as the README's Salesforce setup says", async () => {
    const w = await world("salesforce");
    try {
      const out = await runCli(["validate", "--live", "--json", "--config", w.config]);
      expect(out.code).toBe(0);
      const problems = (JSON.parse(out.stdout) as { problems: LiveProblem[] }).problems;
      expect(problems.filter((p) => p.field === "dispositions.salesforce" || p.field === "Status")).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it("reports a bare org missing the two added Lead Statuses, naming file, field and values (exit 2)", async () => {
    const w = await world("salesforce", "bare");
    try {
      const out = await runCli(["validate", "--live", "--json", "--config", w.config]);
      expect(out.code).toBe(2);
      const problems = (JSON.parse(out.stdout) as { problems: LiveProblem[] }).problems;
      const disposition = problems.find((p) => p.field === "dispositions.salesforce");
      expect(disposition).toMatchObject({ severity: "error", side: "crm" });
      expect(disposition!.source).toMatch(/qualification\.yaml$/);
      expect(disposition!.message).toContain('"Closed - Unqualified", "Closed - Unreachable"');
      expect(disposition!.message).toContain("Lead.Status");
      // The contact-lead map reads the same two values from a picklist that lacks them.
      const map = problems.find((p) => p.field === "Status" && p.source.endsWith("contact-lead.yaml"));
      expect(map).toMatchObject({ side: "crm", severity: "warning" });
      expect(map!.message).toContain('"Closed - Unqualified", "Closed - Unreachable"');

      const text = await runCli(["validate", "--live", "--config", w.config]);
      expect(text.stdout).toMatch(/qualification\.yaml: error: dispositions\.salesforce \(crm\): .*"Closed - Unqualified"/);
    } finally {
      await w.close();
    }
  });

  it("reports an org without the disposition reason field the README's setup asks for on Lead and Contact (exit 2)", async () => {
    const w = await world("salesforce");
    try {
      const configured = await runCli(["validate", "--live", "--json", "--config", w.config]);
      const before = (JSON.parse(configured.stdout) as { problems: LiveProblem[] }).problems;
      expect(before.filter((p) => p.field.includes("Leadloop_"))).toEqual([]);
      // The admin skipped one row of the setup table.
      for (const object of ["Lead", "Contact"]) w.salesforce.data.deleteField(object, "Leadloop_Disposition_Reason__c");
      const out = await runCli(["validate", "--live", "--json", "--config", w.config]);
      expect(out.code).toBe(2);
      const problems = (JSON.parse(out.stdout) as { problems: LiveProblem[] }).problems;
      expect(problems.filter((p) => p.field.includes("Leadloop_"))).toEqual([
        expect.objectContaining({ field: "Lead.Leadloop_Disposition_Reason__c", side: "crm", severity: "error" }),
        expect.objectContaining({ field: "Contact.Leadloop_Disposition_Reason__c", side: "crm", severity: "error" }),
      ]);
      expect(problems.find((p) => p.field === "Lead.Leadloop_Disposition_Reason__c")!.source).toMatch(/qualification\.yaml$/);
    } finally {
      await w.close();
    }
  });

  it("reports each funnel field of the README's setup table the org lacks, on Lead and Contact alike (exit 2)", async () => {
    const w = await world("salesforce");
    try {
      // The admin made only the id and disposition fields: none of the score, MQL date, reasons or summary ones.
      const skipped = [
        "Leadloop_Score__c",
        "Leadloop_Fit_Score__c",
        "Leadloop_Behavior_Score__c",
        "Leadloop_MQL_Date__c",
        "Leadloop_Reasons__c",
        "Leadloop_Activity_Summary__c",
      ];
      for (const object of ["Lead", "Contact"]) for (const f of skipped) w.salesforce.data.deleteField(object, f);
      const out = await runCli(["validate", "--live", "--json", "--config", w.config]);
      expect(out.code).toBe(2);
      const problems = (JSON.parse(out.stdout) as { problems: LiveProblem[] }).problems;
      const named = problems.filter((p) => p.field.includes("Leadloop_")).map((p) => [p.field, p.severity]);
      expect(named.sort()).toEqual(
        ["Lead", "Contact"].flatMap((o) => skipped.map((f) => [`${o}.${f}`, "error"])).sort(),
      );
    } finally {
      await w.close();
    }
  });

  it("reports a Lead Status an admin added to the org that the definition does not list (a warning, exit 0)", async () => {
    const w = await world("salesforce");
    try {
      w.salesforce.data.addPicklistValue("Lead", "Status", "Nurture – Ré-engager");
      const out = await runCli(["validate", "--live", "--json", "--config", w.config]);
      expect(out.code).toBe(0); // a warning: a rep choosing it sends the record to the error queue
      const problems = (JSON.parse(out.stdout) as { problems: LiveProblem[] }).problems.filter((p) => p.mapping !== "routing");
      expect(problems.filter((p) => p.field === "dispositions.salesforce")).toEqual([
        expect.objectContaining({ severity: "warning", side: "crm", message: expect.stringContaining('Lead.Status can hold "Nurture – Ré-engager"') }),
      ]);
      expect(problems.find((p) => p.field === "dispositions.salesforce")!.source).toMatch(/qualification\.yaml$/);
      // The contact-lead mapping's value map for Status does not cover it either: a Lead with it would fail.
      const map = problems.find((p) => p.field === "Status" && p.source.endsWith("contact-lead.yaml"));
      expect(map).toMatchObject({ side: "crm", severity: "warning" });
      expect(map!.message).toMatch(/can hold "Nurture – Ré-engager", which the value map does not cover/);
    } finally {
      await w.close();
    }
  });

  it("passes HubSpot as CRM, whose hs_lead_status options the definition lists in full", async () => {
    const w = await world("hubspot");
    try {
      const out = await runCli(["validate", "--live", "--config", w.config]);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain("mappings and disposition statuses match the live schemas");
    } finally {
      await w.close();
    }
  });

  it("reports a lead status an admin added to HubSpot that the definition does not list", async () => {
    const w = await world("hubspot");
    try {
      // An admin adds an option to the contact's Lead Status (the emulator's property as HubSpot keeps it).
      const definition = w.hubspot.data.definitions("contacts").get("hs_lead_status")!;
      definition.options.push({ label: "Nurture – Ré-engager", value: "NURTURE_REENGAGE", displayOrder: 99, hidden: false });
      const out = await runCli(["validate", "--live", "--json", "--config", w.config]);
      expect(out.code).toBe(0); // a warning: records with it will wait in the error queue
      // This portal has none of the reps the routing and the SLA name: routing-reps-live-check covers those warnings.
      const problems = (JSON.parse(out.stdout) as { problems: LiveProblem[] }).problems.filter((p) => p.mapping !== "routing");
      expect(problems).toEqual([
        expect.objectContaining({ field: "dispositions.hubspot", severity: "warning", message: expect.stringContaining('"NURTURE_REENGAGE"') }),
      ]);
    } finally {
      await w.close();
    }
  });
});

describe("requalify", () => {
  it("has help naming its exit statuses", async () => {
    const help = await runCli(["requalify", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--yes");
    expect(help.stdout).toContain("Exit status: 0 requalified");
    expect((await runCli(["--help"])).stdout).toContain("requalify");
  });

  it("moves a trashed person back to lead after confirmation, and refuses what it cannot move", async () => {
    const w = await world("hubspot");
    try {
      // Søren as his rep's trash left his contact: lifecycle `other`, UNQUALIFIED (leadloop's own properties
      // are made by the command's preparation, as by a sync's).
      const soren = w.hubspot.data.createObject("contacts", {
        email: "Soren.Kierkegaard@Taenketank.dk",
        firstname: "Søren",
        lastname: "Kierkegaard",
        lifecyclestage: "other",
        hs_lead_status: "UNQUALIFIED",
      }).id;
      await seedTrashed(w.store, { personId: soren, email: "Soren.Kierkegaard@Taenketank.dk", name: "Søren Kierkegaard", score: 72 });

      const noTerminal = await runCli(["requalify", "soren.kierkegaard@taenketank.dk", "--config", w.config]);
      expect(noTerminal.code).toBe(2);
      expect(noTerminal.stderr).toContain("pass --yes");

      const no = await runCli(["requalify", "soren.kierkegaard@taenketank.dk", "--config", w.config], {}, { text: "n\n", terminal: true });
      expect(no.code).toBe(1);

      const yes = await runCli(
        ["requalify", "SOREN.kierkegaard@taenketank.dk", "--json", "--config", w.config],
        {},
        { text: "yes\n", terminal: true },
      );
      expect(yes.code).toBe(0);
      expect(JSON.parse(yes.stdout)).toMatchObject({ personId: soren, from: "trash", to: "lead", requalified: true, written: true });

      const again = await runCli(["requalify", "soren.kierkegaard@taenketank.dk", "--yes", "--config", w.config]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("is at stage lead");
      // A person leadloop knows, at a stage requalify does not move, is named with that stage in --json, where
      // personId and from were null as for nobody.
      const notMoved = await runCli(["requalify", "soren.kierkegaard@taenketank.dk", "--yes", "--json", "--config", w.config]);
      expect(notMoved.code).toBe(1);
      expect(JSON.parse(notMoved.stdout)).toMatchObject({ personId: soren, from: "lead", to: null, requalified: false });
      const unknown = await runCli(["requalify", "nobody@nowhere.example", "--yes", "--json", "--config", w.config]);
      expect(unknown.code).toBe(1);
      expect(JSON.parse(unknown.stdout)).toMatchObject({ personId: null, from: null, to: null, requalified: false });

      // Written at once, not left for the next sync: the trash verdict is revoked on the contact (its reason
      // and date blanked, the lifecycle stage cleared back to lead), and its lead status opens as a handoff
      // opens it (the definition's first `none` status), not left at UNQUALIFIED.
      const contact = w.hubspot.data.getObject("contacts", soren)!;
      expect({
        lifecyclestage: contact.properties.lifecyclestage,
        leadloop_status: contact.properties.leadloop_status,
        leadloop_disposition_reason: contact.properties.leadloop_disposition_reason ?? "",
        leadloop_disposition_date: contact.properties.leadloop_disposition_date ?? "",
        hs_lead_status: contact.properties.hs_lead_status,
      }).toEqual({ lifecyclestage: "lead", leadloop_status: "lead", leadloop_disposition_reason: "", leadloop_disposition_date: "", hs_lead_status: "NEW" });
      const reopened = await openStore({ path: w.store });
      try {
        expect(await reopened.listOutbox()).toEqual([]);
        expect((await reopened.listFunnelEvents({ personId: soren })).map((e) => e.toStage)).toEqual(["mql", "trash", "lead"]);
      } finally {
        await reopened.close();
      }
    } finally {
      await w.close();
    }
  });

  it("keeps the decision in the store when HubSpot does not answer within its patience: exit 3, the next sync writes it", async () => {
    const w = await world("hubspot");
    try {
      // A patience of a second, where the command's own is 30 s (the smaller of the two holds).
      appendFileSync(w.config, "sync:\n  retryPatience: 1s\n");
      await seedTrashed(w.store, { personId: "503", email: "Zoë.Ångström@Norrsken.se", name: "Zoë Ångström", score: 66 });
      w.hubspot.faults.add({ requests: [{ kind: "status", status: 503 }] });
      const down = await runCli(["requalify", "zoë.ångström@norrsken.se", "--yes", "--config", w.config]);
      expect(down.code).toBe(3);
      expect(down.stderr).toContain("requalified Zoë.Ångström@Norrsken.se: trash → lead, kept in the store but not written yet");
      expect(down.stderr).toContain("the next sync writes it");
      const reopened = await openStore({ path: w.store });
      try {
        expect((await reopened.listOutbox()).map((e) => e.key)).toEqual(["disposition:503"]);
        expect((await reopened.listFunnelEvents({ personId: "503" })).map((e) => e.toStage)).toEqual(["mql", "trash", "lead"]);
      } finally {
        await reopened.close();
      }
    } finally {
      await w.close();
    }
  });

  it("names the command's own 30 s patience when HubSpot asks it to wait longer, not sync.retryPatience", async () => {
    const w = await world("hubspot");
    try {
      // sync.retryPatience left at its five minutes: the command's 30 s is the patience a minute's wait exceeds.
      await seedTrashed(w.store, { personId: "507", email: "Bérénice.O'Connor@Île-Verte.ie", name: "Bérénice O'Connor", score: 63 });
      w.hubspot.faults.add({ requests: [{ kind: "rate_limit", retryAfterSeconds: 60 }] });
      const asked = await runCli(["requalify", "bérénice.o'connor@île-verte.ie", "--yes", "--config", w.config]);
      expect(asked.code).toBe(3);
      expect(asked.stderr).toContain("the 30s patience (requalify's own, shorter than sync.retryPatience)); the next sync writes it");
      expect(asked.stderr).not.toContain("(sync.retryPatience)");
    } finally {
      await w.close();
    }
  });

  it("keeps the decision in the store while another run holds it: exit 3, the next sync writes it", async () => {
    const w = await world("hubspot");
    try {
      await seedTrashed(w.store, { personId: "505", email: "Inès.Dubois-Séguin@Atelier-Lumière.fr", name: "Inès Dubois-Séguin", score: 64 });
      const store = await openStore({ path: w.store });
      try {
        const lease = await takeRunLock({ store, holder: runLockHolder("sync-under-way"), now: () => new Date(), ttlMs: RUN_LOCK_TTL_MS, log: silentLogger });
        const held = await runCli(["requalify", "inès.dubois-séguin@atelier-lumière.fr", "--yes", "--config", w.config]);
        await lease.release();
        expect(held.code).toBe(3);
        expect(held.stderr).toContain("kept in the store but not written yet (another leadloop run holds the state store (");
        expect(held.stderr).not.toContain("did nothing");
        expect((await store.listOutbox()).map((e) => e.key)).toEqual(["disposition:505"]);
      } finally {
        await store.close();
      }
    } finally {
      await w.close();
    }
  });

  it("says a write HubSpot refused waits in the error queue: exit 4", async () => {
    const w = await world("hubspot");
    try {
      // Known to the store, but her contact is gone from HubSpot (deleted by hand since the last sync).
      await seedTrashed(w.store, { personId: "9904", email: "Maël.Le-Goff@Breizh-Océan.fr", name: "Maël Le Goff", score: 61 });
      const refused = await runCli(["requalify", "maël.le-goff@breizh-océan.fr", "--yes", "--json", "--config", w.config]);
      expect(refused.code).toBe(4);
      expect(JSON.parse(refused.stdout)).toMatchObject({ personId: "9904", from: "trash", to: "lead", requalified: true, written: false });
      const queue = await runCli(["errors", "list", "--json", "--config", w.config]);
      expect(queue.stdout).toContain("disposition:9904");
    } finally {
      await w.close();
    }
  });

  /** Dora came back as an MQL the cool-down holds until 2026-12-21 09:00 UTC; nothing handed her off since. */
  async function heldComeback(store: string): Promise<void> {
    const opened = await openStore({ path: store });
    const event = (fromStage: string, toStage: string, at: string, cause: string) =>
      ({ personId: "502", email: null, fromStage, toStage, at, cause, runId: "seed", source: null, campaign: null, ownerId: null, amount: null });
    await opened.commitBatch({
      runId: "seed",
      at: "2026-11-20T10:00:00.000Z",
      personScores: [
        { personId: "502", email: "Dora.Costa@Onyx-Média.example", name: "Dora Costa", score: 70, fit: 35, behaviour: 35, nearMissing: null, ownerEmail: null, scoredAt: "2026-12-02T10:00:00.000Z" },
      ],
      funnelEvents: [
        event("lead", "mql", "2026-11-20T10:00:00.000Z", "qualified"),
        event("mql", "unreachable", "2026-11-21T09:00:00.000Z", "disposition unreachable: Closed - Unreachable"),
        event("unreachable", "mql", "2026-12-02T10:00:00.000Z", "qualified: 70 points (pricing-page); held by the cool-down until 2026-12-21 09:00 UTC"),
      ],
    });
    await opened.close();
  }

  /** `requalify --json` of Dora at `now`, which refuses to move her. */
  async function requalifyHeld(config: string, now: Date): Promise<{ from: string; to: string | null; requalified: boolean; message: string }> {
    const held = await runCli(["requalify", "dora.costa@onyx-média.example", "--yes", "--json", "--config", config], {}, undefined, { now: () => now });
    expect(held.code).toBe(1);
    const answer = JSON.parse(held.stdout) as { from: string; to: string | null; requalified: boolean; message: string };
    expect(answer).toMatchObject({ from: "mql", to: null, requalified: false });
    return answer;
  }

  it("names the hold of a comeback the cool-down holds, whose records still show the rep's verdict", async () => {
    const w = await world("salesforce");
    try {
      await heldComeback(w.store);
      const answer = await requalifyHeld(w.config, new Date("2026-12-14T16:45:00.000Z"));
      // Her Lead and contact still say Unreachable, where "at stage mql" alone contradicted what the admin sees.
      expect(answer.message).toContain("held by the cool-down until 2026-12-21 09:00 UTC");
      expect(answer.message).toContain("still show the rep's verdict");
    } finally {
      await w.close();
    }
  });

  it("says a hold whose end has passed holds no more: the next sync hands her off, no past date called a hold", async () => {
    const w = await world("salesforce");
    try {
      await heldComeback(w.store);
      const answer = await requalifyHeld(w.config, new Date("2026-12-23T08:05:00.000Z"));
      expect(answer.message).not.toContain("held by the cool-down until");
      expect(answer.message).toContain("cool-down ended at 2026-12-21 09:00 UTC");
      expect(answer.message).toContain("the next sync hands her off if she still qualifies");
      const text = await runCli(["requalify", "dora.costa@onyx-média.example", "--yes", "--config", w.config], {}, undefined, {
        now: () => new Date("2026-12-23T08:05:00.000Z"),
      });
      expect(text.code).toBe(1);
      expect(text.stderr).toContain("the next sync hands her off if she still qualifies");
      expect(text.stderr).not.toContain("held by");
    } finally {
      await w.close();
    }
  });

});
