// `leadloop digest` as a rep's manager runs it, against both emulators: each rep's active leads, highest
// score first, with what each did since the last digest; `--write` puts one task per rep in the CRM
// (Salesforce Task, or a HubSpot task with HubSpot as the CRM), and a second digest the same day updates
// that task instead of adding one (with `--period week`, keyed by ISO week, a second the same week); the next day's digest starts where the written one ended.
import { recordActivity } from "../../src/sandbox/hubspot/emulator.js";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { openStore } from "../../src/store/open-store.js";
import { runCli } from "../support/cli-run.js";
import { movingClock } from "../support/moving-clock.js";
import { pricingAndDemo } from "../support/funnel-harness.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

interface DigestJson {
  digests: {
    ownerEmail: string;
    since: string;
    until: string;
    leads: { email: string | null; name: string | null; score: number; behaviour: string[]; activityCount: number }[];
  }[];
  written: { ownerEmail: string; key: string; written: boolean; ownerLeft?: boolean }[];
}

const DAY = 86_400_000;
const OTHER_RUN = "crm-worker-2:4711:run-20261207T101500";

/** The test writes a task keyed by the UTC day and then writes it again "the same day": started in the
 * last minutes before midnight, it waits for the new day rather than straddle two. */
async function clearOfMidnight(): Promise<void> {
  const untilMidnight = DAY - (Date.now() % DAY);
  if (untilMidnight < 150_000) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 1_000));
}

