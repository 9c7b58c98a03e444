// HubSpot associations: reading a record's associated ids, associating existing records, and the
// HubSpot-defined default (unlabeled) association type ids used when a create carries associations, from
// the Associations v4 reference, "Association type ID values"
// (https://developers.hubspot.com/docs/api/crm/associations/associations-v4).
import { z } from "zod";
import { ASSOCIATION_READ_BATCH_SIZE, BATCH_SIZE } from "./limits.js";
import { canonicalObject } from "./object-names.js";
import { nextPage } from "./schemas.js";
import type { HubspotTransport } from "./transport.js";

const DEFAULT_TYPE_IDS: Record<string, Record<string, number>> = {
  contacts: {
    companies: 279,
    deals: 4,
    tickets: 15,
    calls: 193,
    emails: 197,
    meetings: 199,
    notes: 201,
    tasks: 203,
  },
  companies: {
    contacts: 280,
    deals: 342,
    tickets: 340,
    calls: 181,
    emails: 185,
    meetings: 187,
    notes: 189,
    tasks: 191,
  },
  deals: {
    contacts: 3,
    companies: 341,
    tickets: 27,
    calls: 205,
    emails: 209,
    meetings: 211,
    notes: 213,
    tasks: 215,
  },
  tickets: { contacts: 16, companies: 339, deals: 28 },
  calls: { contacts: 194, companies: 182, deals: 206 },
  emails: { contacts: 198, companies: 186, deals: 210 },
  meetings: { contacts: 200, companies: 188, deals: 212 },
  notes: { contacts: 202, companies: 190, deals: 214 },
  tasks: { contacts: 204, companies: 192, deals: 216 },
};

export interface AssociationInput {
  to: { id: string };
  types: { associationCategory: "HUBSPOT_DEFINED"; associationTypeId: number }[];
}

/** The default association type id from one object to another, or undefined when HubSpot defines none. */
export function defaultAssociationTypeId(from: string, to: string): number | undefined {
  return DEFAULT_TYPE_IDS[canonicalObject(from)]?.[canonicalObject(to)];
}

export function associationInput(from: string, to: string, toId: string): AssociationInput | undefined {
  const typeId = defaultAssociationTypeId(from, to);
  if (typeId === undefined) return undefined;
  return { to: { id: toId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: typeId }] };
}

const associationRead = z.looseObject({
  results: z
    .array(
      z.looseObject({
        from: z.looseObject({ id: z.coerce.string() }),
        to: z.array(z.looseObject({ toObjectId: z.coerce.string() })),
        paging: nextPage,
      }),
    )
    .default([]),
});

const associationWrite = z.looseObject({
  results: z.array(z.unknown()).default([]),
  errors: z
    .array(
      z.looseObject({
        message: z.string().default(""),
        category: z.string().optional(),
        context: z.record(z.string(), z.array(z.string())).optional(),
      }),
    )
    .default([]),
});

/**
 * Ids of `to` records associated with each record, through the v4 batch read (1,000 inputs a call). A
 * record without associations is an error entry of the batch (NO_ASSOCIATIONS_FOUND): it is left out.
 * Each record's associations come a page at a time: a result with more carries `paging.next.after`, which
 * is sent beside the record's id for its next page ("The 'after' field in a returned paging object can be
 * added alongside the 'id' to retrieve the next page of associations from that objectId": associations v4
 * reference, https://developers.hubspot.com/docs/api-reference/legacy/crm/associations/associate-records/batch/get-associations).
 * A contact with more tasks than a page holds would otherwise hide the rest, a keyed task among them.
 */
export async function readAssociations(
  transport: HubspotTransport,
  from: string,
  ids: readonly string[],
  to: string,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  // A cursor given twice for one record would page forever: each is followed once.
  const followed = new Set<string>();
  let pending: { id: string; after?: string }[] = [...new Set(ids)].map((id) => ({ id }));
  while (pending.length > 0) {
    const next: { id: string; after: string }[] = [];
    for (let i = 0; i < pending.length; i += ASSOCIATION_READ_BATCH_SIZE) {
      const answer = await transport.send(
        {
          method: "POST",
          path: `/crm/v4/associations/${canonicalObject(from)}/${canonicalObject(to)}/batch/read`,
          body: { inputs: pending.slice(i, i + ASSOCIATION_READ_BATCH_SIZE) },
          batchRead: true,
        },
        associationRead,
      );
      for (const r of answer.body.results) {
        out.set(r.from.id, [...new Set([...(out.get(r.from.id) ?? []), ...r.to.map((t) => t.toObjectId)])]);
        const after = r.paging?.next?.after;
        if (after && !followed.has(`${r.from.id}\u0000${after}`)) {
          followed.add(`${r.from.id}\u0000${after}`);
          next.push({ id: r.from.id, after });
        }
      }
    }
    pending = next;
  }
  return out;
}

/**
 * Default (unlabeled) associations from existing records, through the v4 batch associate (100 pairs a
 * call); associating a pair that is already associated changes nothing. Returns the refused pairs'
 * messages by `from` id.
 */
export async function associateExisting(
  transport: HubspotTransport,
  from: string,
  to: string,
  pairs: readonly { fromId: string; toId: string }[],
): Promise<Map<string, string>> {
  const refused = new Map<string, string>();
  for (let i = 0; i < pairs.length; i += BATCH_SIZE) {
    const chunk = pairs.slice(i, i + BATCH_SIZE);
    const answer = await transport.send(
      {
        method: "POST",
        path: `/crm/v4/associations/${canonicalObject(from)}/${canonicalObject(to)}/batch/associate/default`,
        body: { inputs: chunk.map((p) => ({ from: { id: p.fromId }, to: { id: p.toId } })) },
      },
      associationWrite,
    );
    for (const e of answer.body.errors) {
      for (const id of e.context?.fromObjectId ?? []) refused.set(id, e.message || e.category || "refused");
    }
  }
  return refused;
}
