// A person her rep trashed, whom an admin brought back with `leadloop requalify` (trash → lead, her CRM
// record open again), and whose rep accepts her before she qualifies again: she moves on to sal whether
// the store was kept or lost since the requalify's write. After a lost store the rebuild restores no clock
// for a person it finds at lead, and her record's status, unseen by the new store, was taken for one from
// before leadloop's first look: she stayed at lead for good while her CRM record said accepted (found by the
// long story, seed 415, crm hubspot, requalify in round 11, store lost in round 13). Her record carries the
// MQL date leadloop's handoff wrote, so her status is her rep's verdict (README "Recycle and trash"). And
// `report funnel` counts her MQL and her rep's trash before the requalify after the loss as before it: the
// rebuild reads her histories as a re-qualified person's and brings her back through them to lead.
import { rmSync } from "node:fs";
import { runCli } from "../support/cli-run.js";
import { anaisTrashed, type funnelFor, loopConfig, repSetsStatus } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** Whole seconds pass: the Salesforce emulator stamps to the second, and a rep's edit must follow leadloop's. */
const nextSecond = () => tick(1_100);
/** Four months on: her pricing visit and demo request no longer qualify her once requalified. */
const LATER_MS = 120 * 86_400_000;

describe.each(["salesforce", "hubspot"] as const)("a requalified person her rep accepts, crm: %s", (crm) => {
  let loop: LoopHarness;
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  beforeEach(async () => {
    offset = 0;
    loop = await startLoop();
  });
  afterEach(async () => {
    await loop.close();
  });
  const sync = (funnel: ReturnType<typeof funnelFor>) => loop.sync({ funnel, now, ...(crm === "hubspot" ? { mappings: [], crm: loop.hubspotAdapter } : {}) });
  /** What `report funnel --json` counts of her: MQLs, trash verdicts, SALs. */
  const report = async () => {
    const until = new Date(now().getTime() + 86_400_000).toISOString();
    const out = await runCli(["--config", loopConfig(loop, crm), "report", "funnel", "--since", "2000-01-01", "--until", until, "--json"], {}, undefined, { now });
    expect(out.code).toBe(0);
    const r = JSON.parse(out.stdout) as { mqls: number; sals: number; dispositions: Record<string, number> };
    return { mqls: r.mqls, trash: r.dispositions.trash, sals: r.sals };
  };
  const stage = (anais: string) => loop.hubspot.data.getObject("contacts", anais)!.properties.leadloop_status;

  it.each([
    ["kept", false],
    ["lost", true],
  ])("moves on to sal, the store %s after the requalify's write", async (_, lost) => {
    const { funnel, anais } = await anaisTrashed(loop, crm, sync, now);
    offset = LATER_MS;
    const requalify = ["--config", loopConfig(loop, crm), "requalify", "ANAIS.Berenger@SGO-optique.fr", "--yes"];
    expect((await runCli(requalify, {}, undefined, { now })).code).toBe(0);
    await sync(funnel);
    expect(stage(anais)).toBe("lead");
    await nextSecond();
    const before = await report();
    expect(before).toEqual({ mqls: 1, trash: 1, sals: 0 });
    if (lost) await loop.restart(() => rmSync(loop.storePath));
    repSetsStatus(loop, crm, anais, { hubspot: "CONNECTED", salesforce: "Closed - Converted" }, now());
    expect((await sync(funnel)).summary.dispositions.qualified).toBe(1);
    expect(stage(anais)).toBe("sal");
    // Taken once: the next run reads no verdict; her MQL and her rep's trash before the requalify still count.
    expect((await sync(funnel)).summary.dispositions.qualified).toBe(0);
    expect(await report()).toEqual({ ...before, sals: 1 });
  });
});
