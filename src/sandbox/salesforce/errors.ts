// Salesforce's error shapes (REST API Developer Guide, "Status Codes and Error Responses"): a request-level
// error is an array of {message, errorCode, fields?}; a per-record error in a save result carries
// {statusCode, message, fields}.
import type { EmulatorResponse } from "../emulator/server.js";

export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
  /** Only on DUPLICATES_DETECTED; Salesforce really spells the key this way. */
  duplicateResut?: DuplicateResult;
}

export interface DuplicateResult {
  allowSave: boolean;
  duplicateRule: string;
  duplicateRuleEntityType: string;
  errorMessage: string;
  matchResults: {
    entityType: string;
    errors: unknown[];
    matchEngine: string;
    matchRecords: {
      additionalInformation: unknown[];
      fieldDiffs: unknown[];
      matchConfidence: number;
      record: { attributes: { type: string; url: string }; Id: string };
    }[];
    rule: string;
    size: number;
    success: boolean;
  }[];
}

/** A failure that answers the whole request. */
export class SalesforceApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }

  toResponse(): EmulatorResponse {
    const body: Record<string, unknown> = { message: this.message, errorCode: this.errorCode };
    if (this.fields) body.fields = this.fields;
    return { status: this.status, body: [body] };
  }
}

/** A failure of one record in a save: reported in the save result, or as the answer of a single-record call. */
export class RecordSaveError extends Error {
  constructor(readonly errors: RecordError[]) {
    super(errors.map((e) => `${e.statusCode}: ${e.message}`).join("; "));
  }

  /** The single-record REST answer: 400 with the request-level array shape. */
  toResponse(): EmulatorResponse {
    return {
      status: 400,
      body: this.errors.map((e) => {
        const out: Record<string, unknown> = {};
        if (e.duplicateResut) out.duplicateResut = e.duplicateResut;
        out.errorCode = e.statusCode;
        out.message = e.message;
        if (e.fields.length > 0) out.fields = e.fields;
        return out;
      }),
    };
  }
}

export function recordError(statusCode: string, message: string, fields: string[] = []): RecordError {
  return { statusCode, message, fields };
}

export function notFound(): SalesforceApiError {
  return new SalesforceApiError(404, "NOT_FOUND", "The requested resource does not exist");
}

/** Turns anything a handler threw into Salesforce's answer; unexpected errors are UNKNOWN_EXCEPTION. */
export function errorResponse(err: unknown): EmulatorResponse {
  if (err instanceof SalesforceApiError || err instanceof RecordSaveError) return err.toResponse();
  if (isZodLike(err)) {
    return new SalesforceApiError(
      400,
      "JSON_PARSER_ERROR",
      `Invalid request body: ${err.message}`,
    ).toResponse();
  }
  const message = err instanceof Error ? err.message : String(err);
  return new SalesforceApiError(500, "UNKNOWN_EXCEPTION", message).toResponse();
}

function isZodLike(err: unknown): err is Error {
  return err instanceof Error && err.name === "ZodError";
}
