// The calls per contact `leadloop forecast` scales by default: `default.rates` of
// `npm run bench -- --records N --json` in the default configuration (test/bench/README.md), pasted
// here when the bench is re-measured. A user can pass their own bench output with `--rates <file>`.
import type { CallRates } from "./api-forecast.js";

export const MEASURED_RATES: CallRates = {
  "firstLoadPerContact": {
    "hubspot": {
      "writes": 0.025,
      "reads": 0.098,
      "behaviour": 1.266,
      "match": 0.002,
      "search": 0.001
    },
    "salesforce": {
      "writes": 0.014,
      "reads": 0.021,
      "behaviour": 0.0,
      "match": 0.027,
      "search": 0.0
    }
  },
  "perChangedContact": {
    "hubspot": {
      "writes": 0.0098,
      "reads": 0.598,
      "behaviour": 9.2451,
      "match": 0.0,
      "search": 0.1176
    },
    "salesforce": {
      "writes": 0.0196,
      "reads": 0.0196,
      "behaviour": 0.0,
      "match": 0.0588,
      "search": 0.0
    }
  },
  "idleRun": {
    "hubspot": {
      "writes": 0,
      "reads": 15,
      "behaviour": 75,
      "match": 1,
      "search": 6
    },
    "salesforce": {
      "writes": 0,
      "reads": 13,
      "behaviour": 0,
      "match": 2,
      "search": 0
    }
  },
  "measuredAt": "bench default configuration, 1,000 contacts, commit 596ed50"
};
