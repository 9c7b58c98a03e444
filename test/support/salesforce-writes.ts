// The Salesforce writes a run makes, as tests name them: how many Bulk API 2.0 jobs and Collections calls,
// of which object and operation, each carried.
import type { SalesforceEmulator } from "../../src/sandbox/salesforce/emulator.js";

/**
 * The Salesforce writes `run` makes, in order: `bulk <object> <operation>` for each Bulk API 2.0 ingest job,
 * `collections <object> N` for each sObject Collections upsert of N records, `collections update N` for
 * each Collections update (whose records name their types).
 */
export async function salesforceWritesOf(salesforce: SalesforceEmulator, run: () => Promise<unknown>): Promise<string[]> {
  const writes: string[] = [];
  const stop = salesforce.calls.observe((call) => {
    const body = call.body as { object?: string; operation?: string; records?: unknown[] } | undefined;
    if (call.endpoint === "POST /services/data/:version/jobs/ingest") writes.push(`bulk ${body?.object} ${body?.operation}`);
    const upsert = /\/composite\/sobjects\/(\w+)\//.exec(call.path);
    if (upsert) writes.push(`collections ${upsert[1]} ${body?.records?.length ?? 0}`);
    else if (call.endpoint === "PATCH /services/data/:version/composite/sobjects") writes.push(`collections update ${body?.records?.length ?? 0}`);
  });
  try {
    await run();
  } finally {
    stop();
  }
  return writes;
}
