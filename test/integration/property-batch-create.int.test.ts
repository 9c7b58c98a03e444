// leadloop's own properties of an object made in one batch create (POST /crm/v3/properties/{objectType}/batch/create,
// systems/hubspot/ensure-properties.ts), and what the batch did not make made one at a time: a property
// another process made after the list was read is used, a refused input fails as its own create would,
// and an answer not of the documented shape stops with an error naming the endpoint.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type HubspotEmulator, type HubspotEmulatorOptions, startHubspotEmulator } from "../../src/sandbox/hubspot/emulator.js";
import { SystemError } from "../../src/sync/system-error.js";
import type { RetryPolicy } from "../../src/systems/call-retry.js";
import { createHubspotAdapter, type HubspotAdapter, type HubspotPropertyDefinition } from "../../src/systems/hubspot/adapter.js";
import { ensureLeadloopProperties } from "../../src/systems/hubspot/leadloop-properties.js";

const RETRY: RetryPolicy = { patienceMs: 10_000, minTimeoutMs: 10, maxTimeoutMs: 40 };
const BATCH = "POST /crm/v3/properties/:objectType/batch/create";
const SINGLE = "POST /crm/v3/properties/:objectType";
const LIST = "GET /crm/v3/properties/:objectType";

const interest: HubspotPropertyDefinition = {
  name: "leadloop_interesse",
  label: "Intérêt (leadloop)",
  type: "enumeration",
  fieldType: "select",
  groupName: "contactinformation",
  options: [
    { label: "Élevé", value: "eleve" },
    { label: "Faible", value: "faible" },
  ],
};
const region: HubspotPropertyDefinition = {
  name: "leadloop_region",
  label: "Región (leadloop)",
  type: "string",
  fieldType: "text",
  groupName: "contactinformation",
};
const score: HubspotPropertyDefinition = {
  name: "leadloop_note_grosse",
  label: "Größe (leadloop)",
  type: "number",
  fieldType: "number",
  groupName: "contactinformation",
};

let emulator: HubspotEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function portal(options: Pick<HubspotEmulatorOptions, "propertyBatchRefusals"> = {}): Promise<{ emulator: HubspotEmulator; adapter: HubspotAdapter }> {
  emulator = await startHubspotEmulator({
    accessToken: `test-${randomUUID()}`,
    searchLagMs: 0,
    limits: { burstPer10Seconds: 100_000, searchPerSecond: 1_000 },
    ...options,
  });
  const adapter = createHubspotAdapter({ accessToken: emulator.accessToken, baseUrl: emulator.url, retry: RETRY, burstPer10Seconds: 100_000 });
  return { emulator, adapter };
}

const callsOf = (e: HubspotEmulator, endpoint: string) => e.calls.byEndpoint()[endpoint] ?? 0;

