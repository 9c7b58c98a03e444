// The composition root from a leadloop.yaml to working adapters: the Salesforce keys in the file reach the
// Salesforce reader (here salesforce.lookback), checked against the Salesforce emulator over loopback.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { wire } from "../../src/cli/compose.js";
import { loadConfig } from "../../src/config/load-config.js";
import { silentLogger } from "../../src/log/logger.js";
import { SHIPPED_CONFIG, SHIPPED_MAPPINGS } from "../../src/sandbox/package-paths.js";
import { emulatorConnection } from "../../src/sandbox/sandbox-config.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import type { ChangeCursor } from "../../src/sync/system-port.js";

const CURSOR: ChangeCursor = { modifiedAt: "2026-11-23T09:00:00.000Z", lastId: null };
const UNTIL = "2026-11-23T09:30:00.000Z";

let emu: SalesforceEmulator;
beforeEach(async () => {
  emu = await startSalesforceEmulator();
});
afterEach(async () => {
  await emu.close();
});

/** The Lead ids the wired CRM adapter reads from CURSOR, with `extra` added to the salesforce section. */
async function leadsReadWith(extra: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "leadloop-compose-"));
  const file = join(dir, "leadloop.yaml");
  const config = {
    hubspot: { accessToken: "pat-na1-unused", baseUrl: "http://127.0.0.1:9" },
    salesforce: { ...emulatorConnection(emu), ...extra },
    crm: "salesforce",
    store: { path: join(dir, "state.db") },
    mappings: SHIPPED_MAPPINGS,
    qualification: join(SHIPPED_CONFIG, "qualification.yaml"),
    routing: join(SHIPPED_CONFIG, "routing.yaml"),
    sla: join(SHIPPED_CONFIG, "sla.yaml"),
  };
  writeFileSync(file, stringify(config));
  const wiring = await wire(loadConfig(file, {}).config, silentLogger);
  try {
    const ids: string[] = [];
    for await (const page of wiring.crm.readChanges("Lead", ["Status"], CURSOR, UNTIL)) {
      ids.push(...page.records.map((r) => r.id));
    }
    return ids;
  } finally {
    await wiring.close();
  }
}

it("passes salesforce.lookback to the Salesforce change reader (default 5 minutes)", async () => {
  const lead = (email: string, stamped: string) =>
    emu.data.insert(
      "Lead",
      { LastName: "Kowalczyk", Company: "Wrocław Freight", Email: email },
      new Date(stamped),
    );
  const twoMinutesBefore = lead("anna.kowalczyk@wroclaw-freight.pl", "2026-11-23T08:58:00.000Z");
  const tenMinutesBefore = lead("piotr.kowalczyk@wroclaw-freight.pl", "2026-11-23T08:50:00.000Z");
  const after = lead("ewa.kowalczyk@wroclaw-freight.pl", "2026-11-23T09:10:00.000Z");

  expect(await leadsReadWith({})).toEqual([twoMinutesBefore, after]);
  expect(await leadsReadWith({ lookback: "15m" })).toEqual([tenMinutesBefore, twoMinutesBefore, after]);
  expect(await leadsReadWith({ lookback: "0s" })).toEqual([after]);
});

it("passes hubspot.recycleBinEvery to the HubSpot adapter (default an hour)", async () => {
  const everyMs = async (extra: Record<string, string>): Promise<number | undefined> => {
    const dir = mkdtempSync(join(tmpdir(), "leadloop-compose-bin-"));
    const file = join(dir, "leadloop.yaml");
    writeFileSync(
      file,
      stringify({
        hubspot: { accessToken: "pat-na1-unused", baseUrl: "http://127.0.0.1:9", ...extra },
        crm: "hubspot",
        store: { path: join(dir, "state.db") },
        qualification: join(SHIPPED_CONFIG, "qualification.yaml"),
        routing: join(SHIPPED_CONFIG, "routing.yaml"),
        sla: join(SHIPPED_CONFIG, "sla.yaml"),
      }),
    );
    const wiring = await wire(loadConfig(file, {}).config, silentLogger);
    try {
      return wiring.marketing.recycleBin?.everyMs;
    } finally {
      await wiring.close();
    }
  };
  expect(await everyMs({})).toBe(3_600_000);
  expect(await everyMs({ recycleBinEvery: "1h30m" })).toBe(5_400_000);
});
