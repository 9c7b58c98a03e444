// `errors retry` (and the console's Retry) is a run of its own: it is recorded with the calls it made,
// as failed when it could not finish, and it is no sync run, so it never stands for "the last successful
// run" (the console's lag, the inclusion rule's last finished run).
import { isSyncRun } from "../../src/sync/run-ids.js";
import { type LoopHarness, startLoop, tick } from "../support/loop-harness.js";

describe("a retry's own run", () => {
  let loop: LoopHarness;
  afterEach(async () => {
    await loop.close();
  });

  it("is recorded failed, with its calls, when the CRM refuses the token halfway", async () => {
    loop = await startLoop();
    loop.salesforce.faults.add({ records: [{ object: "Lead", field: "LastName", equals: "Nørgaard", message: "Blocked by a validation rule" }] });
    loop.hubspot.data.createObject("contacts", { email: "mette.norgaard@fjordkraft.dk", firstname: "Mette", lastname: "Nørgaard" });
    const first = await loop.sync();
    expect(first.summary.errors.salesforce).toBe(1);
    await tick();

    loop.salesforce.faults.add({ requests: [{ kind: "status", status: 401 }] });
    await expect(loop.retry()).rejects.toThrow();
    const [run] = await loop.store.listRuns(1);
    expect(isSyncRun(run!.id)).toBe(false);
    expect(run!.status).toBe("failed");
    expect((run!.summary as { apiCalls: Record<string, number> }).apiCalls.salesforce).toBeGreaterThan(0);
    expect(isSyncRun(first.summary.runId)).toBe(true);
  });
});
