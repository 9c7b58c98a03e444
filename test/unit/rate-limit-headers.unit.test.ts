// HubSpot's rate-limit headers as one reader sees them: what the console's limit line and
// `forecast --live` both read (https://developers.hubspot.com/docs/guides/apps/api-usage/usage-details).
import { describe, expect, it } from "@jest/globals";
import { statedLimits } from "../../src/systems/hubspot/rate-limit-headers.js";

describe("statedLimits", () => {
  it("reads a private app's answer: burst per interval and the daily allocation", () => {
    expect(
      statedLimits({
        "x-hubspot-ratelimit-max": "190",
        "x-hubspot-ratelimit-interval-milliseconds": "10000",
        "x-hubspot-ratelimit-remaining": "187",
        "x-hubspot-ratelimit-daily": "650000",
        "x-hubspot-ratelimit-daily-remaining": "649212",
        "content-type": "application/json;charset=utf-8",
      }),
    ).toEqual({ max: 190, intervalMs: 10_000, remaining: 187, daily: 650_000, dailyRemaining: 649_212 });
  });

  it("leaves what an OAuth app's answer or a search answer does not state as null", () => {
    expect(statedLimits({ "x-hubspot-ratelimit-max": "110", "x-hubspot-ratelimit-remaining": "0" })).toEqual({
      max: 110,
      intervalMs: null,
      remaining: 0,
      daily: null,
      dailyRemaining: null,
    });
    expect(statedLimits({})).toEqual({ max: null, intervalMs: null, remaining: null, daily: null, dailyRemaining: null });
  });

  it("takes a blank, non-numeric or zero interval as not stated rather than as 0", () => {
    expect(
      statedLimits({
        "x-hubspot-ratelimit-max": " ",
        "x-hubspot-ratelimit-interval-milliseconds": "0",
        "x-hubspot-ratelimit-daily": "unlimited",
        "x-hubspot-ratelimit-daily-remaining": "",
      }),
    ).toEqual({ max: null, intervalMs: null, remaining: null, daily: null, dailyRemaining: null });
  });
});
