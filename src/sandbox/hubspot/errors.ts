// HubSpot's error body and the exception the data layer throws to produce it. The shape follows the
// `Error` schema shared by every public API spec (status, message, correlationId, category, errors, context)
// and https://developers.hubspot.com/docs/api/error-handling.
import { randomUUID } from "node:crypto";
import type { EmulatorResponse } from "../emulator/server.js";

export interface HubspotErrorDetail {
  message: string;
  code?: string;
  in?: string;
  subCategory?: string;
  context?: Record<string, string[]>;
}

export interface HubspotErrorBody {
  status: "error";
  message: string;
  correlationId: string;
  category: string;
  subCategory?: string;
  errors?: HubspotErrorDetail[];
  context?: Record<string, string[]>;
}

export class HubspotApiError extends Error {
  constructor(
    readonly status: number,
    readonly category: string,
    message: string,
    readonly context?: Record<string, string[]>,
    readonly errors?: HubspotErrorDetail[],
  ) {
    super(message);
  }

  toBody(): HubspotErrorBody {
    return errorBody(this.category, this.message, { context: this.context, errors: this.errors });
  }

  toResponse(): EmulatorResponse {
    return { status: this.status, body: this.toBody() };
  }
}

export function errorBody(
  category: string,
  message: string,
  extra: { context?: Record<string, string[]> | undefined; errors?: HubspotErrorDetail[] | undefined } = {},
): HubspotErrorBody {
  const body: HubspotErrorBody = { status: "error", message, correlationId: randomUUID(), category };
  if (extra.errors) body.errors = extra.errors;
  if (extra.context) body.context = extra.context;
  return body;
}

export function errorResponse(
  status: number,
  category: string,
  message: string,
  context?: Record<string, string[]>,
): EmulatorResponse {
  return { status, body: errorBody(category, message, { context }) };
}

export const notFound = (message = "Object not found.  objectId are usually numeric."): HubspotApiError =>
  new HubspotApiError(404, "OBJECT_NOT_FOUND", message);

export const validationError = (message: string, context?: Record<string, string[]>): HubspotApiError =>
  new HubspotApiError(400, "VALIDATION_ERROR", message, context);
