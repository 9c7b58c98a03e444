// `leadloop hot` is a rep's command and reads one thing from the qualification file: the recycle cool-down,
// to know who is held from sales. A mistake elsewhere in the file (the ops admin's, which the sync refuses)
// no longer keeps the rep from their list: it is listed, with a warning naming file, line and key. A file
// whose `recycle` section cannot be read still stops `hot` (who is held is unknown), with an error naming
// file, line and field and what to do.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SHIPPED_CONFIG } from "../../src/sandbox/package-paths.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { openStore } from "../../src/store/open-store.js";
import type { FunnelEvent, PersonScoreRow, SlaClock } from "../../src/store/port.js";
import { runCli } from "../support/cli-run.js";
import { REPS, TEST_ROUTING } from "../support/funnel-harness.js";

const now = Date.now();
const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

function move(personId: string, email: string, fromStage: string, toStage: string, at: string, cause: string): FunnelEvent {
  return { personId, email, fromStage, toStage, at, cause, runId: "run-1", source: "ORGANIC_SEARCH", campaign: null, ownerId: null, amount: null };
}

function scoreRow(personId: string, email: string, name: string, score: number, ownerEmail: string | null): PersonScoreRow {
  return { personId, email, name, score, fit: 40, behaviour: score - 40, nearMissing: null, ownerEmail, scoredAt: daysAgo(0) };
}

let dir: string;
let config: string;
let qualification: string;
const shipped = readFileSync(join(SHIPPED_CONFIG, "qualification.yaml"), "utf8");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-hot-qualification-"));
  config = join(dir, "leadloop.yaml");
  qualification = join(dir, "qualification.yaml");
  const storePath = join(dir, "state.db");
  writeSandboxConfig(config, TEST_ROUTING, { hubspot: { url: "http://127.0.0.1:9", accessToken: "pat-na1-unused" }, storePath, crm: "hubspot" });
  writeFileSync(config, readFileSync(config, "utf8").replace(/^qualification: .*$/m, `qualification: ${qualification}`));
  // Anaïs is Hélène's MQL, handed off two days ago; Bruno was recycled five days ago and qualified again
  // yesterday: held by the 30-day cool-down, nobody's lead.
  const events = [
    move("501", "anais.berenger@sgo-optique.fr", "lead", "mql", daysAgo(2), "qualified: 78 points"),
    move("502", "bruno.lefevre@brulerie-cotedazur.fr", "lead", "mql", daysAgo(20), "qualified: 66 points"),
    move("502", "bruno.lefevre@brulerie-cotedazur.fr", "mql", "recycled", daysAgo(5), "disposition recycle: BAD_TIMING"),
    move("502", "bruno.lefevre@brulerie-cotedazur.fr", "recycled", "mql", daysAgo(1), "qualified: 71 points"),
  ];
  const clocks: SlaClock[] = [
    { personId: "501", crmType: "contacts", crmId: "501", ownerId: "70000001", handoffAt: daysAgo(2), dueAt: daysAgo(1), firstTouchAt: null, touches: 0, breachedAt: null },
  ];
  const store = await openStore({ path: storePath });
  try {
    await store.commitBatch({
      runId: "run-1",
      at: daysAgo(0),
      funnelEvents: events,
      slaClocks: clocks,
      personScores: [
        scoreRow("501", "anais.berenger@sgo-optique.fr", "Anaïs Bérenger-Duval", 78, REPS.emea.email),
        scoreRow("502", "bruno.lefevre@brulerie-cotedazur.fr", "Bruno Lefèvre", 71, REPS.emea.email),
      ],
    });
  } finally {
    await store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The shipped qualification with one line replaced: the line's number in the file and the file's path. */
function qualificationWith(from: RegExp, to: string): number {
  const lines = shipped.split("\n");
  const i = lines.findIndex((l) => from.test(l));
  expect(i).toBeGreaterThanOrEqual(0);
  lines[i] = lines[i]!.replace(from, to);
  writeFileSync(qualification, lines.join("\n"));
  return i + 1;
}

const hot = (...args: string[]) => runCli(["hot", "--config", config, ...args]);

describe("hot and a broken qualification file", () => {
  it("lists the leads with a warning naming file, line and key when the mistake is outside the cool-down", async () => {
    const line = qualificationWith(/points: 20$/, "points: vingt");
    const out = await hot("--json");
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as { email: string; stage: string; ownerEmail: string | null }[]).map((r) => [r.email, r.stage, r.ownerEmail])).toEqual([
      ["anais.berenger@sgo-optique.fr", "mql", REPS.emea.email],
      ["bruno.lefevre@brulerie-cotedazur.fr", "held", null],
    ]);
    expect(out.stderr).toContain(`warning: ${qualification}:${line}:`);
    expect(out.stderr).toMatch(/fit\[\d+\]\.points: /);
    expect(out.stderr).toContain("`leadloop validate` lists every problem");
    // The rep's own list leaves the held person out, as with a sound file.
    const own = await hot("--owner", REPS.emea.email);
    expect(own.code).toBe(0);
    expect(own.stdout).toContain("anais.berenger@sgo-optique.fr  Anaïs Bérenger-Duval  owner: helene.dubois@leadloop-demo.com");
    expect(own.stdout).not.toContain("bruno");
  });

  it("stops with the file, line and field of a cool-down it cannot read, and what to do", async () => {
    const line = qualificationWith(/coolDownDays: 30$/, "coolDownDays: trente");
    const out = await hot();
    expect(out.code).toBe(2);
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain(`${qualification}:${line}:`);
    expect(out.stderr).toContain("recycle.coolDownDays: ");
    expect(out.stderr).toContain("fix this line, or ask whoever runs leadloop");
  });
});
