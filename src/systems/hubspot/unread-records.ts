// A batch read's answer that leaves records out for another reason than their absence: HubSpot answers a
// batch read 207 Multi-Status with `errors` beside `results` (HubSpot/hubspot-api-php #619: records found
// and ids not found in one answer), and only OBJECT_NOT_FOUND says a record is not there to read. Any other
// entry is an error of the call, retried in the one retry layer (fault-table.ts), so no caller takes a
// record it was not given for one that is gone (a restored contact's clock, a linked record's merge).
import { z } from "zod";
import { HubspotHttpError } from "./http-error.js";

const errorEntries = z.looseObject({
  errors: z.array(z.looseObject({ category: z.string().optional() })).optional(),
});

/** Categories that say the asked record is not there (v4 associations: a record with none, its subCategory). */
const ABSENT = new Set(["OBJECT_NOT_FOUND"]);

/** Throws the first error entry of a batch read's answer that is not a record's absence. */
export function refuseUnreadRecords(
  answer: { status: number; body: unknown; headers?: Record<string, string> },
  endpoint: string,
): void {
  const parsed = errorEntries.safeParse(answer.body);
  const entry = parsed.success ? parsed.data.errors?.find((e) => !ABSENT.has(e.category ?? "")) : undefined;
  if (entry) throw new HubspotHttpError(answer.status, entry, answer.headers ?? {}, endpoint);
}
