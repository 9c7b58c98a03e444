// The one retry layer on a fake clock: a retriable failure is retried until the call's patience is
// spent, Retry-After is the least wait and is never slept past the patience, and the error it ends with
// says leadloop stopped.
import { SystemError } from "../../src/sync/system-error.js";
import { callWithRetry, type RetryPolicy } from "../../src/systems/call-retry.js";
import { classifyHubspotError } from "../../src/systems/hubspot/fault-table.js";
import { HubspotHttpError } from "../../src/systems/hubspot/http-error.js";
import { FakeClock } from "../support/fake-clock.js";

const ENDPOINT = "POST /crm/v3/objects/contacts/batch/read";
const FIVE_MINUTES: RetryPolicy = { patienceMs: 300_000, minTimeoutMs: 500, maxTimeoutMs: 30_000 };
const T0 = Date.parse("2026-11-20T08:00:00.000Z");

/** HubSpot's own 429 for its ten-second burst limit, as the transport raises it. */
function tooManyRequests(retryAfterSeconds: number): HubspotHttpError {
  return new HubspotHttpError(
    429,
    {
      status: "error",
      message: "You have reached your ten_secondly_rolling limit.",
      errorType: "RATE_LIMIT",
      correlationId: "c3a1f0d2-5b7e-4c38-9a43-0f1e2d3c4b5a",
      policyName: "TEN_SECONDLY_ROLLING",
    },
    { "retry-after": String(retryAfterSeconds), "x-hubspot-ratelimit-remaining": "0" },
    ENDPOINT,
  );
}

function serviceUnavailable(): HubspotHttpError {
  return new HubspotHttpError(503, { status: "error", message: "Service Unavailable" }, {}, ENDPOINT);
}

const hooks = { operation: ENDPOINT, classify: classifyHubspotError };

async function failure(promise: Promise<unknown>): Promise<SystemError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SystemError)) throw new Error(`expected a SystemError, got ${String(err)}`);
  return err;
}