describe("ensureProperties", () => {
  it("makes an object's missing properties in one batch create, and asks for none the list holds", async () => {
    const { emulator, adapter } = await portal();
    emulator.data.createProperty("contacts", region);
    const seen: unknown[] = [];
    emulator.calls.observe((c) => {
      if (c.endpoint === BATCH) seen.push(c.body);
    });

    const ensured = await adapter.ensureProperties("contacts", [interest, region, score]);

    expect(ensured.map((e) => [e.field.name, e.created, e.field.type])).toEqual([
      ["leadloop_interesse", true, "picklist"],
      ["leadloop_region", false, "string"],
      ["leadloop_note_grosse", true, "number"],
    ]);
    expect(ensured[0]!.field.picklistValues).toEqual(["eleve", "faible"]);
    expect(seen).toEqual([{ inputs: [expect.objectContaining({ name: "leadloop_interesse" }), expect.objectContaining({ name: "leadloop_note_grosse" })] }]);
    expect(emulator.calls.byEndpoint()).toEqual({ [LIST]: 1, [BATCH]: 1 });
    expect(emulator.data.getProperty("contacts", "leadloop_interesse")!.options.map((o) => o.value)).toEqual(["eleve", "faible"]);
    // The batch's answer joined the kept list: asked again, no call.
    expect((await adapter.ensureProperties("contacts", [interest, score])).map((e) => e.created)).toEqual([false, false]);
    expect(emulator.calls.total()).toBe(2);
  });

  it.each([
    ["refuses the whole batch (409, nothing made)", "whole batch"],
    ["answers 207 for that input and makes the others", "per input"],
  ] as const)(
    "uses a property another process made after the list was read, where the batch create %s",
    async (_how, propertyBatchRefusals) => {
      const { emulator, adapter } = await portal({ propertyBatchRefusals });
      await adapter.describe("contacts");
      // Another leadloop, or an admin, makes it between leadloop's read of the list and its batch.
      emulator.data.createProperty("contacts", { ...interest, label: "Interest (theirs)" });

      const ensured = await adapter.ensureProperties("contacts", [interest, region]);

      expect(ensured.map((e) => [e.field.name, e.created])).toEqual([
        ["leadloop_interesse", false],
        ["leadloop_region", true],
      ]);
      expect(ensured[0]!.field.label).toBe("Interest (theirs)");
      expect(emulator.data.getProperty("contacts", "leadloop_region")).toMatchObject({ type: "string", fieldType: "text" });
      expect(callsOf(emulator, BATCH)).toBe(1);
      // Refused whole, the region is made on its own and the list read again shows theirs; answered 207,
      // theirs is asked on its own, its 409 read as made.
      expect(callsOf(emulator, SINGLE)).toBe(1);
    },
  );

  it("fails an input the batch refused as its own create fails, once the others are made", async () => {
    const { emulator, adapter } = await portal();
    const wrong: HubspotPropertyDefinition = { ...score, name: "leadloop_montant", fieldType: "text" };
    const err = await adapter.ensureProperties("contacts", [region, wrong]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SystemError);
    expect((err as SystemError).message).toContain("HubSpot refused POST /crm/v3/properties/contacts (400 VALIDATION_ERROR): Invalid fieldType 'text'");
    expect(emulator.data.getProperty("contacts", "leadloop_region")).toBeDefined();
    expect(emulator.data.getProperty("contacts", "leadloop_montant")).toBeUndefined();
    expect(callsOf(emulator, BATCH)).toBe(1);
  });

  it("stops with an error naming the batch endpoint when its answer is not of the documented shape", async () => {
    const answers: Record<string, unknown> = {
      "GET /crm/v3/properties/contacts": { results: [] },
      // A result without its name or type.
      "POST /crm/v3/properties/contacts/batch/create": { status: "COMPLETE", results: [{ label: "Intérêt (leadloop)" }] },
    };
    const server: Server = createServer((req, res) => {
      const key = `${req.method} ${(req.url ?? "").split("?")[0]}`;
      res.writeHead(key in answers ? 201 : 404, { "content-type": "application/json" });
      res.end(JSON.stringify(answers[key] ?? { status: "error", message: "not found", category: "OBJECT_NOT_FOUND" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const adapter = createHubspotAdapter({ accessToken: "token", baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retry: RETRY });
      const err = await adapter.ensureProperties("contacts", [interest]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SystemError);
      expect(err).toMatchObject({ code: "BAD_RESPONSE", retriable: false });
      expect((err as SystemError).message).toContain("POST /crm/v3/properties/contacts/batch/create");
      expect((err as SystemError).message).toContain("results.0.name");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("ensureLeadloopProperties", () => {
  it("makes no call after a stop: false when stopped before every object's properties were made", async () => {
    const { emulator, adapter } = await portal();
    const stop = new AbortController();
    const mappings = [{ marketingObject: "contacts", marketingExternalId: "leadloop_crm_id" }, { marketingObject: "companies", marketingExternalId: "leadloop_crm_id" }];
    // Stopped once the contacts' batch was answered: the companies' is not sent.
    emulator.calls.observe((c) => {
      if (c.endpoint === BATCH) stop.abort();
    });
    const done = await ensureLeadloopProperties(adapter, mappings as never, false, stop.signal);
    expect(done).toBe(false);
    expect(emulator.calls.byEndpoint()).toEqual({ [LIST]: 1, [BATCH]: 1 });
    expect(emulator.data.getProperty("contacts", "leadloop_status")).toBeDefined();
    expect(emulator.data.getProperty("companies", "leadloop_crm_id")).toBeUndefined();

    // The next run's preparation makes the rest: the companies' in one batch.
    expect(await ensureLeadloopProperties(adapter, mappings as never, false, new AbortController().signal)).toBe(true);
    expect(callsOf(emulator, BATCH)).toBe(2);
    expect(emulator.data.getProperty("companies", "leadloop_crm_id")).toMatchObject({ hasUniqueValue: true });
  });
});
