// `leadloop report` after six sandbox runs, as a user drives it: the funnel's JSON equals what the
// store's funnel events and follow-up clocks say, the CSV parses to the same figures, the HTML page is
// self-contained, and the sandbox's last run carries the same report.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { loadConfig } from "../../src/config/load-config.js";
import type { FunnelReport } from "../../src/core/report/index.js";
import { writeSandboxConfig } from "../../src/sandbox/sandbox-config.js";
import { openStore } from "../../src/store/open-store.js";
import type { FunnelEvent, SlaClock } from "../../src/store/port.js";
import { openBrowser } from "../support/browser.js";
import { runCli } from "../support/cli-run.js";
import { funnelFor, pricingAndDemo, REPS, seedAnais, seedReps, TEST_ROUTING } from "../support/funnel-harness.js";
import { startLoop, tick } from "../support/loop-harness.js";

const BEFORE_SAL = new Set([null, "lead", "mql", "recycled", "unreachable"]);

let dir: string;
let config: string;
let sandboxLines: Record<string, unknown>[];
let events: FunnelEvent[];
let clocks: SlaClock[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadloop-report-"));
  config = join(dir, "leadloop.yaml");
  const sandbox = await runCli(["--log-level", "error", "sandbox", "--runs", "6", "--seed", "7", "--contacts", "60", "--json", "--config-out", config]);
  expect(sandbox.code).toBe(0);
  sandboxLines = sandbox.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  const store = await openStore(loadConfig(config, {}).config.store);
  try {
    clocks = await store.listSlaClocks();
    // A person who qualified again within the recycle cool-down is held from sales: that MQL is no
    // move a report counts until a handoff of the person comes at or after it.
    const handoffs = [...(await store.listReplacedSlaClocks()), ...clocks];
    const handedOff = (e: FunnelEvent) => handoffs.some((c) => c.personId === e.personId && c.handoffAt >= e.at);
    events = (await store.listFunnelEvents()).filter(
      (e) => !(e.toStage === "mql" && e.cause.includes("held by the cool-down until") && !handedOff(e)),
    );
  } finally {
    await store.close();
  }
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the store's events say, counted the plain way: moves into each stage, revenue of earlier MQLs. */
function fromStore() {
  const count = (stage: string) => events.filter((e) => e.toStage === stage).length;
  const firstMql = new Map<string, string>();
  for (const e of events) if (e.toStage === "mql" && !firstMql.has(e.personId)) firstMql.set(e.personId, e.at);
  const won = events.filter((e) => e.toStage === "won");
  const hours = clocks.filter((c) => c.firstTouchAt).map((c) => Math.max(0, Date.parse(c.firstTouchAt!) - Date.parse(c.handoffAt)) / 3_600_000).sort((a, b) => a - b);
  const isSal = (e: FunnelEvent) => e.toStage === "sal" || (e.toStage === "opportunity" && BEFORE_SAL.has(e.fromStage));
  const to = (stage: string) => (e: FunnelEvent) => e.toStage === stage;
  return {
    // Of the people who reached a stage, those who reached the next one afterwards.
    conversions: {
      mqlToSal: cohortOf(to("mql"), isSal),
      salToOpportunity: cohortOf(isSal, to("opportunity")),
      opportunityToWon: cohortOf(to("opportunity"), to("won")),
    },
    mqls: count("mql"),
    sals: count("sal") + events.filter((e) => e.toStage === "opportunity" && BEFORE_SAL.has(e.fromStage)).length,
    opportunities: count("opportunity"),
    won: won.length,
    revenue: won.filter((e) => (firstMql.get(e.personId) ?? "~") <= e.at).reduce((n, e) => n + (e.amount ?? 0), 0),
    recycled: count("recycled"),
    handoffs: clocks.length,
    touched: hours.length,
    p90: hours.length ? Math.round(hours[Math.ceil(0.9 * hours.length) - 1]! * 100) / 100 : null,
  };
}

function cohortOf(enters: (e: FunnelEvent) => boolean, reaches: (e: FunnelEvent) => boolean): { people: number; reached: number } {
  const entered = new Set<string>();
  const reached = new Set<string>();
  for (const e of events) {
    if (enters(e)) entered.add(e.personId);
    if (reaches(e) && entered.has(e.personId)) reached.add(e.personId);
  }
  return { people: entered.size, reached: reached.size };
}

const fourDecimals = (c: { people: number; reached: number }) => (c.people ? Math.round((c.reached / c.people) * 10_000) / 10_000 : null);

async function reportJson<T = FunnelReport>(...args: string[]): Promise<T> {
  const out = await runCli(["report", ...args, "--config", config]);
  expect(out.stderr).toBe("");
  expect(out.code).toBe(0);
  return JSON.parse(out.stdout) as T;
}

describe("leadloop report after six sandbox runs", () => {
  it("the sandbox's runs recorded a funnel to report on", () => {
    const s = fromStore();
    expect(s.mqls).toBeGreaterThan(5);
    expect(s.opportunities).toBeGreaterThan(0);
    expect(s.won).toBeGreaterThan(0);
    expect(s.touched).toBeGreaterThan(0);
  });

  it("report funnel --json equals what the store's funnel events and clocks say", async () => {
    const r = await reportJson("funnel", "--since", "2000-01-01", "--json");
    const s = fromStore();
    expect(r).toMatchObject({
      period: { since: "2000-01-01T00:00:00.000Z", kind: "custom" },
      groupBy: null,
      mqls: s.mqls,
      sals: s.sals,
      opportunities: s.opportunities,
      won: s.won,
      revenue: s.revenue,
      recycled: s.recycled,
      handoffs: s.handoffs,
      followUpHours: { median: expect.any(Number), p90: s.p90, count: s.touched },
      conversions: s.conversions,
      rates: {
        mqlToSal: fourDecimals(s.conversions.mqlToSal),
        salToOpportunity: fourDecimals(s.conversions.salToOpportunity),
        opportunityToWon: fourDecimals(s.conversions.opportunityToWon),
      },
    });
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining(["sqls", "velocityDays", "requalified", "dispositions", "groups", "flags", "targets", "timeline"]),
    );
  });

  it("groups add up to the whole funnel, whatever they are grouped by", async () => {
    const total = await reportJson("funnel", "--since", "2000-01-01", "--json");
    for (const by of ["source", "campaign", "campaignType", "owner", "territory"]) {
      const r = await reportJson("funnel", "--since", "2000-01-01", "--group-by", by, "--json");
      expect(r.groupBy).toBe(by);
      expect([by, r.groups.reduce((n, g) => n + g.mqls, 0), r.groups.reduce((n, g) => n + g.won, 0)]).toEqual([by, total.mqls, total.won]);
    }
  });

  it("the sandbox's last run carries the same funnel report under `report`; the runs before keep their lines", async () => {
    expect(sandboxLines).toHaveLength(6);
    expect(sandboxLines.slice(0, 5).every((l) => !("report" in l) && typeof l.runId === "string")).toBe(true);
    const last = sandboxLines[5]!;
    expect(last.runId).toEqual(expect.any(String));
    const report = last.report as FunnelReport;
    const s = fromStore();
    expect(report).toMatchObject({ period: { since: null, kind: "all" }, groupBy: "source", mqls: s.mqls, won: s.won, revenue: s.revenue });
    // And the campaigns report: every MQL under one campaign row, each row saying where it came from.
    const campaigns = (last.campaigns as { campaigns: { mqls: number; origin: string | null; campaign: string }[] }).campaigns;
    expect(campaigns.reduce((n, c) => n + c.mqls, 0)).toBe(s.mqls);
    for (const c of campaigns) expect([c.campaign, c.origin]).toEqual([c.campaign, c.campaign === "(none)" ? null : expect.stringMatching(/^(hubspot-campaign|salesforce-campaign|source-property)$/)]);
  });

  it("report funnel --csv parses: a total row, then one per group, with the JSON's figures", async () => {
    const json = await reportJson("funnel", "--since", "2000-01-01", "--group-by", "campaign", "--json");
    const out = await runCli(["report", "funnel", "--since", "2000-01-01", "--group-by", "campaign", "--csv", "--config", config]);
    expect(out.code).toBe(0);
    const rows = parse(out.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1 + json.groups.length);
    expect(rows[0]).toMatchObject({ group: "total", mqls: String(json.mqls), won: String(json.won), revenue: String(json.revenue) });
    expect(rows.slice(1).map((r) => [r.group, Number(r.mqls)])).toEqual(json.groups.map((g) => [g.label, g.mqls]));
  });

  it("report campaigns and report sla add up to the funnel's MQLs and handoffs", async () => {
    const funnel = await reportJson("funnel", "--since", "2000-01-01", "--json");
    const campaigns = await reportJson<{ campaigns: { mqls: number }[] }>("campaigns", "--since", "2000-01-01", "--json");
    expect(campaigns.campaigns.reduce((n, c) => n + c.mqls, 0)).toBe(funnel.mqls);
    const sla = await reportJson<{ handoffs: number; reps: { owner: string; handoffs: number; met: number; breached: number }[] }>(
      "sla", "--since", "2000-01-01", "--json",
    );
    expect(sla.handoffs).toBeGreaterThanOrEqual(funnel.handoffs);
    expect(sla.reps.length).toBeGreaterThan(0);
    expect(sla.reps.every((r) => r.owner.includes("@"))).toBe(true);
    const text = await runCli(["report", "sla", "--since", "2000-01-01", "--config", config]);
    expect(text.stdout).toContain("REP");
    expect(text.stdout).toContain(sla.reps[0]!.owner);
  });

  it("report funnel --html writes one self-contained page: the funnel chart, no http(s) source or link", async () => {
    const file = join(dir, "out", "report.html");
    const out = await runCli(["report", "funnel", "--since", "2000-01-01", "--html", file, "--config", config]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain("MQLs");
    const html = readFileSync(file, "utf8");
    // A folder where the page should go is named, with exit 2.
    const folder = join(dir, "out");
    const refused = await runCli(["report", "funnel", "--since", "2000-01-01", "--html", folder, "--config", config]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`leadloop: --html ${folder}: cannot write it: it is a folder, not a file`);
    const json = await reportJson("funnel", "--since", "2000-01-01", "--json");
    expect(html).toContain('<svg id="funnel-chart"');
    expect(html).toContain(`data-stage-count="mqls">${json.mqls}<`);
    expect(html).toContain(`data-stage-count="won">${json.won}<`);
    const references = [...html.matchAll(/\b(?:src|href|xlink:href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1]);
    expect(references.filter((r) => /^(https?:)?\/\//i.test(r!))).toEqual([]);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
    // No script runs: the only script element holds the report's data as JSON.
    expect([...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])).toEqual(['<script type="application/json" id="report-data">']);
  });

  it("text by default, with groups; bad options exit 2 and name the problem; --help names the exit statuses", async () => {
    const text = await runCli(["report", "funnel", "--since", "2000-01-01", "--group-by", "owner", "--config", config]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Funnel from 2000-01-01 to /);
    expect(text.stdout).toContain("By owner:");
    // --until alone cuts the period: not everything so far, though it starts at the first event.
    const until = await runCli(["report", "funnel", "--until", "2030-01-01", "--config", config]);
    expect(until.stdout.split("\n")[0]).toBe("Funnel from the first event to 2030-01-01 (custom)");
    const cut = await reportJson("funnel", "--until", "2030-01-01", "--json");
    expect(cut.period).toEqual({ since: null, until: "2030-01-01T00:00:00.000Z", kind: "custom" });
    const badDate = await runCli(["report", "funnel", "--since", "last tuesday", "--config", config]);
    expect([badDate.code, badDate.stderr]).toEqual([2, expect.stringContaining("--since must be a date")]);
    expect((await runCli(["report", "funnel", "--period", "year", "--config", config])).code).toBe(2);
    expect((await runCli(["report", "funnel", "--json", "--csv", "--config", config])).code).toBe(2);
    const both = await runCli(["report", "campaigns", "--period", "month", "--since", "2026-01-01", "--config", config]);
    expect([both.code, both.stderr]).toEqual([2, "leadloop: give --period or --since/--until, not both\n"]);
    const help = await runCli(["report", "funnel", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--group-by <field>");
    expect(help.stdout).toContain("Exit status: 0 printed, 1 no state store at store.path yet, 2 bad options or configuration.");
    // The default period is this quarter.
    const quarter = await reportJson("funnel", "--json");
    expect(quarter.period.kind).toBe("quarter");
    expect(quarter.mqls).toBe(events.filter((e) => e.toStage === "mql" && e.at >= quarter.period.since!).length);
  });
});

describe("report funnel --group-by owner: every row printed shows what put it there", () => {
  it("shows the \"(none)\" owner's row of a lead a rep recycled before any handoff, by its recycled count, in every format", async () => {
    const loop = await startLoop();
    try {
      seedReps(loop);
      // Noé is a rep's own lead, recycled in Salesforce after leadloop's first run read it open, before any
      // handoff: linked by his email (typed in other case on each side), his verdict is recorded with no
      // owner leadloop knows of.
      const noe = loop.hubspot.data.createObject("contacts", {
        email: "noe.segal@brasserie-oceane.fr",
        firstname: "Noé",
        lastname: "Ségal",
        company: "Brasserie Océane",
      }).id;
      loop.salesforce.data.insert("Lead", {
        FirstName: "Noé",
        LastName: "Ségal",
        Company: "Brasserie Océane",
        Email: "Noe.Segal@Brasserie-Oceane.FR",
        Status: "Open - Not Contacted",
      });
      // Anaïs qualifies and is handed off to Hélène, who finds her unqualified.
      const anais = seedAnais(loop);
      const sync = () => loop.sync({ funnel: funnelFor(loop, "salesforce") });
      await sync();
      await tick();
      // His rep sends him back to nurture.
      const noesLead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === noe)!;
      loop.salesforce.data.update("Lead", String(noesLead.Id), { Status: "Closed - Not Converted" });
      pricingAndDemo(loop, anais);
      expect((await sync()).summary.handoffs).toBe(1);
      await tick();
      const lead = loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === anais)!;
      loop.salesforce.data.update("Lead", String(lead.Id), { Status: "Closed - Unqualified" });
      await tick();
      await sync();
      expect((await loop.store.listFunnelEvents({ personId: noe })).map((e) => [e.toStage, e.ownerId])).toEqual([["recycled", null]]);

      const groupsDir = mkdtempSync(join(tmpdir(), "leadloop-report-groups-"));
      const groupsConfig = join(groupsDir, "leadloop.yaml");
      writeSandboxConfig(groupsConfig, TEST_ROUTING, {
        hubspot: { url: loop.hubspot.url, accessToken: loop.hubspot.accessToken },
        salesforce: loop.salesforce,
        storePath: loop.storePath,
        crm: "salesforce",
      });
      const report = (...args: string[]) => runCli(["report", "funnel", "--since", "2000-01-01", "--group-by", "owner", ...args, "--config", groupsConfig]);

      const json = JSON.parse((await report("--json")).stdout) as FunnelReport;
      expect(json.groups.map((g) => [g.label, g.mqls, g.handoffs, g.recycled, g.dispositions])).toEqual([
        [REPS.emea.email, 1, 1, 0, { qualified: 0, recycle: 0, trash: 1, unreachable: 0 }],
        ["(none)", 0, 0, 1, { qualified: 0, recycle: 1, trash: 0, unreachable: 0 }],
      ]);

      // The text table has a column for each count a row can have: the "(none)" row reads 1 recycled, and
      // no row printed is all zeros.
      const text = (await report()).stdout;
      const table = text.slice(text.indexOf("By owner:\n") + "By owner:\n".length).trimEnd().split("\n").map((l) => l.split(/\s{2,}/));
      const header = table[0]!;
      const cell = (row: string[], column: string) => row[header.indexOf(column)];
      expect(header.slice(0, 10)).toEqual(["OWNER", "MQLS", "HANDOFFS", "SALS", "OPPS", "WON", "LOST", "RECYCLED", "TRASH", "UNREACHABLE"]);
      const none = table.find((row) => row[0] === "(none)")!;
      expect([cell(none, "MQLS"), cell(none, "RECYCLED"), cell(none, "TRASH")]).toEqual(["0", "1", "0"]);
      const helene = table.find((row) => row[0] === REPS.emea.email)!;
      expect([cell(helene, "MQLS"), cell(helene, "HANDOFFS"), cell(helene, "TRASH")]).toEqual(["1", "1", "1"]);
      for (const row of table.slice(1)) expect([row[0], row.slice(1, 10).some((n) => n !== "0")]).toEqual([row[0], true]);

      // The CSV and the HTML page have the same rows, the page's "(none)" row with its recycled count.
      const csv = parse((await report("--csv")).stdout, { columns: true }) as Record<string, string>[];
      expect(csv.map((r) => [r.group, r.recycled, r.recycle])).toEqual([["total", "1", "1"], [REPS.emea.email, "0", "0"], ["(none)", "1", "1"]]);
      const page = join(groupsDir, "report.html");
      expect((await report("--html", page)).code).toBe(0);
      const html = readFileSync(page, "utf8");
      const groupsTable = html.slice(html.indexOf('<table id="groups-table">'), html.indexOf("</table>", html.indexOf('<table id="groups-table">')));
      const htmlHeader = [...groupsTable.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
      const htmlNone = [.../<tr><td>\(none\)<\/td>.*?<\/tr>/.exec(groupsTable)![0].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
      expect([htmlNone[htmlHeader.indexOf("MQLs")], htmlNone[htmlHeader.indexOf("Recycled")]]).toEqual(["0", "1"]);
      rmSync(groupsDir, { recursive: true, force: true });
    } finally {
      await loop.close();
    }
  }, 120_000);
});

describe("the HTML report in headless Chromium", () => {
  it("draws the funnel chart, shows the numbers of report --json, and asks the network for nothing", async () => {
    const file = join(dir, "browser", "report.html");
    expect((await runCli(["report", "funnel", "--since", "2000-01-01", "--html", file, "--config", config])).code).toBe(0);
    const json = await reportJson("funnel", "--since", "2000-01-01", "--json");
    const browser = await openBrowser();
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(file).href);
      expect(await page.isVisible("#funnel-chart")).toBe(true);
      const bars = await page.$$eval("#funnel-chart rect[data-stage]", (rects) =>
        rects.map((r) => {
          const box = r.getBoundingClientRect();
          return { stage: r.getAttribute("data-stage"), count: Number(r.getAttribute("data-count")), width: box.width, height: box.height };
        }),
      );
      expect(bars.map((b) => [b.stage, b.count])).toEqual([
        ["mqls", json.mqls],
        ["sals", json.sals],
        ["opportunities", json.opportunities],
        ["won", json.won],
      ]);
      expect(bars.every((b) => b.width > 0 && b.height > 0)).toBe(true);
      // The widest bar is the largest count.
      const widest = bars.reduce((a, b) => (b.width > a.width ? b : a));
      expect(widest.count).toBe(Math.max(...bars.map((b) => b.count)));
      for (const stage of ["mqls", "sals", "opportunities", "won"] as const)
        expect(await page.textContent(`[data-stage-count="${stage}"]`)).toBe(String(json[stage]));
      expect(await page.textContent('[data-metric="mqls"]')).toBe(String(json.mqls));
      expect(await page.textContent('[data-metric="revenue"]')).toBe(
        json.revenue.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      );
      expect(await page.textContent('[data-metric="followUpMedian"]')).toBe(`${json.followUpHours.median} h`);
      // A percent rounded once from the people the rate is made of (half up, tenths).
      const shown = (c: { people: number; reached: number }) => (c.people === 0 ? "-" : `${(Math.round((c.reached * 1000) / c.people) / 10).toFixed(1)}%`);
      expect(await page.textContent('[data-rate="mqlToSal"]')).toBe(`↓ ${shown(json.conversions.mqlToSal)}`);
      expect(await page.textContent('[data-rate="opportunityToWon"]')).toBe(`↓ ${shown(json.conversions.opportunityToWon)}`);
      expect(await page.isVisible("#rates-chart")).toBe(true);
      expect(await page.$$eval("#sla-table tbody tr", (rows) => rows.length)).toBeGreaterThan(0);
      // The data the page was drawn from rides along and is the report's.
      const data = JSON.parse((await page.textContent("#report-data"))!) as { funnel: FunnelReport };
      expect(data.funnel.mqls).toBe(json.mqls);
      expect(requests.filter((u) => !u.startsWith("file:"))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
