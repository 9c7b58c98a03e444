// `leadloop report` prints every rate rounded once, from the fraction itself: 15 of 19 MQLs accepted is
// 78.9% in the text, the HTML page and the SLA's compliance, where a ratio rounded to four decimals
// (0.7895) and then to one printed 79.0%; JSON and CSV keep the ratio to four decimals.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { FunnelReport } from "../../src/core/report/index.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { openStore } from "../../src/store/open-store.js";
import type { FunnelEvent, SlaClock } from "../../src/store/port.js";
import { runCli } from "../support/cli-run.js";
import { TEST_ROUTING } from "../support/funnel-harness.js";

const PEOPLE = [
  "Amélie Durand", "Bérénice Lefèvre", "Çağla Yıldız", "Dömötör Kovács", "Élodie Marchand", "François Müller",
  "Gaëlle Øster", "Hélène Dupré", "Íñigo Martínez", "Jérôme Noël", "Kübra Şahin", "Léa Rousseau", "Mårten Ågren",
  "Noémie Brûlé", "Oğuz Çelik", "Pénélope Faure", "Quentin Hervé", "Raphaël Gauthier", "Zoë Ångström",
];
const ANSWERED = 15;
const WEBINAR = "Webinaire Été 2026";

function event(i: number, fromStage: string, toStage: string, at: string, cause: string): FunnelEvent {
  const [first, last] = PEOPLE[i]!.split(" ");
  return {
    personId: String(7100 + i),
    email: `${first}.${last}@exemple.fr`.toLowerCase(),
    fromStage,
    toStage,
    at,
    cause,
    runId: "run-q3",
    source: "EMAIL_MARKETING",
    campaign: WEBINAR,
    ownerId: null,
    amount: null,
  };
}

const day = (d: number, hour = 9) => new Date(Date.UTC(2026, 6, d, hour)).toISOString();

