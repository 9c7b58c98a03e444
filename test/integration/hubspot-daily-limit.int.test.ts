// HubSpot's daily limit spent mid-day (by the portal's other apps, which share it): a run's first refused
// call stops the run, none waited out call by call until midnight; the run is recorded failed, its cursors
// stay where they were, and the command would exit 3 (README, exit codes), with a message naming the daily
// limit and when it resets. The 429 says so in `policyName`, or, from a server that leaves that optional
// field out, in its `X-HubSpot-RateLimit-Daily-Remaining` header of 0 (FIDELITY.md, "every call").
import { classifyFailure } from "../../src/cli/failure.js";
import { EXIT } from "../../src/cli/exit-codes.js";
import { failedRunSummary } from "../../src/sync/engine.js";
import { startLoop, tick } from "../support/loop-harness.js";
import { movingClock } from "../support/moving-clock.js";
import { thrown } from "../support/system-error-of.js";

describe.each(["named", "bare"] as const)("HubSpot's daily limit spent, the 429's policy %s", (rateLimitBodies) => {
  it("stops the run at the first refused call, cursors where they were, exit 3 naming the daily limit", async () => {
    const loop = await startLoop({ hubspot: { rateLimitBodies } });
    try {
      loop.hubspot.data.createObject("contacts", { email: "Zoë.Ñúñez@Exämple.COM", firstname: "Zoë", lastname: "Ñúñez" });
      loop.hubspot.data.createObject("contacts", { email: "o.brien@example.ie", firstname: "  Seán ", lastname: "O'Brien" });
      expect((await loop.sync()).summary.status).toBe("succeeded");
      const cursors = await loop.store.getCursor("hubspot", "contacts");
      expect(cursors).not.toBeUndefined();

      await tick();
      loop.hubspot.data.createObject("contacts", { email: "Anaïs.Lefèvre@Société-Générale.FR", firstname: "Anaïs", lastname: "" });
      await loop.hubspot.control.call("POST", "/limits/daily-spent");
      loop.hubspot.calls.reset();

      const err = await thrown(loop.sync());
      expect(err).toMatchObject({ system: "hubspot", errorClass: "rate_limited", retriable: false, code: "429 DAILY" });
      expect(err.message).toMatch(
        /^HubSpot's daily API limit for this account is spent \(1000000 calls a day\): calls are refused until it resets at midnight in the HubSpot account's time zone\./,
      );
      // Refused once, not tried again: a call waiting for the reset would wait its patience, run after run.
      expect(loop.hubspot.calls.total()).toBe(1);
      expect(failedRunSummary(err)).toMatchObject({ status: "failed" });
      expect(await loop.store.getCursor("hubspot", "contacts")).toEqual(cursors);
      expect(classifyFailure(err, { runsSync: true }).exitCode).toBe(EXIT.unavailable);
    } finally {
      await loop.close();
    }
  });

  it("the next day's run, on the portal's clock past its midnight, reads what the spent run left", async () => {
    const clock = movingClock();
    const loop = await startLoop({ hubspot: { rateLimitBodies }, now: clock.now });
    try {
      loop.hubspot.data.createObject("contacts", { email: "Zoë.Ñúñez@Exämple.COM", firstname: "Zoë", lastname: "Ñúñez" }, clock.now());
      expect((await loop.sync()).summary.status).toBe("succeeded");
      const cursors = await loop.store.getCursor("hubspot", "contacts");

      clock.later();
      loop.hubspot.data.createObject("contacts", { email: "Anaïs.Lefèvre@Société-Générale.FR", firstname: "Anaïs", lastname: "" }, clock.now());
      await loop.hubspot.control.call("POST", "/limits/daily-spent");
      await expect(loop.sync()).rejects.toMatchObject({ code: "429 DAILY" });
      expect(await loop.store.getCursor("hubspot", "contacts")).toEqual(cursors);

      // The allowance is the portal's day's: past its midnight the next run goes on from the kept cursor.
      clock.later(86_400_000);
      const next = await loop.sync();
      expect(next.summary.status).toBe("succeeded");
      expect(next.summary.read.hubspot).toBeGreaterThanOrEqual(1);
      expect(await loop.store.getCursor("hubspot", "contacts")).not.toEqual(cursors);
    } finally {
      await loop.close();
    }
  });
});