describe.each(["salesforce", "hubspot"] as const)("leadloop digest with %s as the CRM", (crm) => {
  let world: SandboxWorld;
  let prospect: string;
  const config = () => ["--config", world.configPath];

  beforeEach(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 11, now: new Date(), contacts: 12 }), `digest-${crm}`, crm);
    const company = world.hubspot.data.createObject("companies", {
      name: "Mühlenbach Logistik",
      domain: "muehlenbach-logistik.de",
      industry: "COMPUTER_SOFTWARE",
      numberofemployees: "420",
      country: "Deutschland",
    });
    prospect = world.hubspot.data.createObject("contacts", {
      email: "Juergen.Kraemer@Muehlenbach-Logistik.de",
      firstname: "Jürgen",
      lastname: "Krämer",
      jobtitle: "Geschäftsführer",
      company: "Mühlenbach Logistik",
      country: "Deutschland",
      phone: "030 901820",
    }).id;
    world.hubspot.data.associate("contacts", prospect, "companies", company.id);
    pricingAndDemo(world, prospect);
  });
  afterEach(async () => {
    await world.close();
  });

  const digestTasks = () =>
    crm === "salesforce"
      ? world.salesforce.data.store
          .all("Task")
          .filter((t) => String(t.Leadloop_Activity_Key__c ?? "").startsWith("leadloop:digest:"))
          .map((t) => ({ key: String(t.Leadloop_Activity_Key__c), body: String(t.Description ?? ""), owner: String(t.OwnerId) }))
      : world.hubspot.data
          .listObjects("tasks")
          .filter((t) => (t.properties.leadloop_activity_key ?? "").startsWith("leadloop:digest:"))
          .map((t) => ({ key: t.properties.leadloop_activity_key!, body: t.properties.hs_task_body ?? "", owner: t.properties.hubspot_owner_id ?? "" }));

  it("lists each rep's active leads by score with what they did, writes one task per rep once a day, and starts the next day where it ended", async () => {
    await clearOfMidnight();
    const sync = await runCli(["sync", ...config()]);
    expect([0, 4]).toContain(sync.code);
    // After the handoff Jürgen reads the pricing page again.
    recordActivity(world.hubspot.data, {
      contactId: prospect,
      kind: "pageView",
      properties: { hs_url: "https://www.leadloop-demo.com/pricing/enterprise", hs_title: "Préços & plans — Enterprise" },
    });

    const shown = await runCli(["digest", "--json", ...config()]);
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
    const first = JSON.parse(shown.stdout) as DigestJson;
    expect(first.written).toEqual([]);
    const mine = first.digests.find((d) => d.leads.some((l) => l.email === "juergen.kraemer@muehlenbach-logistik.de"));
    expect(mine).toBeDefined();
    for (const digest of first.digests) {
      const scores = digest.leads.map((l) => l.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    const juergen = mine!.leads.find((l) => l.email === "juergen.kraemer@muehlenbach-logistik.de")!;
    expect(juergen.name).toBe("Jürgen Krämer");
    expect(juergen.behaviour.join("\n")).toContain("Préços & plans — Enterprise (/pricing/enterprise)");
    expect(juergen.behaviour.join("\n")).toContain("Request a demo");

    // Text, Markdown and HTML name the same lead; only this rep with --owner.
    const text = await runCli(["digest", "--owner", mine!.ownerEmail.toUpperCase(), ...config()]);
    expect(text.stdout).toContain(`${mine!.ownerEmail}: `);
    expect(text.stdout).toContain("Jürgen Krämer <juergen.kraemer@muehlenbach-logistik.de>");
    expect(text.stdout.split("\n").filter((l) => /^\S+@\S+: /.test(l))).toHaveLength(1);
    const markdown = await runCli(["digest", "--format", "markdown", "--owner", mine!.ownerEmail, ...config()]);
    expect(markdown.stdout).toContain("Jürgen Krämer \\<juergen.kraemer@muehlenbach-logistik.de\\>");
    const html = await runCli(["digest", "--format", "html", "--owner", mine!.ownerEmail, ...config()]);
    expect(html.stdout).toContain("Préços &amp; plans — Enterprise");
    expect(html.stdout).toContain("<!doctype html>");
    // A format it has not: a usage error naming that option and its choices alone, exit 2, where one
    // message named --period and --format both whichever was wrong.
    const pdf = await runCli(["digest", "--format", "pdf", ...config()]);
    expect(pdf.code).toBe(2);
    expect(pdf.stderr).toContain("option '--format <format>' argument 'pdf' is invalid. Allowed choices are text, markdown, html.");
    expect(pdf.stderr).not.toContain("--period");
    expect(digestTasks()).toEqual([]);

    // --write: one task per rep, on the CRM, owned by the rep.
    const calls = { hubspot: 0, salesforce: 0 };
    const observing = [
      world.hubspot.calls.observe(() => calls.hubspot++),
      world.salesforce.calls.observe((c) => !c.endpoint.includes("/oauth2/token") && calls.salesforce++),
    ];
    const written = await runCli(["digest", "--write", "--json", ...config()]);
    observing.forEach((stop) => stop());
    expect(written.stderr).toBe("");
    expect(written.code).toBe(0);
    // Its run counts every call the command made: the activity reads, the preparation, the tasks.
    const store = await openStore({ path: world.storePath }, { existing: true });
    const [run] = await store.listRuns(1);
    await store.close();
    expect((run!.summary as { apiCalls: Record<string, number> }).apiCalls).toEqual(crm === "salesforce" ? calls : { hubspot: calls.hubspot });
    const result = JSON.parse(written.stdout) as DigestJson;
    expect(result.written.map((w) => w.written)).toEqual(result.digests.map(() => true));
    const tasks = digestTasks();
    expect(tasks.map((t) => t.key).sort()).toEqual(result.written.map((w) => w.key).sort());
    expect(new Set(tasks.map((t) => t.key)).size).toBe(result.digests.length);
    const juergensTask = tasks.find((t) => t.key.startsWith(`leadloop:digest:${mine!.ownerEmail}:`))!;
    expect(juergensTask.body).toContain("Jürgen Krämer");
    expect(juergensTask.owner).not.toBe("");

    // The same day again: the same tasks, updated, none added.
    recordActivity(world.hubspot.data, {
      contactId: prospect,
      kind: "formSubmission",
      properties: { hs_title: "Télécharger le guide ROI", hs_url: "https://www.leadloop-demo.com/guide" },
    });
    const again = await runCli(["digest", "--write", ...config()]);
    expect(again.code).toBe(0);
    const after = digestTasks();
    expect(after).toHaveLength(tasks.length);
    expect(after.find((t) => t.key === juergensTask.key)!.body).toContain("Télécharger le guide ROI");

    // Tomorrow: the window starts where the written digest ended, so what was reported is not repeated.
    const tomorrow = new Date(Date.now() + DAY);
    const next = await runCli(["digest", "--json", "--owner", mine!.ownerEmail, ...config()], {}, undefined, { now: () => tomorrow });
    const nextDigest = (JSON.parse(next.stdout) as DigestJson).digests[0]!;
    expect(Date.parse(nextDigest.since)).toBeGreaterThan(Date.parse(first.digests[0]!.until));
    expect(nextDigest.leads.find((l) => l.email === "juergen.kraemer@muehlenbach-logistik.de")).toMatchObject({
      activityCount: 0,
      behaviour: [],
    });
    const nextText = await runCli(["digest", "--owner", mine!.ownerEmail, ...config()], {}, undefined, { now: () => tomorrow });
    expect(nextText.stdout).toContain("nothing new since the last digest");
  }, 300_000);

  it("--period week looks a week back and keys the task by ISO week, so a --write later in the week updates it", async () => {
    const sync = await runCli(["sync", ...config()]);
    expect([0, 4]).toContain(sync.code);
    // The first Monday 09:30 UTC after the handoff, then the Wednesday of the same week: two days, one
    // week. Within seven days of now, so the week the Monday's digest looks back over holds the handoff and
    // the activity recorded below (a Monday a week on, as a run early on a Monday picked, left both out).
    const monday = new Date(Date.now());
    monday.setUTCDate(monday.getUTCDate() + ((8 - monday.getUTCDay()) % 7));
    monday.setUTCHours(9, 30, 0, 0);
    if (monday.getTime() <= Date.now()) monday.setUTCDate(monday.getUTCDate() + 7);
    const wednesday = new Date(monday.getTime() + 2 * DAY);

    const first = await runCli(["digest", "--period", "week", "--write", "--json", ...config()], {}, undefined, { now: () => monday });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const written = JSON.parse(first.stdout) as DigestJson;
    const mine = written.digests.find((d) => d.leads.some((l) => l.email === "juergen.kraemer@muehlenbach-logistik.de"))!;
    expect(mine).toBeDefined();
    // No digest written before: the window is the week up to now.
    expect(Date.parse(mine.until) - Date.parse(mine.since)).toBe(7 * DAY);
    expect(written.written.map((w) => w.key)).toContain(`leadloop:digest:${mine.ownerEmail}:${isoWeek(monday)}`);
    const tasks = digestTasks();
    expect(tasks.map((t) => t.key).sort()).toEqual(written.written.map((w) => w.key).sort());

    recordActivity(world.hubspot.data, {
      contactId: prospect,
      kind: "formSubmission",
      properties: { hs_title: "Télécharger le guide ROI", hs_url: "https://www.leadloop-demo.com/guide" },
    });
    const again = await runCli(["digest", "--period", "week", "--write", ...config()], {}, undefined, { now: () => wednesday });
    expect(again.code).toBe(0);
    const after = digestTasks();
    expect(after.map((t) => t.key).sort()).toEqual(tasks.map((t) => t.key).sort());
    const key = `leadloop:digest:${mine.ownerEmail}:${isoWeek(monday)}`;
    expect(after.find((t) => t.key === key)!.body).toContain("Télécharger le guide ROI");
  }, 300_000);

  it("gives a rep who left (deactivated in the CRM) no refused task: the integration user gets their digest, which says so, run after run", async () => {
    const sync = await runCli(["sync", ...config()]);
    expect([0, 4]).toContain(sync.code);
    const shown = JSON.parse((await runCli(["digest", "--json", ...config()])).stdout) as DigestJson;
    const rep = shown.digests.find((d) => d.leads.some((l) => l.email === "juergen.kraemer@muehlenbach-logistik.de"))!;
    // The rep leaves: the admin deactivates their user (a HubSpot owner archived); their leads stay theirs.
    if (crm === "salesforce") {
      const user = world.salesforce.data.list("User").find((u) => String(u.Email).toLowerCase() === rep.ownerEmail)!;
      world.salesforce.data.update("User", String(user.Id), { IsActive: false });
    } else world.hubspot.data.deactivateOwner(world.hubspot.data.listOwners().find((o) => o.email.toLowerCase() === rep.ownerEmail)!.id);
    const openErrors = async () => JSON.parse((await runCli(["errors", "list", "--json", ...config()])).stdout) as { message: string }[];
    const before = (await openErrors()).length;

    // Twice in the period: the second rewrites the task, as for any rep.
    for (let attempt = 1; attempt <= 2; attempt++) {
      const written = await runCli(["digest", "--write", "--owner", rep.ownerEmail, ...config()]);
      expect({ attempt, code: written.code, refused: written.stderr.includes("refused") }).toEqual({ attempt, code: 0, refused: false });
      expect(written.stdout).toContain(`${rep.ownerEmail} is no active ${crm} user: this digest's task goes to the integration user`);
      expect(await openErrors()).toHaveLength(before);
    }
    const tasks = digestTasks().filter((t) => t.key.startsWith(`leadloop:digest:${rep.ownerEmail}:`));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.body).toContain(`${rep.ownerEmail} is no active ${crm} user`);
    expect(tasks[0]!.body).toContain("Jürgen Krämer");
    // As the SLA's alert for a lead whose owner left: the org's integration user, or in HubSpot no owner.
    expect(tasks[0]!.owner).toBe(crm === "salesforce" ? String(world.salesforce.data.list("User")[0]!.Id) : "");
    const json = JSON.parse((await runCli(["digest", "--write", "--json", "--owner", rep.ownerEmail, ...config()])).stdout) as DigestJson;
    expect(json.written).toEqual([expect.objectContaining({ ownerEmail: rep.ownerEmail, written: true, ownerLeft: true })]);
  }, 120_000);

  it("a refused digest task stays in the outbox and the error queue, and the command exits 4", async () => {
    const sync = await runCli(["sync", ...config()]);
    expect([0, 4]).toContain(sync.code);
    const shown = JSON.parse((await runCli(["digest", "--json", ...config()])).stdout) as DigestJson;
    const rep = shown.digests.find((d) => d.leads.some((l) => l.email === "juergen.kraemer@muehlenbach-logistik.de"))!;
    // The task's key names the day the digest is written: one clock for the key and the write, so a run
    // across midnight still refuses the task it set out to.
    const today = new Date();
    const key = `leadloop:digest:${rep.ownerEmail}:${today.toISOString().slice(0, 10)}`;
    const fault = { field: crm === "salesforce" ? "Leadloop_Activity_Key__c" : "leadloop_activity_key", equals: key, message: "Blocked by a validation rule" };
    if (crm === "salesforce") world.salesforce.faults.add({ records: [{ object: "Task", ...fault }] });
    else world.hubspot.faults.add({ records: [{ object: "tasks", ...fault }] });

    const written = await runCli(["digest", "--write", "--owner", rep.ownerEmail, ...config()], {}, undefined, {
      now: () => today,
    });
    expect(written.code).toBe(4);
    expect(written.stderr).toContain(`the digest task for ${rep.ownerEmail} was refused`);
    const errors = JSON.parse((await runCli(["errors", "list", "--json", ...config()])).stdout) as { message: string; object: string }[];
    expect(errors.filter((e) => e.message.includes("Blocked by a validation rule"))).toHaveLength(1);
    expect(digestTasks()).toEqual([]);
  }, 120_000);
});

