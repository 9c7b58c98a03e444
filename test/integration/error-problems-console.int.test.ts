// The ops console's error tab and /metrics show the queue as `errors list` does: a rep left and Salesforce
// refuses every write of the converted Contact and the follow-up task she owns (INACTIVE_OWNER_OR_USER),
// three entries and one problem. Through `leadloop daemon`'s HTTP interface against the emulators: one row
// naming the entries, records, phases, person and what to do, one Retry that sends all three writes (each
// once), and the problems counted beside the entries.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { runCli } from "../support/cli-run.js";
import { freePort } from "../support/free-port.js";
import { deactivatedRepsContact } from "../support/deactivated-rep.js";
import { loopConfig, REPS } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

const BIN = fileURLToPath(new URL("../../bin/leadloop.js", import.meta.url));
const EMAIL = "anais.berenger@sgo-optique.fr";

describe("the console's error tab: one problem, one row", () => {
  let loop: LoopHarness;
  let config: string;
  let daemon: ChildProcess | undefined;
  let base = "";
  let stderr = "";

  beforeEach(async () => {
    loop = await startLoop();
    config = loopConfig(loop, "salesforce");
  });
  afterEach(async () => {
    if (daemon && daemon.exitCode === null) {
      const exited = new Promise((r) => daemon!.once("close", r));
      daemon.kill("SIGTERM");
      await exited;
    }
    await loop.close();
  });

  const cli = async (...args: string[]) => runCli([...args, "-c", config]);
  const get = async (path: string) => (await fetch(`${base}${path}`)).text();
  /** A Retry as the console's form posts it: from its own origin, the problem's entries as `id` fields. */
  const retry = async (ids: number[]) => {
    const posted = await fetch(`${base}/errors/retry`, {
      method: "POST",
      redirect: "manual",
      headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(ids.map((id): [string, string] => ["id", String(id)])).toString(),
    });
    expect(posted.status).toBe(303);
    return posted.headers.get("location")!;
  };
  const metric = async (name: string) =>
    (await get("/metrics"))
      .split("\n")
      .filter((l) => l.startsWith(`${name}{`))
      .reduce((n, l) => n + Number(l.split(" ").at(-1)), 0);

  /** `leadloop daemon` on the loop's configuration: its first run at start, then one an hour. */
  async function startDaemon(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const yaml = parse(readFileSync(config, "utf8")) as Record<string, unknown>;
      yaml.schedule = { every: "1h" };
      yaml.daemon = { port, host: "127.0.0.1" };
      writeFileSync(config, stringify(yaml));
      base = `http://127.0.0.1:${port}`;
      stderr = "";
      daemon = spawn(process.execPath, [BIN, "--log-level", "warn", "daemon", "--config", config], {
        env: { ...process.env, NODE_OPTIONS: "", TZ: "UTC" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      daemon.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
      for (;;) {
        const state = (await fetch(`${base}/healthz`).then((r) => r.json(), () => undefined)) as
          | { runs: number; running: boolean }
          | undefined;
        if (state && state.runs >= 1 && !state.running) return;
        if (daemon.exitCode !== null) break;
        await tick(200);
      }
      if (attempt === 3 || !stderr.includes("EADDRINUSE")) throw new Error(`leadloop daemon exited ${daemon.exitCode}: ${stderr}`);
    }
  }

  it("shows a deactivated rep's converted Contact as one problem, and its Retry sends the three writes once", async () => {
    const { reps, contactId, taskId } = await deactivatedRepsContact(loop, () => cli("sync"));
    const ids = (JSON.parse((await cli("errors", "list", "--json")).stdout) as { id: number }[]).map((e) => e.id).sort((a, b) => a - b);
    expect(ids).toHaveLength(3);

    await startDaemon();
    const page = await get("/errors");
    const rows = [...page.matchAll(/<tr data-entry="(\d+)" data-entries="([\d ]+)">([\s\S]*?)<\/tr>/g)];
    // One row for the three entries (the daemon's own first run refused them again, adding none).
    expect(rows.map((r) => r[2])).toEqual([ids.join(" ")]);
    const row = rows[0]![3]!;
    expect(row).toContain(`#${ids.join(" #")}`);
    expect(row).toMatch(new RegExp(`Contact <code>${contactId}</code> <span class="muted">(field sync|qualification) \\(#\\d+\\), (field sync|qualification) \\(#\\d+\\)`));
    expect(row).toContain(`Task <code>${taskId}</code> <span class="muted">sla (#`);
    expect(row).toContain(EMAIL);
    expect(row).toContain("INACTIVE_OWNER_OR_USER: the record&#39;s owner is a deactivated Salesforce user");
    expect(row).toContain(`What to do: Salesforce keeps the record from these 3 writes`);
    expect(row).toContain(`leadloop errors retry ${ids.map((id) => `--id ${id}`).join(" ")}`);
    for (const id of ids) expect(row).toContain(`<input type="hidden" name="id" value="${id}">`);
    expect(page).toMatch(/data-figure="open-errors"><span>Open entries<\/span><b>3<\/b>/);
    expect(page).toMatch(/data-figure="open-problems"><span>Problems<\/span><b>1<\/b>/);
    expect([await metric("leadloop_error_queue_entries"), await metric("leadloop_error_queue_problems")]).toEqual([3, 1]);
    expect(await get("/metrics")).toContain('leadloop_error_queue_problems{class="conflict"} 1');

    // Pressed before anything is fixed: all three are refused again, each one more attempt, said on one banner.
    const before = JSON.parse((await cli("errors", "list", "--json")).stdout) as { id: number; attempts: number }[];
    const failing = await retry(ids);
    expect(failing).toMatch(/outcome=failing/);
    expect(await get(failing)).toContain(`Entries #${ids.join(" #")} failed again (attempt `);
    const after = JSON.parse((await cli("errors", "list", "--json")).stdout) as { id: number; attempts: number }[];
    expect(after.map((e) => [e.id, e.attempts]).sort()).toEqual(before.map((e) => [e.id, e.attempts + 1]).sort());

    // The admin gives Hélène's records to Jordan; the problem's one Retry sends every waiting write, each once.
    const jordan = reps.get(REPS.fallback.email)!.salesforce;
    loop.salesforce.data.update("Contact", contactId, { OwnerId: jordan });
    loop.salesforce.data.update("Task", taskId, { OwnerId: jordan });
    const writes: string[] = [];
    loop.salesforce.onWrite(({ path }) => void writes.push(path));
    const resolved = await retry(ids);
    expect(resolved).toMatch(/outcome=resolved/);
    expect(await get(resolved)).toContain(`Entries #${ids.join(" #")} resolved: the system accepted the writes.`);
    expect(writes).toHaveLength(3);
    loop.salesforce.onWrite(undefined);
    expect(JSON.parse((await cli("errors", "list", "--json")).stdout)).toEqual([]);
    expect(loop.salesforce.data.get("Contact", contactId)?.Title).toBe("Directrice Commerciale — Europe du Sud");
    expect(loop.salesforce.data.get("Task", taskId)?.Status).toBe("Completed");
    expect(await get("/errors")).toContain('id="queue-empty"');
    expect([await metric("leadloop_error_queue_entries"), await metric("leadloop_error_queue_problems")]).toEqual([0, 0]);
  });
});
