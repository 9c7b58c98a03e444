// Control routes under /__control: what a person does in Salesforce's UI, for tests and the sandbox.
//
//   GET    /records/:type?includeDeleted=true   dump an object's records (with the Recycle Bin if asked)
//   POST   /records/:type            {fields, at?}            create a record (as a user would in the UI)
//   PATCH  /records/:type/:id        {fields, at?}            edit a record
//   DELETE /records/:type/:id                                 delete a record (to the Recycle Bin)
//   POST   /leads/:id/status         {status, at?}            a rep changes a lead's Status
//   POST   /calls                    {whoId, subject?, description?, ownerId?, at?}
//                                                            a rep logs a call: a completed Task on a Lead/Contact
//   POST   /leads/:id/convert        {convertedStatus?, accountId?, contactId?, doNotCreateOpportunity?,
//                                     opportunityName?}      a rep converts a lead
//   POST   /merge                    {sobject, masterId, mergedIds}  an admin merges duplicates
//   POST   /sessions/expire                                  every session times out
//   GET    /api-usage                                        {used, max}
//   PUT    /api-usage                {used, max?}             set the daily API usage counter
//
// `at` is when the change happened: it becomes LastModifiedDate and SystemModstamp (kept to the second, as
// Salesforce keeps them). An instant in the past plays a transaction that took its SystemModstamp when it
// started and committed after a reader had passed that instant. `by` (a User Id) is the person who made
// the change, its LastModifiedById (and CreatedById): by default the record's owner, since a rep works
// their own Leads and Opportunities in the UI (for a call, its `ownerId`, else the owner of its `whoId`;
// for a conversion, everything it creates and changes), else the integration user. Deletions and merges
// are the integration user's.
import { z } from "zod";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler } from "../../emulator/server.js";
import { normaliseId } from "../ids.js";
import { formatDate } from "../values.js";
import type { SalesforceContext } from "./context.js";

const at = z.iso.datetime({ offset: true }).optional();
const by = z.string().min(1).optional();
const recordChange = z.object({ fields: z.record(z.string(), z.unknown()), at, by });
const statusChange = z.object({ status: z.string(), at, by });
const loggedCall = z.object({
  whoId: z.string(),
  subject: z.string().default("Call"),
  description: z.string().optional(),
  ownerId: z.string().optional(),
  at,
  by,
});
const conversion = z.object({
  convertedStatus: z.string().optional(),
  accountId: z.string().optional(),
  contactId: z.string().optional(),
  doNotCreateOpportunity: z.boolean().optional(),
  opportunityName: z.string().optional(),
  at,
  by,
});
const merge = z.object({
  sobject: z.string(),
  masterId: z.string(),
  mergedIds: z.array(z.string()).min(1).max(2),
});
const usage = z.object({ used: z.number().int().nonnegative(), max: z.number().int().positive().optional() });

const when = (value: string | undefined) => (value ? new Date(value) : undefined);

/** The OwnerId of a record, when it has one: who works it in the UI unless the request names someone. */
const ownerOf = (record: Record<string, unknown> | undefined): string | undefined =>
  typeof record?.OwnerId === "string" ? record.OwnerId : undefined;

export function controlRoutes(router: Router<EmulatorHandler>, ctx: SalesforceContext): void {
  const { data } = ctx;
  router
    .add("GET", "/records/:type", (req) => {
      const type = req.params.type!;
      const records =
        req.query.get("includeDeleted") === "true" ? data.store.all(type, true) : data.list(type);
      return { status: 200, body: records };
    })
    .add("POST", "/records/:type", (req) => {
      const body = recordChange.parse(req.body);
      return { status: 201, body: { id: data.insert(req.params.type!, body.fields, when(body.at), body.by ?? ownerOf(body.fields)) } };
    })
    .add("PATCH", "/records/:type/:id", (req) => {
      const body = recordChange.parse(req.body);
      const by = body.by ?? ownerOf(data.get(req.params.type!, req.params.id!));
      data.update(req.params.type!, req.params.id!, body.fields, when(body.at), by);
      return { status: 200, body: data.get(req.params.type!, req.params.id!) };
    })
    .add("DELETE", "/records/:type/:id", (req) => {
      data.delete(req.params.type!, req.params.id!);
      return { status: 204 };
    })
    .add("POST", "/leads/:id/status", (req) => {
      const body = statusChange.parse(req.body);
      const by = body.by ?? ownerOf(data.get("Lead", req.params.id!));
      data.update("Lead", req.params.id!, { Status: body.status }, when(body.at), by);
      return { status: 200, body: data.get("Lead", req.params.id!) };
    })
    .add("POST", "/calls", (req) => {
      const body = loggedCall.parse(req.body);
      const whenCalled = when(body.at) ?? ctx.data.writer.now();
      const fields: Record<string, unknown> = {
        Subject: body.subject,
        Status: "Completed",
        Priority: "Normal",
        TaskSubtype: "Call",
        Type: "Call",
        ActivityDate: formatDate(whenCalled.getTime()),
        WhoId: body.whoId,
      };
      if (body.description) fields.Description = body.description;
      if (body.ownerId) fields.OwnerId = body.ownerId;
      const who = data.store.find(normaliseId(body.whoId) ?? body.whoId)?.record;
      return { status: 201, body: { id: data.insert("Task", fields, whenCalled, body.by ?? body.ownerId ?? ownerOf(who)) } };
    })
    .add("POST", "/leads/:id/convert", (req) => {
      const { at: convertedAt, by, ...options } = conversion.parse(req.body ?? {});
      const rep = by ?? ownerOf(data.get("Lead", req.params.id!));
      return { status: 200, body: data.convertLead(req.params.id!, options, when(convertedAt), rep) };
    })
    .add("POST", "/merge", (req) => {
      const body = merge.parse(req.body);
      data.merge(body.sobject, body.masterId, body.mergedIds);
      return { status: 204 };
    })
    .add("POST", "/sessions/expire", () => {
      data.expireSessions();
      return { status: 204 };
    })
    .add("GET", "/api-usage", () => ({ status: 200, body: { used: ctx.usage.used, max: ctx.usage.max } }))
    .add("PUT", "/api-usage", (req) => {
      const body = usage.parse(req.body);
      ctx.usage.used = body.used;
      if (body.max !== undefined) ctx.usage.max = body.max;
      return { status: 200, body: { used: ctx.usage.used, max: ctx.usage.max } };
    });
}
