// What every Salesforce route needs: the org's data, sessions and API usage, and helpers for the
// `/services/data/vXX.X/` prefix and Salesforce's error answers.
import type { EmulatorHandler, EmulatorRequest, EmulatorResponse } from "../../emulator/server.js";
import type { SalesforceData } from "../data.js";
import { errorResponse, SalesforceApiError } from "../errors.js";
import type { ApiUsage } from "../limits.js";
import type { Sessions } from "../sessions.js";

export interface SalesforceContext {
  data: SalesforceData;
  sessions: Sessions;
  usage: ApiUsage;
  orgId: string;
  clientId: string;
  clientSecret: string;
  /** Filled in once the server listens: the instance and login URL. */
  baseUrl: () => string;
}

export const MIN_VERSION = 46;
export const MAX_VERSION = 64;
export const DATA = "/services/data/:version";

/**
 * A REST call's URI and headers may take 16,384 bytes together: past it Salesforce answers 414 URI Too
 * Long (the URI alone) or 431 Request Header Fields Too Large (Salesforce Help 000386264, "Maximum number
 * of rows returned by SOQL queries over the REST API"). A composite subrequest's url is held to the same.
 */
export const REST_URI_AND_HEADERS_MAX_BYTES = 16_384;

/** "v62.0" → "62.0"; versions outside what this org serves are 404, as for an unknown resource. */
export function apiVersion(req: EmulatorRequest): string {
  const match = /^v(\d{2})\.0$/.exec(req.params.version ?? "");
  const major = match ? Number(match[1]) : 0;
  if (major < MIN_VERSION || major > MAX_VERSION) {
    throw new SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist");
  }
  return `${major}.0`;
}

/** Wraps a handler so anything it throws becomes Salesforce's error answer. */
export function handle(
  fn: (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>,
): EmulatorHandler {
  return async (req) => {
    try {
      return await fn(req);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export function json(status: number, body: unknown): EmulatorResponse {
  return { status, body };
}

/** The `Sforce-Duplicate-Rule-Header: allowSave=true` header (REST API Developer Guide, "Duplicate Rule Header"). */
export function allowDuplicateSave(req: EmulatorRequest): boolean {
  const header = String(req.headers["sforce-duplicate-rule-header"] ?? "");
  return /allowSave\s*=\s*true/i.test(header);
}