let dir: string;
let config: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-report-rounding-"));
  config = join(dir, "leadloop.yaml");
  const storePath = join(dir, "state.db");
  writeSandboxConfig(config, TEST_ROUTING, { hubspot: { url: "http://127.0.0.1:9", accessToken: "pat-na1-unused" }, storePath, crm: "hubspot" });
  // 228 SALs a year is 19.35 over July's 31 days.
  appendFileSync(config, "report:\n  targets:\n    - { metric: sals, per: year, value: 228 }\n");
  // July 2026: 19 people qualify, 15 are accepted. In June, 1 of 8 was: a shift of 66.4 points (66.45 from
  // the two rates already rounded, shown as 66.5).
  const events: FunnelEvent[] = [];
  const clocks: SlaClock[] = [];
  for (let i = 0; i < 8; i++) {
    events.push({ ...event(i, "lead", "mql", new Date(Date.UTC(2026, 5, 4 + i)).toISOString(), "qualified: 62 points"), personId: String(7000 + i) });
    if (i === 0) events.push({ ...event(i, "mql", "sal", new Date(Date.UTC(2026, 5, 20)).toISOString(), "disposition qualified: Qualified"), personId: "7000" });
  }
  PEOPLE.forEach((_, i) => {
    events.push(event(i, "lead", "mql", day(1 + i), "qualified: 71 points"));
    // 15 met their SLA (touched within the hour), 4 breached it.
    const handoffAt = day(1 + i, 10);
    const dueAt = day(1 + i, 14);
    clocks.push({
      personId: String(7100 + i),
      crmType: "contacts",
      crmId: String(7100 + i),
      ownerId: null,
      handoffAt,
      dueAt,
      firstTouchAt: i < ANSWERED ? day(1 + i, 11) : null,
      touches: i < ANSWERED ? 1 : 0,
      breachedAt: i < ANSWERED ? null : dueAt,
    });
  });
  for (let i = 0; i < ANSWERED; i++) events.push(event(i, "mql", "sal", day(2 + i, 16), "disposition qualified: CONNECTED"));
  events.sort((a, b) => a.at.localeCompare(b.at));
  const store = await openStore({ path: storePath });
  try {
    await store.commitBatch({ runId: "run-q3", at: day(31), funnelEvents: events, slaClocks: clocks });
  } finally {
    await store.close();
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const JULY = ["--since", "2026-07-01", "--until", "2026-08-01"];

async function report(...args: string[]): Promise<string> {
  const out = await runCli(["report", ...args, "--config", config]);
  expect(out.code).toBe(0);
  return out.stdout;
}

describe("report rates are rounded once, from the fraction", () => {
  it("prints 15 of 19 as 78.9% in the funnel, its rate shift and the SLA's compliance", async () => {
    const text = await report("funnel", ...JULY, "--group-by", "campaign");
    expect(text).toContain("MQL→SAL 78.9%");
    expect(text).toContain("MQL→SAL rose from 12.5% to 78.9% (+66.4 points)");
    expect(text).toMatch(/Webinaire Été 2026 +19 +19 +15 .* 78\.9%/);
    const sla = await report("sla", ...JULY);
    expect(sla).toContain("15 met, 4 breached");
    expect(sla).toContain("compliance 78.9%");
  });

  it("keeps the ratio to four decimals in JSON and CSV, with the people it is made of", async () => {
    const json = JSON.parse(await report("funnel", ...JULY, "--json")) as FunnelReport;
    expect([json.rates.mqlToSal, json.conversions.mqlToSal]).toEqual([0.7895, { people: 19, reached: 15 }]);
    expect(json.flags).toEqual([
      { group: null, rate: "mqlToSal", previous: 0.125, current: 0.7895, shift: 0.6645, conversions: { previous: { people: 8, reached: 1 }, current: { people: 19, reached: 15 } } },
    ]);
    const rows = parse(await report("funnel", ...JULY, "--csv"), { columns: true }) as Record<string, string>[];
    expect([rows[0]!.group, rows[0]!.mqlToSal]).toEqual(["total", "0.7895"]);
  });

  it("gives a target's progress and the period passed to four decimals in JSON, and prints them rounded once", async () => {
    const july = JSON.parse(await report("funnel", ...JULY, "--json")) as FunnelReport;
    // 15 SALs of 19.35: 0.7752 (0.7751937984496124 unrounded), July all passed.
    expect(july.targets).toEqual([
      expect.objectContaining({ metric: "sals", target: 19.35, actual: 15, progress: 0.7752, elapsed: 1, onTrack: false }),
    ]);
    expect(await report("funnel", ...JULY)).toContain("sals: 15 of 19.35 (77.5%; 100.0% of the period passed: behind)");
    // A period still running: the share passed is a ratio of milliseconds, four decimals too.
    const running = JSON.parse(await report("funnel", "--since", "2026-07-01", "--until", "2099-01-01", "--json")) as FunnelReport;
    const [target] = running.targets;
    expect({ progress: String(target!.progress), elapsed: String(target!.elapsed) }).toEqual({
      progress: expect.stringMatching(/^0\.\d{1,4}$/),
      elapsed: expect.stringMatching(/^0\.\d{1,4}$/),
    });
  });

  it("draws 78.9% on the HTML page", async () => {
    const file = join(dir, "juillet.html");
    await report("funnel", ...JULY, "--html", file);
    const html = readFileSync(file, "utf8");
    expect(html).toContain('data-rate="mqlToSal">↓ 78.9%<');
    expect(html).toContain("MQL→SAL 78.9%");
    expect(html).toContain("compliance 78.9%");
  });
});

// README's "Configuration": `report:` sets what `leadloop report` flags and how it types campaigns. The same
// store, read with a configuration whose report settings differ from the shipped defaults.
describe("the report: settings", () => {
  const withReport = (name: string, block: string) => {
    const file = join(dir, name);
    writeFileSync(file, readFileSync(config, "utf8").replace(/^report:\n(?: {2}.*\n| {4}.*\n)*/m, block));
    return file;
  };
  const reportWith = async (file: string, ...args: string[]) => {
    const out = await runCli(["report", ...args, "--config", file]);
    expect(out.code).toBe(0);
    return out.stdout;
  };

  it("rateShiftAlert: a shift of 66.4 points is flagged under 50 (and the default ten), not under 70", async () => {
    const calm = withReport("calme.yaml", "report:\n  rateShiftAlert: 0.7\n");
    const json = JSON.parse(await reportWith(calm, "funnel", ...JULY, "--json")) as FunnelReport;
    expect(json.flags).toEqual([]);
    expect(await reportWith(calm, "funnel", ...JULY)).not.toContain("MQL→SAL rose from");
    const tight = withReport("serre.yaml", "report:\n  rateShiftAlert: 0.5\n");
    expect((JSON.parse(await reportWith(tight, "funnel", ...JULY, "--json")) as FunnelReport).flags.map((f) => f.rate)).toEqual(["mqlToSal"]);
  });

  it("campaignTypes: a campaign it names has that type in the campaigns report, where it had its source", async () => {
    type Campaigns = { campaigns: { campaign: string; type: string }[] };
    const before = JSON.parse(await reportWith(config, "campaigns", ...JULY, "--json")) as Campaigns;
    expect(before.campaigns.find((c) => c.campaign === WEBINAR)?.type).toBe("EMAIL_MARKETING");
    const typed = withReport("types.yaml", `report:\n  campaignTypes: { "${WEBINAR}": Webinar }\n`);
    const after = JSON.parse(await reportWith(typed, "campaigns", ...JULY, "--json")) as Campaigns;
    expect(after.campaigns.find((c) => c.campaign === WEBINAR)?.type).toBe("Webinar");
    expect(await reportWith(typed, "campaigns", ...JULY, "--csv")).toMatch(new RegExp(`^${WEBINAR},[^\n]*,Webinar,EMAIL_MARKETING,`, "m"));
  });
});
