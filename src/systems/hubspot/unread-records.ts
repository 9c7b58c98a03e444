// A batch read's answer that leaves records out for another reason than their absence: HubSpot answers a
// batch read 207 Multi-Status with `errors` beside `results` (HubSpot/hubspot-api-php #619: records found
// and ids not found in one answer), and only OBJECT_NOT_FOUND says a record is not there to read. Any other
// entry is an error of the call, retried in the one retry layer (fault-table.ts), so no caller takes a
// record it was not given for one that is gone (a restored contact's clock, a linked record's merge).
import { z } from "zod";
import { HubspotHttpError } from "./http-error.js";

const errorEntries = z.looseObject({
  errors: z.array(z.looseObject({ category: z.string().optional(), subCategory: z.string().optional() })).optional(),
});

/**
 * An entry saying the asked record is not there: OBJECT_NOT_FOUND, or v4 associations' record with none
 * (`crm.associations.NO_ASSOCIATIONS_FOUND`), whatever category a server files that under.
 */
function absent(entry: { category?: string | undefined; subCategory?: string | undefined }): boolean {
  return entry.category === "OBJECT_NOT_FOUND" || /NO_ASSOCIATIONS_FOUND$/.test(entry.subCategory ?? "");
}

/** Throws the first error entry of a batch read's answer that is not a record's absence. */
export function refuseUnreadRecords(
  answer: { status: number; body: unknown; headers?: Record<string, string> },
  endpoint: string,
): void {
  const parsed = errorEntries.safeParse(answer.body);
  const entry = parsed.success ? parsed.data.errors?.find((e) => !absent(e)) : undefined;
  if (entry) throw new HubspotHttpError(answer.status, entry, answer.headers ?? {}, endpoint);
}
