// An org that upgraded leadloop without making Leadloop_Disposition_Reason__c, the field the README's
// Salesforce setup asks for on Lead and Contact (ARCHITECTURE.md "One run", step 4): the rep's verdicts
// still come back, each with the map's reason, a requalify still opens the Lead again, no run fails and
// nothing waits in the error queue, and each run warns once, naming the field, the object and
// `leadloop validate --live`.
import type { LogFields, Logger } from "../../src/log/logger.js";
import { applyRequalify, planRequalify } from "../../src/sync/funnel/requalify.js";
import type { FunnelSetup } from "../../src/sync/funnel/funnel-setup.js";
import type { SyncResult } from "../../src/sync/engine.js";
import { SALESFORCE_DISPOSITION_REASON, SALESFORCE_LEAD_STATUS } from "../../src/systems/salesforce/handoff-vocabulary.js";
import { funnelFor, pricingAndDemo, seedAnaisAtOptique, seedReps } from "../support/funnel-harness.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

/** The Salesforce emulator stamps whole seconds: a rep's edit after a run waits past leadloop's own write. */
const SECOND_LATER_MS = 1_100;
const MISSING = "disposition.reason_field_missing";

describe("dispositions in an org without the disposition reason field", () => {
  let loop: LoopHarness;
  let funnel: FunnelSetup;
  let personId: string;
  /** Every warning logged, with the run it was logged in (counted from 1). */
  let warnings: { run: number; event: string; fields: LogFields }[];
  let runs: number;
  const log: Logger = {
    error: () => {},
    warn: (event, fields = {}) => warnings.push({ run: runs, event, fields }),
    info: () => {},
    debug: () => {},
    child: () => log,
  };
  const contact = () => loop.hubspot.data.getObject("contacts", personId)!.properties;
  const lead = () => loop.salesforce.data.list("Lead").find((l) => l.HubSpot_Contact_Id__c === personId)!;
  const setStatus = (status: string) => loop.salesforce.data.update("Lead", String(lead().Id), { Status: status });
  /** One run, which must succeed, and the warnings it logged about the missing field. */
  async function sync(dryRun = false): Promise<{ result: SyncResult; missing: LogFields[] }> {
    runs++;
    const result = await loop.sync({ funnel, log, dryRun });
    expect(result.summary.status).toBe("succeeded");
    return { result, missing: warnings.filter((w) => w.run === runs && w.event === MISSING).map((w) => w.fields) };
  }

  /**
   * A rep trashes Anaïs, then marketing requalifies her (found by `email`), as `leadloop requalify`
   * decides it, without asking the org: the Lead's status opened, its reason blanked.
   */
  async function trashedThenRequalified(email: string): Promise<void> {
    setStatus("Closed - Unqualified");
    await tick();
    expect((await sync()).result.summary.dispositions.trash).toBe(1);
    const found = await planRequalify(loop.store, email, new Date());
    if (!found.ok) throw new Error(found.message);
    await applyRequalify(loop.store, found.plan, {
      marketingSystem: "hubspot",
      crmStatus: { system: "salesforce", ...SALESFORCE_LEAD_STATUS, reasonField: SALESFORCE_DISPOSITION_REASON },
      dispositions: funnel.qualification.definition.dispositions,
      at: new Date().toISOString(),
      runId: "requalify-test",
      by: "marketing-ops",
    });
  }

  beforeEach(async () => {
    warnings = [];
    runs = 0;
    loop = await startLoop();
    // The admin created every other field of the setup table, and not this one.
    for (const object of ["Lead", "Contact"]) loop.salesforce.data.deleteField(object, SALESFORCE_DISPOSITION_REASON);
    seedReps(loop);
    funnel = funnelFor(loop, "salesforce");
    personId = seedAnaisAtOptique(loop);
    pricingAndDemo(loop, personId);
    // The first load reads every Lead's status and conversion, and hands Anaïs off on a Lead of her own.
    const first = await sync();
    expect(first.result.summary.handoffs).toBe(1);
    expect(first.missing).toHaveLength(1);
    await tick();
  });
  afterEach(async () => {
    await loop.close();
  });

  it("takes a rep's trash verdict with the map's reason, and warns once a run naming the field, the object and validate --live", async () => {
    expect(lead()).not.toHaveProperty(SALESFORCE_DISPOSITION_REASON);
    setStatus("Closed - Unqualified");
    await tick();
    const { result, missing } = await sync();
    expect(result.summary.dispositions).toEqual({ qualified: 0, recycle: 0, trash: 1, unreachable: 0, working: 0 });
    expect(contact()).toMatchObject({
      lifecyclestage: "other",
      leadloop_status: "trash",
      hs_lead_status: "UNQUALIFIED",
      leadloop_disposition_reason: "Rep found the lead unqualified",
    });
    expect(contact().leadloop_disposition_date).toBeTruthy();
    expect((await loop.store.listFunnelEvents({ personId })).map((e) => e.toStage)).toEqual(["mql", "trash"]);
    // Once, though the conversions, the dispositions and the drain all ask about the field.
    expect(missing).toEqual([
      expect.objectContaining({
        object: "Lead",
        field: SALESFORCE_DISPOSITION_REASON,
        message: expect.stringContaining("leadloop validate --live"),
      }),
    ]);
    // A degradation, not a refusal: nothing waits for a retry.
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });

  it("opens the Lead again on a requalify without the field, and takes the rep's next verdict", async () => {
    await trashedThenRequalified("anais.BERENGER@sgo-optique.fr");
    await tick();
    // The dry run plans the Lead's status alone, as the real run writes it.
    const dry = await sync(true);
    expect(dry.result.summary.errors.salesforce ?? 0).toBe(0);
    const planned = dry.result.plan.filter((w) => w.object === "Lead" && w.id === String(lead().Id));
    expect(planned.flatMap((w) => w.fields.map((f) => f.field))).toContain("Status");
    expect(planned.flatMap((w) => w.fields.map((f) => f.field))).not.toContain(SALESFORCE_DISPOSITION_REASON);
    const { missing } = await sync();
    expect(missing).toHaveLength(1);
    expect(lead().Status).toBe("Open - Not Contacted");
    expect(contact().hs_lead_status).toBe("NEW");
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);

    await tick(SECOND_LATER_MS);
    setStatus("Closed - Unreachable");
    await tick();
    expect((await sync()).result.summary.dispositions.unreachable).toBe(1);
    expect(contact()).toMatchObject({ leadloop_status: "unreachable", leadloop_disposition_reason: "Rep could not connect" });
  });

  it("sends a requalify's Lead write refused for another reason again on errors retry, without the field", async () => {
    await trashedThenRequalified("anais.berenger@sgo-optique.fr");
    // A validation rule the admin has since relaxed refuses the Lead's reopening once.
    await loop.salesforce.control.addFaults({
      records: [{ object: "Lead", field: "Status", equals: "Open - Not Contacted", message: "Réouverture bloquée : règle Lead_Reopen_Approval" }],
    });
    await tick();
    await sync();
    const refused = await loop.store.listErrors({ status: "open" });
    // Her demo request qualifies her again at once, so the handoff's reopening is refused beside the requalify's.
    expect(refused.map((e) => [e.object, e.operation, e.message.includes("Lead_Reopen_Approval")])).toEqual([
      ["Lead", "requalify", true],
      ["Lead", "handoff", true],
    ]);
    await loop.salesforce.control.clearFaults();

    const retried = await loop.retry({ funnel, log });
    expect(retried.stillFailing).toEqual([]);
    expect(retried.resolved).toEqual(refused.map((e) => e.id));
    expect(lead().Status).toBe("Open - Not Contacted");
    expect(await loop.store.listErrors({ status: "open" })).toEqual([]);
  });
});
