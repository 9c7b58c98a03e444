// The Composite resource (REST API Developer Guide, "Send Multiple Requests Using Composite",
// POST /services/data/vXX.X/composite): up to 25 subrequests in one call, at most 5 of them queries
// (Query, QueryAll, a query's next batch) or sObject Collections, answered in one body, and "the entire
// series of requests counts as a single call toward your API limits": the server counts and guards the
// outer call only, and the subrequests are dispatched to the same routes without passing the guard again.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
import { z } from "zod";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from "../../emulator/server.js";
import { SalesforceApiError } from "../errors.js";
import { apiVersion, DATA, handle, json, REST_URI_AND_HEADERS_MAX_BYTES } from "./context.js";

const MAX_SUBREQUESTS = 25;
const MAX_QUERIES_AND_COLLECTIONS = 5;
/** "The referenceIds must not contain anything besides letters, numbers, and underscores" (Composite Subrequest Result). */
const REFERENCE_ID = /^[A-Za-z0-9_]+$/;
/** Subrequests inherit these from the top-level request; naming them fails the whole request (Composite Subrequest). */
const INHERITED_HEADERS = new Set(["accept", "authorization", "content-type"]);
/** The resources a subrequest may name: sObjects, Query, QueryAll, sObject Collections. */
const SUPPORTED = /^\/services\/data\/v\d{2}\.0\/(sobjects\/|query(\/|$)|queryAll(\/|$)|composite\/sobjects(\/|$))/;
const COUNTED = /^\/services\/data\/v\d{2}\.0\/(query(\/|$)|queryAll(\/|$)|composite\/sobjects(\/|$))/;

const subrequest = z
  .object({
    // Case-sensitive (Composite Subrequest: "Possible values are DELETE, GET, PATCH, and POST").
    method: z.enum(["GET", "POST", "PATCH", "DELETE"]),
    url: z.string().min(1),
    referenceId: z.string().min(1),
    body: z.unknown().optional(),
    httpHeaders: z.record(z.string(), z.string()).optional(),
  })
  .strict();
const compositeBody = z
  .object({
    allOrNone: z.boolean().default(false),
    collateSubrequests: z.boolean().optional(),
    compositeRequest: z.array(subrequest).min(1),
  })
  .strict();

type Subrequest = z.infer<typeof subrequest>;

export function addCompositeRoute(router: Router<EmulatorHandler>): void {
  router.add(
    "POST",
    `${DATA}/composite`,
    handle(async (req) => {
      apiVersion(req);
      const parsed = compositeBody.safeParse(req.body ?? {});
      if (!parsed.success) {
        throw new SalesforceApiError(400, "JSON_PARSER_ERROR", `Invalid composite request: ${parsed.error.issues[0]?.message ?? "bad body"}`);
      }
      const { allOrNone, compositeRequest } = parsed.data;
      check(compositeRequest, allOrNone);
      const results: unknown[] = [];
      for (const sub of compositeRequest) {
        const answer = await dispatch(router, req, sub);
        results.push({ body: answer.body ?? null, httpHeaders: {}, httpStatusCode: answer.status, referenceId: sub.referenceId });
      }
      const response: EmulatorResponse = json(200, { compositeResponse: results });
      if (compositeRequest.every((s) => s.method === "GET")) response.changedNothing = true;
      return response;
    }),
  );
}

/** The request-level refusals: the whole call is answered 400 and no subrequest runs. */
function check(subs: readonly Subrequest[], allOrNone: boolean): void {
  if (subs.length > MAX_SUBREQUESTS) {
    throw new SalesforceApiError(400, "INVALID_INPUT", `A composite request may hold at most ${MAX_SUBREQUESTS} subrequests; it held ${subs.length}`);
  }
  const counted = subs.filter((s) => COUNTED.test(pathOf(s.url))).length;
  if (counted > MAX_QUERIES_AND_COLLECTIONS) {
    throw new SalesforceApiError(
      400,
      "INVALID_INPUT",
      `A composite request may hold at most ${MAX_QUERIES_AND_COLLECTIONS} query or sObject Collections subrequests; it held ${counted}`,
    );
  }
  const seen = new Set<string>();
  for (const s of subs) {
    if (!REFERENCE_ID.test(s.referenceId)) {
      throw new SalesforceApiError(400, "INVALID_INPUT", `Invalid referenceId '${s.referenceId}': use letters, numbers and underscores only`);
    }
    if (seen.has(s.referenceId)) throw new SalesforceApiError(400, "INVALID_INPUT", `Duplicate referenceId '${s.referenceId}'`);
    seen.add(s.referenceId);
    if (!SUPPORTED.test(pathOf(s.url))) {
      throw new SalesforceApiError(400, "INVALID_INPUT", `The composite resource does not support the subrequest url '${s.url}'`);
    }
    const inherited = Object.keys(s.httpHeaders ?? {}).find((h) => INHERITED_HEADERS.has(h.toLowerCase()));
    if (inherited) throw new SalesforceApiError(400, "INVALID_INPUT", `A subrequest may not set the ${inherited} header`);
    // References to earlier results (@{ref.field}) are not modelled: refused rather than sent unresolved.
    if (s.url.includes("@{") || JSON.stringify(s.body ?? null).includes("@{")) {
      throw new SalesforceApiError(400, "INVALID_INPUT", "This emulator does not resolve composite references (@{...})");
    }
  }
  // Rolling a whole series back is not modelled; refused instead of half done.
  if (allOrNone && subs.some((s) => s.method !== "GET")) {
    throw new SalesforceApiError(400, "INVALID_INPUT", "This emulator does not model allOrNone for composite requests that write");
  }
}

async function dispatch(router: Router<EmulatorHandler>, outer: EmulatorRequest, sub: Subrequest): Promise<EmulatorResponse> {
  // The reference names no limit of a subrequest's url; held to a call's own, the stricter reading, so a
  // query too long to send as a call is not taken as one inside a composite call either.
  if (Buffer.byteLength(sub.url) > REST_URI_AND_HEADERS_MAX_BYTES) {
    return { status: 414, body: [{ message: "URI Too Long", errorCode: "URI_TOO_LONG" }] };
  }
  const url = new URL(sub.url, "http://127.0.0.1");
  const match = router.match(sub.method, url.pathname);
  if (!match) {
    return { status: 404, body: [{ message: "The requested resource does not exist", errorCode: "NOT_FOUND" }] };
  }
  const headers = { ...outer.headers };
  for (const [name, value] of Object.entries(sub.httpHeaders ?? {})) headers[name.toLowerCase()] = value;
  const inner: EmulatorRequest = {
    method: sub.method,
    path: url.pathname,
    query: url.searchParams,
    headers,
    params: match.params,
    body: sub.body,
    rawBody: sub.body === undefined ? "" : JSON.stringify(sub.body),
  };
  return match.handler(inner);
}

function pathOf(url: string): string {
  return url.split("?")[0] ?? url;
}