describe("leadloop digest --write whose lease ran out", () => {
  let world: SandboxWorld;
  afterEach(async () => {
    await world.close();
  });

  it("writes no task once another run took the store, and fails naming that run (README \"The run lock\")", async () => {
    world = await openSandboxWorld(generateSeed({ seed: 11, now: new Date(), contacts: 12 }), "digest-lease", "salesforce");
    const prospect = world.hubspot.data.createObject("contacts", {
      email: "Anaïs.Lefèvre@Bastide-Conseil.fr",
      firstname: "Anaïs",
      lastname: "Lefèvre",
      company: "Bastide Conseil",
      country: "France",
    }).id;
    pricingAndDemo(world, prospect);
    const sync = await runCli(["sync", "--config", world.configPath]);
    expect([0, 4]).toContain(sync.code);
    // With the lock taken, the digest's drain asks Salesforce whether the reps are still active; there its
    // process stalls past its lease (three minutes on its clock) and a daemon's run takes the store.
    const clock = movingClock();
    const other = await openStore({ path: world.storePath }, { existing: true });
    let happened = false;
    const stop = world.salesforce.calls.observe((call) => {
      if (happened || !String(call.query.get("q") ?? "").includes("FROM User")) return;
      happened = true;
      clock.later(3 * 60_000);
      void other.acquireLock("sync", OTHER_RUN, clock.now().toISOString(), 2 * 60_000);
    });
    const written = await runCli(["digest", "--write", "--config", world.configPath], {}, undefined, { now: clock.now });
    stop();
    expect(happened).toBe(true);
    expect(written.code).toBe(1);
    expect(written.stderr).toContain(`lost the run lock to another process (${OTHER_RUN}); stopping before the next write`);
    const digestTasks = world.salesforce.data.store.all("Task").filter((t) => String(t.Leadloop_Activity_Key__c ?? "").startsWith("leadloop:digest:"));
    expect(digestTasks).toEqual([]);
    expect((await other.lockHolder("sync"))?.holder).toBe(OTHER_RUN);
    const [run] = await other.listRuns(1);
    expect(run).toMatchObject({ status: "failed" });
    await other.close();
  }, 120_000);
});

/** ISO 8601 week of a UTC date, `2026-W49`: the week of its Thursday, in the Thursday's year. */
function isoWeek(at: Date): string {
  const thursday = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7));
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / (7 * DAY));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}
