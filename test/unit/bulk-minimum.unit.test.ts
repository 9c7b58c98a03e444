// The bench's batch-size minimum where a Salesforce object and operation has more records than
// sync.bulkThreshold (test/bench/README.md "The batch-size minimum"): the drain sends them in Bulk API 2.0
// jobs, whose fewest calls are BULK_JOB_CALLS each, set against Collections' one call per 200.
import { BULK_JOB_CALLS, minimumOf } from "../../src/bench/measure-run.js";

describe("the bench's batch-size minimum with Bulk API 2.0 jobs", () => {
  it("counts five calls per job of 2,000 records above the threshold, Collections' calls below it, and HubSpot's batches alike", () => {
    expect(BULK_JOB_CALLS).toBe(5);
    const written = {
      "salesforce Task create": 25_000,
      "salesforce Lead update": 10_000,
      "salesforce Contact update": 10_001,
      "hubspot contacts update": 25_000,
    };
    expect(minimumOf(written, 10_000)).toEqual({
      // Tasks: 13 jobs (12 of 2,000, one of 1,000) at five calls, against 125; Leads: at the threshold, 50
      // Collections calls; Contacts: six jobs, 30 calls, against 51.
      salesforce: 13 * 5 + 50 + 6 * 5,
      hubspot: 250,
    });
    // No threshold (HubSpot as the CRM): Collections' batches throughout.
    expect(minimumOf(written, undefined)).toEqual({ salesforce: 125 + 50 + 51, hubspot: 250 });
    // A low threshold: jobs of 2,000 records, and Collections' calls where they are fewer than a
    // job's five (720 Tasks in 4, 240 Leads in 2); 2,400 Tasks are two jobs, 10 calls against 12.
    expect(minimumOf({ "salesforce Task create": 720, "salesforce Lead update": 240 }, 150)).toEqual({ salesforce: 4 + 2, hubspot: 0 });
    expect(minimumOf({ "salesforce Task create": 2_400 }, 150)).toEqual({ salesforce: 10, hubspot: 0 });
  });
});
