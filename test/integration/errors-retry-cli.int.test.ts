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

    const retried = await runCli(["errors", "retry", "--json", ...config]);
    expect(retried.code).toBe(4);
    const result = JSON.parse(retried.stdout) as { stillFailing: number[]; summary: { openErrors: number } };
    expect(result.stillFailing.length).toBeGreaterThan(0);
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
