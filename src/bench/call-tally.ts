// Sorts the calls an emulator answers into endpoint classes, so a phase's write calls can be set against
// the batch-size minimum on their own and its reads split by what they were for: writes, reads (change
// streams, reads by id, the schema: describes and leadloop's own property definitions), behaviour (a
// contact's activity: events, form submissions, email events), match (finding an unlinked record's
// counterpart by its match key) and auth (OAuth token).
import type { ObservedCall } from "../sandbox/emulator/call-counter.js";
import type { RunningEmulator } from "../sandbox/emulator/server.js";
import type { CallCounts, EndpointClass } from "./figures.js";

/** HubSpot answers reads on POST too: searches and batch reads change nothing. */
const READ_ON_POST = /\/search$|\/batch\/read$/;
/**
 * leadloop's own HubSpot property definitions, made by a fresh portal's first preparation (cli/preparation.ts),
 * an object's in one batch create, any it did not make one at a time (systems/hubspot/ensure-properties.ts):
 * schema, as the describes and property lists are, not records, so not set against the batch minimum.
 */
const PROPERTY_DEFINITION = /^\/crm\/v3\/properties\/[^/]+(\/batch\/create)?$/;
/**
 * Where HubSpot serves a contact's behaviour: the events API and the per-source activity APIs (the forms
 * list, form submissions, marketing email events). The campaigns API names campaigns for attribution
 * and reports: a read, not behaviour.
 */
const BEHAVIOUR_PATH = /^\/(events\/|form-integrations\/|marketing\/v3\/forms(\/|$)|email\/public\/)/;
/** The fields a SOQL statement filters with an `IN` list. */
const SOQL_IN = /\b([A-Za-z_][\w.]*)\s+IN\s*\(/gi;
/** LeadHistory, ContactHistory, AccountHistory, OpportunityFieldHistory, a custom object's X__History. */
const HISTORY_FROM = /\bFROM\s+\w*History\b/i;

/** Starts counting `emulator`'s calls by class from now; `stop()` returns the counts. */
export function startTally(emulator: RunningEmulator): { stop(): CallCounts } {
  const counts: CallCounts = { total: 0, writes: 0, reads: 0, behaviour: 0, match: 0, auth: 0, search: 0, byEndpoint: {} };
  const stop = emulator.calls.observe((call) => {
    counts.total++;
    counts[classOf(call)]++;
    if (call.endpoint.startsWith("POST ") && call.endpoint.endsWith("/search")) counts.search++;
    counts.byEndpoint[call.endpoint] = (counts.byEndpoint[call.endpoint] ?? 0) + 1;
  });
  return {
    stop: () => {
      stop();
      counts.byEndpoint = Object.fromEntries(Object.entries(counts.byEndpoint).sort(([a], [b]) => a.localeCompare(b)));
      return counts;
    },
  };
}

export function classOf(call: ObservedCall): EndpointClass {
  const [method = "", path = ""] = call.endpoint.split(" ", 2);
  if (path.includes("/oauth2/")) return "auth";
  if (BEHAVIOUR_PATH.test(path)) return "behaviour";
  if (path.endsWith("/query") || path.endsWith("/queryAll")) return queryClass(call.query.get("q") ?? "");
  if (method === "POST" && path.endsWith("/batch/read") && hasIdProperty(call.body)) return "match";
  if (method === "POST" && path.endsWith("/search") && searchesIn(call.body)) return "match";
  // A Bulk API 2.0 ingest job's polls and results reads are calls of its write (bulk-writer.ts).
  if (path.includes("/jobs/ingest")) return "writes";
  if (method === "GET" || method === "HEAD") return "reads";
  // Salesforce's composite resource: a read when every subrequest is (the window probe's queries and
  // getDeleted, a read's queries together), a match when one of its queries is.
  if (method === "POST" && path.endsWith("/composite") && onlyReads(call.body)) return compositeClass(call.body);
  if (method === "POST" && READ_ON_POST.test(path)) return "reads";
  if (method === "POST" && PROPERTY_DEFINITION.test(path)) return "reads";
  return "writes";
}

/**
 * An `IN` list on a field other than Id is findBy, the match of unlinked records; on Id, a read by id. A
 * history object's `Field IN (…)` picks the fields whose change times a most_recent conflict asks of
 * records already linked (salesforce/field-history.ts): a read, not a match.
 */
function queryClass(soql: string): "match" | "reads" {
  if (HISTORY_FROM.test(soql)) return "reads";
  const fields = [...soql.matchAll(SOQL_IN)].map((m) => m[1]!.toLowerCase());
  return fields.some((f) => f !== "id" && !f.endsWith("id")) ? "match" : "reads";
}

function compositeClass(body: unknown): "match" | "reads" {
  const subs = (body as { compositeRequest?: { url?: string }[] }).compositeRequest ?? [];
  const queries = subs.map((s) => s.url ?? "").filter((url) => /\/query(All)?\?/.test(url));
  const soqls = queries.map((url) => new URLSearchParams(url.slice(url.indexOf("?") + 1)).get("q") ?? "");
  return soqls.some((soql) => queryClass(soql) === "match") ? "match" : "reads";
}

function onlyReads(body: unknown): boolean {
  const subs = (body as { compositeRequest?: { method?: string }[] } | null)?.compositeRequest ?? [];
  return subs.length > 0 && subs.every((s) => s.method === "GET");
}

/** A batch read by a unique property (email) instead of the record id: the contact match. */
function hasIdProperty(body: unknown): boolean {
  return typeof body === "object" && body !== null && typeof (body as { idProperty?: unknown }).idProperty === "string";
}

/** A search with an `IN` filter: findBy (change reads filter on the modification date instead). */
function searchesIn(body: unknown): boolean {
  const groups = (body as { filterGroups?: { filters?: { operator?: string }[] }[] } | null)?.filterGroups ?? [];
  return groups.some((g) => (g.filters ?? []).some((f) => f.operator === "IN"));
}