describe("callWithRetry", () => {
  it("stops a call that answers 429 forever once its patience is spent, saying it stopped", async () => {
    const clock = new FakeClock(T0);
    let attempts = 0;
    const err = await failure(
      callWithRetry(
        () => {
          attempts++;
          return Promise.reject(tooManyRequests(10));
        },
        hooks,
        FIVE_MINUTES,
        clock,
      ),
    );
    expect(err).toMatchObject({
      system: "hubspot",
      errorClass: "rate_limited",
      code: "429 TEN_SECONDLY_ROLLING",
      retriable: false,
    });
    expect(err.message).toBe(
      `stopped after 5m of 429 Too Many Requests from HubSpot (TEN_SECONDLY_ROLLING limit) on ${ENDPOINT}: ` +
        `${attempts} attempts used up the 5m patience (sync.retryPatience). ` +
        "Work committed so far is kept; the next run resumes from the saved cursors.",
    );
    expect(err.message).not.toMatch(/retrying/);
    expect(clock.slept.every((ms) => ms >= 10_000)).toBe(true);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(300_000);
    expect(clock.now() - T0).toBe(300_000);
    expect(attempts).toBe(clock.slept.length + 1);
  });

  it("tries a failing call no more once the process is asked to stop, saying it stopped as asked", async () => {
    const clock = new FakeClock(T0);
    const stop = new AbortController();
    let attempts = 0;
    const err = await failure(
      callWithRetry(
        () => {
          attempts++;
          // SIGTERM arrives while the third attempt is in flight.
          if (attempts === 3) stop.abort();
          return Promise.reject(serviceUnavailable());
        },
        hooks,
        { ...FIVE_MINUTES, stop: stop.signal },
        clock,
      ),
    );
    expect(attempts).toBe(3);
    expect(clock.slept).toHaveLength(2);
    expect(err).toMatchObject({ system: "hubspot", errorClass: "transient", retriable: false });
    expect(err.message).toMatch(
      /^stopped as asked \(SIGTERM or Ctrl-C\) after \S+ of .*503.* on POST \/crm\/v3\/objects\/contacts\/batch\/read, instead of retrying it for the rest of sync\.retryPatience\. Work committed so far is kept; the next run resumes from the saved cursors\.$/,
    );
  });

  it("returns the answer of a call that recovers within its patience", async () => {
    const clock = new FakeClock(T0);
    const answers = [tooManyRequests(10), serviceUnavailable(), tooManyRequests(2)];
    const result = await callWithRetry(
      () => {
        const next = answers.shift();
        return next ? Promise.reject(next) : Promise.resolve({ results: [{ id: "1501" }] });
      },
      hooks,
      FIVE_MINUTES,
      clock,
    );
    expect(result).toEqual({ results: [{ id: "1501" }] });
    expect(clock.slept).toHaveLength(3);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(10_000);
    expect(clock.slept[2]).toBeGreaterThanOrEqual(2_000);
  });

  it("stops at once when Retry-After is longer than the patience left, instead of sleeping past it", async () => {
    const clock = new FakeClock(T0);
    let attempts = 0;
    const err = await failure(
      callWithRetry(
        () => {
          attempts++;
          return Promise.reject(tooManyRequests(90));
        },
        hooks,
        { ...FIVE_MINUTES, patienceMs: 120_000 },
        clock,
      ),
    );
    // Waited 90 s once; then 30 s were left, less than the 90 s asked for.
    expect(clock.slept).toEqual([90_000]);
    expect(attempts).toBe(2);
    expect(err.message).toBe(
      `stopped after 1m30s of 429 Too Many Requests from HubSpot (TEN_SECONDLY_ROLLING limit) on ${ENDPOINT}: ` +
        "the next attempt was asked to wait 1m30s, more than the 30s left of the 2m patience " +
        "(sync.retryPatience). Work committed so far is kept; the next run resumes from the saved cursors.",
    );
  });

  it("does not wait at all when the first Retry-After already exceeds the patience", async () => {
    const clock = new FakeClock(T0);
    const err = await failure(
      callWithRetry(() => Promise.reject(tooManyRequests(600)), hooks, FIVE_MINUTES, clock),
    );
    expect(clock.slept).toEqual([]);
    expect(err).toMatchObject({ errorClass: "rate_limited", retriable: false });
    expect(err.message).toMatch(/^stopped after 0ms of .* asked to wait 10m, more than the 5m left/);
  });

  it("never waits on a failure a retry cannot help", async () => {
    const clock = new FakeClock(T0);
    const unauthorized = new HubspotHttpError(
      401,
      { status: "error", message: "Authentication credentials not found.", category: "INVALID_AUTHENTICATION" },
      {},
      ENDPOINT,
    );
    const err = await failure(callWithRetry(() => Promise.reject(unauthorized), hooks, FIVE_MINUTES, clock));
    expect(err).toMatchObject({ errorClass: "auth", retriable: false });
    expect(err.message).toMatch(/hubspot\.accessToken/);
    expect(clock.slept).toEqual([]);
  });
});

describe("classifyHubspotError: a 429 that names no policy", () => {
  const bare = (endpoint: string) =>
    classifyHubspotError(new HubspotHttpError(429, { status: "error", message: "You have reached your secondly limit." }, {}, endpoint));

  it("from a search endpoint, which sends no rate-limit headers, is its limit per second: waited a second", () => {
    const err = bare("POST /crm/v3/objects/contacts/search");
    expect(err).toMatchObject({ errorClass: "rate_limited", retriable: true, retryAfterMs: 1_000 });
    expect(err.message).toContain("SECONDLY limit");
  });

  it("from any other endpoint is the ten-second burst: waited its window", () => {
    expect(bare("POST /crm/v3/objects/contacts/batch/read")).toMatchObject({ errorClass: "rate_limited", retryAfterMs: 10_000 });
  });
});

