// A key leadloop.yaml sets that the chosen CRM never reads is said, not silently dropped: `mappings:` with
// `crm: hubspot` (field mappings are Salesforce-only) is a warning naming the file, line and key, from
// `leadloop validate` (text and --json) and from each `leadloop sync`, which still runs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { SHIPPED_CONFIG, SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { sandboxConfigText } from "../../src/sandbox/sandbox-config.js";
import { runCli } from "../support/cli-run.js";

/** A HubSpot-CRM config for this portal, as an admin moving off Salesforce would keep it: `mappings:` left in. */
function hubspotCrmConfig(url: string, accessToken: string, withMappings: boolean): { file: string; line: number } {
  const dir = mkdtempSync(join(tmpdir(), "leadloop-unused-kéys-"));
  const file = join(dir, "leadloop.yaml");
  const base = sandboxConfigText({
    hubspot: { url, accessToken },
    storePath: join(dir, "state.db"),
    routingPath: join(SHIPPED_CONFIG, "routing.yaml"),
    crm: "hubspot",
  });
  const text = withMappings ? `${base}# Kept from the Salesforce setup (Société Générale d'Optique, 2025)\nmappings: ${SHIPPED_MAPPINGS}\n` : base;
  writeFileSync(file, text);
  return { file, line: text.split("\n").findIndex((l) => l.startsWith("mappings:")) + 1 };
}

describe("mappings: with crm: hubspot", () => {
  it("validate and sync warn naming the file, line and key; without the key, or with Salesforce, nothing is said", async () => {
    const hubspot = await startHubspotEmulator();
    try {
      const { file, line } = hubspotCrmConfig(hubspot.url, hubspot.accessToken, true);
      const warning = `${file}:${line}:1: mappings: ignored with crm: hubspot`;

      const text = await runCli(["validate", "--config", file]);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`warning: ${warning}`);

      const json = await runCli(["validate", "--json", "--config", file]);
      expect(json.code).toBe(0);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: true,
        crm: "hubspot",
        warnings: [{ source: file, line, key: "mappings", severity: "warning" }],
      });

      const sync = await runCli(["--log-level", "warn", "sync", "--json", "--config", file]);
      expect(sync.code).toBe(0);
      // One JSON line whose event is the name a log pipeline matches, with the problem in a field of its own.
      const logged = sync.stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(logged.filter((l) => l.message === "config.key_ignored")).toEqual([
        expect.objectContaining({ level: "warn", file, key: "mappings", detail: expect.stringContaining(warning) }),
      ]);

      // The same portal without the key: no word about it.
      const clean = hubspotCrmConfig(hubspot.url, hubspot.accessToken, false);
      const quiet = await runCli(["validate", "--json", "--config", clean.file]);
      expect(JSON.parse(quiet.stdout)).toMatchObject({ ok: true, warnings: [] });
      expect((await runCli(["--log-level", "warn", "sync", "--json", "--config", clean.file])).stderr).not.toContain("config.key_ignored");
    } finally {
      await hubspot.close();
    }
  }, 60_000);

  it("the shipped Salesforce example, which sets mappings:, has no warning", async () => {
    const example = new URL("../../config/leadloop.example.yaml", import.meta.url).pathname;
    const ok = await runCli(["validate", "--json", "--config", example]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, crm: "salesforce", warnings: [] });
  });
});
