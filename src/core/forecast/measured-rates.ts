// The calls per contact `leadloop forecast` scales by default: `default.rates` of
// `npm run bench -- --records N --json` in the default configuration (test/bench/README.md), pasted
// here when the bench is re-measured. A user can pass their own bench output with `--rates <file>`.
import type { CallRates } from "./api-forecast.js";

export const MEASURED_RATES: CallRates = {
  "firstLoadPerContact": {
    "hubspot": {
      "writes": 0.0132,
      "reads": 0.0084,
      "behaviour": 0.0073,
      "match": 0.0003,
      "search": 0.0064
    },
    "salesforce": {
      "writes": 0.0046,
      "reads": 0.0034,
      "behaviour": 0,
      "match": 0.0006,
      "search": 0
    }
  },
  "perChangedContact": {
    "hubspot": {
      "writes": 0.01,
      "reads": 0.0963,
      "behaviour": 0.001,
      "match": 0.002,
      "search": 0.0689
    },
    "salesforce": {
      "writes": 0.0035,
      "reads": 0.016,
      "behaviour": 0,
      "match": 0.0055,
      "search": 0
    }
  },
  "idleRun": {
    "hubspot": {
      "writes": 0,
      "reads": 7,
      "behaviour": 0,
      "match": 0,
      "search": 4
    },
    "salesforce": {
      "writes": 0,
      "reads": 2,
      "behaviour": 0,
      "match": 0,
      "search": 0
    }
  },
  "measuredAt": "bench default configuration, 10,000 contacts, enterprise portal, commit 786f041"
};
