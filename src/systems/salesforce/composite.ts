// One call to the Composite resource with GET subrequests: "The entire series of requests counts as a
// single call toward your API limits", at most 25 subrequests, of which at most 5 queries; each
// subrequest answers with its own status and body.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm
import { SystemError } from "../../sync/system-error.js";
import { documentedAnswer } from "./errors.js";
import { z } from "zod";
import type { SalesforceClient } from "./connection.js";

export const MAX_SUBREQUESTS = 25;
export const MAX_QUERIES = 5;

const compositeAnswer = z
  .object({
    compositeResponse: z.array(
      z.object({ body: z.unknown(), httpStatusCode: z.number(), referenceId: z.string() }).loose(),
    ),
  })
  .loose();

/** A refused subrequest's body: its errors, as a refused call's (REST API "Status Codes and Error Responses"). */
const subrequestRefusal = z.array(z.object({ errorCode: z.string(), message: z.string() }).loose());

/**
 * Whether a failed composite call leaves its subrequests to be sent as calls of their own: a server without
 * the resource (404) or an answer not of its documented shape. Salesforce itself failing is not.
 */
export function compositeUnanswered(err: unknown): boolean {
  return err instanceof SystemError && (err.errorClass === "data" || err.errorClass === "bug");
}

export interface SubAnswer {
  status: number;
  body: unknown;
}

/**
 * Sends these GET subrequests (each `url` from the version root on, with its own headers if any) as one
 * composite call, each failing on its own (`allOrNone: false`); answers by reference id. Throws SystemError when the call itself fails.
 */
export async function sendGets(
  client: SalesforceClient,
  gets: readonly { url: string; referenceId: string; httpHeaders?: Record<string, string> }[],
  purpose: string,
): Promise<Map<string, SubAnswer>> {
  const raw = await client.call<unknown>({
    method: "POST",
    path: "/composite",
    body: {
      allOrNone: false,
      compositeRequest: gets.map((g) => ({ method: "GET", ...g })),
    },
    idempotent: true,
    purpose,
  });
  const parsed = documentedAnswer(compositeAnswer, raw, "UNEXPECTED_COMPOSITE_RESULT", "composite answer");
  const urls = new Map(gets.map((g) => [g.referenceId, g.url]));
  for (const r of parsed.compositeResponse) {
    // A query refused here is heard as one refused as a call of its own (connection.ts `queryRefused`): an
    // INVALID_FIELD one doubts the describe it was made from, whatever the caller does next.
    if (r.httpStatusCode < 400 || !/\/query(All)?\?/.test(urls.get(r.referenceId) ?? "")) continue;
    const refusal = subrequestRefusal.safeParse(r.body);
    if (refusal.success) for (const { errorCode, message } of refusal.data) client.queryRefused(errorCode, message);
  }
  return new Map(parsed.compositeResponse.map((r) => [r.referenceId, { status: r.httpStatusCode, body: r.body }]));
}
