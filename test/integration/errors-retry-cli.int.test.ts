// `leadloop errors retry` as an ops admin runs it on a refusal that has not been fixed: the write is
// refused again, the entry stays open, and the JSON summary's `openErrors` counts it, as `sync --json`
// counts the entries open when its run ended; `errors list` says with each open entry what to do.
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

describe("leadloop errors retry", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 31, now: new Date(), contacts: 12 }), "errors-retry-cli");
  });
  afterAll(async () => {
    await world.close();
  });

  it("counts in summary.openErrors the entries still open after the retry (exit 4)", async () => {
    const config = ["-c", world.configPath];
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    const lead = world.salesforce.data.list("Lead").find((l) => typeof l.HubSpot_Contact_Id__c === "string" && l.HubSpot_Contact_Id__c !== "")!;
    // A phone number with a note: longer than Salesforce's Phone field takes, refused every time it is sent.
    const phone = "+1 (555) 010-2345 ext. 1234 — demander l'accueil, puis le service achats";
    world.hubspot.data.updateObject("contacts", String(lead.HubSpot_Contact_Id__c), { phone });
    await new Promise((r) => setTimeout(r, 1_100));
    const synced = await runCli(["sync", "--json", ...config]);
    expect(synced.code).toBe(4);
    const open = (JSON.parse(synced.stdout) as { openErrors: number }).openErrors;
    expect(open).toBeGreaterThan(0);

    const calls = { hubspot: 0, salesforce: 0 };
    const observing = [
      world.hubspot.calls.observe(() => calls.hubspot++),
      world.salesforce.calls.observe((c) => !c.endpoint.includes("/oauth2/token") && calls.salesforce++),
    ];
    const retried = await runCli(["errors", "retry", "--json", ...config]);
    observing.forEach((stop) => stop());
    expect(retried.code).toBe(4);
    const result = JSON.parse(retried.stdout) as { stillFailing: number[]; summary: { openErrors: number; apiCalls: Record<string, number> } };
    expect(result.stillFailing.length).toBeGreaterThan(0);
    // The retry's calls are every call the command made, its preparation's reads of the property lists too.
    expect(result.summary.apiCalls).toEqual(calls);
    const listed = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as unknown[];
    expect(listed.length).toBe(open);
    expect(result.summary.openErrors).toBe(listed.length);
  });

  it("says with each open entry what to do about it, by its class, and names the entry to retry", async () => {
    const config = ["-c", world.configPath];
    const listed = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as {
      id: number;
      errorClass: string;
      message: string;
      whatToDo?: string;
    }[];
    const phone = listed.find((e) => e.errorClass === "data" && /Phone/.test(e.message))!;
    expect(phone.whatToDo).toBe(
      "fix the value Salesforce refused, in the record on the other side or in the mapping that sends it; " +
        `the next run sends the record again once it changes, or \`leadloop errors retry --id ${phone.id}\` now`,
    );
    const text = (await runCli(["errors", "list", ...config])).stdout;
    expect(text).toContain(`#${phone.id} [open] salesforce`);
    expect(text).toContain(`   what to do: fix the value Salesforce refused`);
    // A settled entry is nobody's move any more.
    const discarded = await runCli(["errors", "discard", "--id", String(phone.id), ...config]);
    expect(discarded.code).toBe(0);
    const all = JSON.parse((await runCli(["errors", "list", "--status", "discarded", "--json", ...config])).stdout) as { whatToDo?: string }[];
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((e) => e.whatToDo === undefined)).toBe(true);
  });
});

describe("leadloop errors retry --id", () => {
  let world: SandboxWorld;
  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 36, now: new Date(), contacts: 12 }), "errors-retry-id-cli");
  });
  afterAll(async () => {
    await world.close();
  });

  it("exits 4 while entries stay open, the named one refused again or another beside it, and 0 once none is", async () => {
    const config = ["-c", world.configPath];
    expect([0, 4]).toContain((await runCli(["sync", ...config])).code);
    const contacts = world.salesforce.data
      .list("Lead")
      .map((l) => String(l.HubSpot_Contact_Id__c ?? ""))
      .filter((id) => id !== "")
      .slice(0, 2);
    expect(contacts).toHaveLength(2);
    // Two marketers paste phone numbers with notes: longer than Salesforce's Phone field takes.
    contacts.forEach((id, i) =>
      world.hubspot.data.updateObject("contacts", id, { phone: `+1 (555) 010-234${i} ext. 1234 — demander l'accueil, puis le service achats` }),
    );
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await runCli(["sync", ...config])).code).toBe(4);
    const listed = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as { id: number; message: string }[];
    const [fixed, left] = contacts.map((id) => listed.find((e) => e.message.includes(`+1 (555) 010-234${contacts.indexOf(id)}`))!);
    expect(fixed && left).toBeTruthy();

    // The one whose write is refused again, as a person reads it: the entry by id, what Salesforce said
    // this time and what to do, where the text gave only the counts and `errors list` had to be run.
    const told = await runCli(["errors", "retry", "--id", String(left!.id), ...config]);
    expect(told.code).toBe(4);
    expect(told.stdout.split("\n").slice(0, 3)).toEqual([
      "resolved 0, still failing 1, skipped 0",
      expect.stringMatching(new RegExp(`^  #${left!.id} still failing: STRING_TOO_LONG: Phone: .*010-2341`)),
      expect.stringMatching(/^ {5}what to do: fix the value Salesforce refused/),
    ]);

    // Still open, exit 4.
    const again = await runCli(["errors", "retry", "--id", String(left!.id), "--json", ...config]);
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stdout)).toMatchObject({ resolved: [], stillFailing: [left!.id] });

    // The marketer shortens one number: its entry is resolved, the other still waits, exit 4.
    world.hubspot.data.updateObject("contacts", contacts[0]!, { phone: "+1 (555) 010-2340" });
    const retried = await runCli(["errors", "retry", "--id", String(fixed!.id), "--json", ...config]);
    expect(retried.code).toBe(4);
    expect(JSON.parse(retried.stdout)).toMatchObject({ resolved: [fixed!.id], stillFailing: [], summary: { openErrors: 1 } });

    // Nothing open any more: exit 0.
    world.hubspot.data.updateObject("contacts", contacts[1]!, { phone: "+1 (555) 010-2341" });
    const last = await runCli(["errors", "retry", "--id", String(left!.id), "--json", ...config]);
    expect(last.code).toBe(0);
    expect(JSON.parse(last.stdout)).toMatchObject({ resolved: [left!.id], summary: { openErrors: 0 } });
  });

  it("names in its text each entry it resolved", async () => {
    const config = ["-c", world.configPath];
    const id = world.salesforce.data
      .list("Lead")
      .map((l) => String(l.HubSpot_Contact_Id__c ?? ""))
      .find((c) => c !== "")!;
    world.hubspot.data.updateObject("contacts", id, { phone: "+1 (555) 010-2399 ext. 1234 — demander l'accueil, puis le service achats" });
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await runCli(["sync", ...config])).code).toBe(4);
    const [entry] = JSON.parse((await runCli(["errors", "list", "--json", ...config])).stdout) as { id: number }[];
    world.hubspot.data.updateObject("contacts", id, { phone: "+1 (555) 010-2399" });
    const retried = await runCli(["errors", "retry", ...config]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toBe(`resolved 1, still failing 0, skipped 0\n  #${entry!.id} resolved\n`);
  });
});
