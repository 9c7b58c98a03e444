// A kept description serves the next processes for `sync.descriptionsKeptFor` from when its system answered
// it (ARCHITECTURE.md "Kept descriptions"): not from when the run that read it ended, nor from a later create
// leadloop made on it, and with that create in it. Both adapters keep theirs by one ledger
// (sync/description-ledger.ts); each process here is a new pair of adapters and a new description memory on
// the same store and emulators, on one fake clock.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { descriptionMemory, type DescriptionMemory } from "../../src/cli/description-memory.js";
import type { ObservedCall } from "../../src/sandbox/emulator/call-counter.js";
import { type HubspotEmulator, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { type SalesforceEmulator, startSalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";
import { emulatorConnection } from "../../src/sandbox/sandbox-config.js";
import { openStore } from "../../src/store/open-store.js";
import type { StateStore } from "../../src/store/port.js";
import { createHubspotAdapter, type HubspotAdapter, type HubspotPropertyDefinition } from "../../src/systems/hubspot/adapter.js";
import { createSalesforceAdapter, type SalesforceAdapter } from "../../src/systems/salesforce/adapter.js";
import { FakeClock } from "../support/fake-clock.js";
import { FAST_RETRY } from "../support/loop-harness.js";

const MINUTE = 60_000;
const KEPT_FOR = 60 * MINUTE;

interface Process {
  hubspot: HubspotAdapter;
  salesforce: SalesforceAdapter;
  memory: DescriptionMemory;
}

let clock: FakeClock;
let hubspot: HubspotEmulator;
let salesforce: SalesforceEmulator;
let store: StateStore;
let calls: ObservedCall[];

beforeEach(async () => {
  clock = new FakeClock(Date.parse("2026-03-02T08:15:00.000Z"));
  hubspot = await startHubspotEmulator({ searchLagMs: 0, limits: { burstPer10Seconds: 100_000, searchPerSecond: 1_000 } });
  salesforce = await startSalesforceEmulator({});
  store = await openStore({ path: join(mkdtempSync(join(tmpdir(), "leadloop-kept-times-")), "state.db") });
  calls = [];
  hubspot.calls.observe((c) => calls.push(c));
  salesforce.calls.observe((c) => calls.push(c));
});

afterEach(async () => {
  await store.close();
  await hubspot.close();
  await salesforce.close();
});

/** A new process: its adapters, and the memory that gives them what the store keeps (cli/compose.ts). */
async function startProcess(): Promise<Process> {
  const marketing = createHubspotAdapter({
    accessToken: hubspot.accessToken,
    baseUrl: hubspot.url,
    retry: FAST_RETRY,
    clock,
    searchPerSecond: 1_000,
    burstPer10Seconds: 100_000,
  });
  const crm = await createSalesforceAdapter({ connection: emulatorConnection(salesforce), retry: FAST_RETRY, clock });
  const memory = descriptionMemory({
    store,
    adapters: new Map([
      ["hubspot", marketing.descriptions],
      ["salesforce", crm.descriptions],
    ]),
    configKey: "leadloop.yaml#Zoë",
    keptForMs: KEPT_FOR,
    now: () => new Date(clock.now()),
    readOnly: false,
  });
  await memory.recall();
  return { hubspot: marketing, salesforce: crm, memory };
}

/** What the systems were asked for since `from`: property lists by object, describes by sObject. */
function descriptionReads(from: number): string[] {
  return calls.slice(from).flatMap((c) => {
    if (c.endpoint === "GET /crm/v3/properties/:objectType") return [`hubspot ${c.path.split("/").pop()!}`];
    const urls = c.endpoint.endsWith("/composite") ? (c.body as { compositeRequest: { url: string }[] }).compositeRequest.map((r) => r.url) : [c.path];
    return urls.filter((u) => u.endsWith("/describe")).map((u) => `salesforce ${u.split("/").at(-2)!}`);
  });
}

/** The contacts' list and the Lead's describe, as a run's writes ask them; the reads this made. */
async function describeBoth(p: Process): Promise<string[]> {
  const from = calls.length;
  await p.hubspot.describe("contacts");
  await p.salesforce.describe("Lead");
  return descriptionReads(from).filter((r) => r === "hubspot contacts" || r === "salesforce Lead");
}

const interestProperty: HubspotPropertyDefinition = {
  name: "leadloop_interet_produit",
  label: "Intérêt produit (leadloop)",
  type: "string",
  fieldType: "text",
  groupName: "contactinformation",
};

it("serves for the keeping time from when the system answered, however long the run that read it", async () => {
  const first = await startProcess();
  expect(await describeBoth(first)).toEqual(["hubspot contacts", "salesforce Lead"]);
  // A first load of fifty minutes: the descriptions are kept as it ends, read fifty minutes before.
  clock.advance(50 * MINUTE);
  await first.memory.keep();
  // Five minutes on, within the hour since the read: recalled, asked of no one.
  clock.advance(5 * MINUTE);
  expect(await describeBoth(await startProcess())).toEqual([]);
  // Seventy minutes since the read, twenty since the run kept them: read again, both systems.
  clock.advance(15 * MINUTE);
  expect(await describeBoth(await startProcess())).toEqual(["hubspot contacts", "salesforce Lead"]);
});

it("keeps a list leadloop extended with its create, as of the list's read", async () => {
  const daemon = await startProcess();
  await daemon.hubspot.describe("contacts");
  await daemon.memory.keep();
  // Ten minutes on the daemon makes a property: the kept list holds it, and a process then makes none.
  clock.advance(10 * MINUTE);
  expect(await daemon.hubspot.ensureProperties("contacts", [interestProperty])).toMatchObject([{ created: true }]);
  await daemon.memory.keep();
  const cron = await startProcess();
  const from = calls.length;
  expect(await cron.hubspot.ensureProperties("contacts", [interestProperty])).toMatchObject([{ created: false }]);
  expect(calls.slice(from)).toEqual([]);
  // Two hours after the daemon read the list it makes another on it: what it keeps is still two hours old,
  // so the next process reads the list, which may have lost a property since.
  clock.advance(110 * MINUTE);
  await daemon.hubspot.ensureProperties("contacts", [{ ...interestProperty, name: "leadloop_echeance", label: "Échéance (leadloop)" }]);
  await daemon.memory.keep();
  clock.advance(MINUTE);
  expect(await describeBoth(await startProcess())).toContain("hubspot contacts");
});
