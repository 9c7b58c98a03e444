// A non-2xx HubSpot answer as the transport saw it, and the parsed shape of HubSpot's error body
// (https://developers.hubspot.com/docs/api/error-handling): what the fault table classifies.
import { z } from "zod";

const detail = z.looseObject({
  message: z.string().optional(),
  code: z.string().optional(),
  in: z.string().optional(),
  subCategory: z.string().optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});

export const hubspotErrorBody = z.looseObject({
  status: z.string().optional(),
  message: z.string().optional(),
  correlationId: z.string().optional(),
  category: z.string().optional(),
  subCategory: z.string().optional(),
  policyName: z.string().optional(),
  errorType: z.string().optional(),
  errors: z.array(detail).optional(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});
export type HubspotErrorBody = z.infer<typeof hubspotErrorBody>;

export class HubspotHttpError extends Error {
  readonly body: HubspotErrorBody;

  constructor(
    readonly status: number,
    rawBody: unknown,
    /** Response headers, names lower-cased. */
    readonly headers: Readonly<Record<string, string>>,
    /** `METHOD /path` without query or ids' values beyond the path: safe to log. */
    readonly endpoint: string,
  ) {
    const parsed = hubspotErrorBody.safeParse(rawBody);
    const body = parsed.success ? parsed.data : {};
    super(`HubSpot answered ${status} to ${endpoint}${body.message ? `: ${body.message}` : ""}`);
    this.name = "HubspotHttpError";
    this.body = body;
  }
}

/** HubSpot answered 2xx with a body the adapter cannot use. */
export class HubspotResponseError extends Error {
  constructor(
    readonly endpoint: string,
    readonly issues: string,
  ) {
    super(`HubSpot answered ${endpoint} with an unexpected body (${issues})`);
    this.name = "HubspotResponseError";
  }
}
