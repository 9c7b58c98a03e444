// What `leadloop forecast` prints adds up: each system's total is the sum of its classes in whole calls,
// whatever the portal's size, its change and its recycle bin.
import { CALL_CLASSES, forecast } from "../../src/core/forecast/api-forecast.js";
import { measuredRates } from "../../src/core/forecast/measured-rates.js";

describe("forecast totals", () => {
  it("are the sums of the classes printed beside them, first load and typical day, on every tier", () => {
    for (const tier of ["starter", "professional", "enterprise"] as const)
      for (const contacts of [1, 7, 333, 1_000, 12_345, 250_000, 1_000_000])
        for (const archived of [0, 150, 30_000]) {
          const f = forecast(measuredRates(tier), { contacts, changesPerDay: Math.ceil(contacts / 10), runsPerDay: 288, archived });
          for (const part of [f.firstLoad, f.typicalDay])
            for (const calls of Object.values(part.calls)) {
              expect(calls.total).toBe(CALL_CLASSES.reduce((n, k) => n + calls[k], 0));
              for (const k of CALL_CLASSES) expect(Number.isInteger(calls[k])).toBe(true);
            }
        }
  });
});
