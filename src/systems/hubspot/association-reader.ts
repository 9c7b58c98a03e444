// Which records of one type a batch of records is associated with, through the Associations v4 batch
// read (https://developers.hubspot.com/docs/api/crm/associations/associations-v4, "Retrieve
// associations"). A record with none comes back as an error entry of the 207 answer, not a failure.
import { z } from "zod";
import { BATCH_SIZE } from "./limits.js";
import { canonicalObject } from "./object-names.js";
import type { HubspotTransport } from "./transport.js";

const associationBatch = z.looseObject({
  results: z
    .array(
      z.looseObject({
        from: z.looseObject({ id: z.coerce.string() }),
        to: z.array(z.looseObject({ toObjectId: z.coerce.string() })),
      }),
    )
    .default([]),
});

/** id → ids of the associated `to` records; ids without associations are left out. */
export async function readAssociations(
  transport: HubspotTransport,
  from: string,
  ids: readonly string[],
  to: string,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH_SIZE) {
    const { body } = await transport.send(
      {
        method: "POST",
        path: `/crm/v4/associations/${canonicalObject(from)}/${canonicalObject(to)}/batch/read`,
        body: { inputs: unique.slice(i, i + BATCH_SIZE).map((id) => ({ id })) },
      },
      associationBatch,
    );
    for (const r of body.results) out.set(r.from.id, [...(out.get(r.from.id) ?? []), ...r.to.map((t) => t.toObjectId)]);
  }
  return out;
}
