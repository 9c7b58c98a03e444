// The calls per contact `leadloop forecast` scales by default: `default.rates` of
// `npm run bench -- --records N --json` in the default configuration (test/bench/README.md), pasted
// here when the bench is re-measured, once on an Enterprise portal and once below it (`--hubspot-tier
// professional`): below Enterprise there is no events API, and a first load reads the forms' submissions
// and the email events in pages instead (ARCHITECTURE.md "Behaviour on every tier"). A user can pass
// their own bench output with `--rates <file>`.
import type { CallRates } from "./api-forecast.js";

/** Measured on an Enterprise portal (the events API). */
export const ENTERPRISE_RATES: CallRates = {
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

/** Measured on a Professional portal: no events API; forms and email events from their own APIs. */
export const BELOW_ENTERPRISE_RATES: CallRates = {
  "firstLoadPerContact": {
    "hubspot": {
      "writes": 0.0132,
      "reads": 0.0084,
      "behaviour": 0.0148,
      "match": 0.0003,
      "search": 0.0064
    },
    "salesforce": {
      "writes": 0.004,
      "reads": 0.0031,
      "behaviour": 0,
      "match": 0.0008,
      "search": 0
    }
  },
  "perChangedContact": {
    "hubspot": {
      "writes": 0.009,
      "reads": 0.0963,
      "behaviour": 0.0015,
      "match": 0.002,
      "search": 0.0684
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
  "measuredAt": "bench default configuration, 10,000 contacts, professional portal, commit c245742"
};

/** The rates of a portal of this tier: Starter has the same behaviour sources as Professional. */
export function measuredRates(tier: "starter" | "professional" | "enterprise"): CallRates {
  return tier === "enterprise" ? ENTERPRISE_RATES : BELOW_ENTERPRISE_RATES;
}
