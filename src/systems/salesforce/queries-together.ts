// The parts of one bounded read (an IN list longer than one query's URI takes, ids in chunks) asked
// together: the first page of up to five queries in one Composite call, which "counts as a single call
// toward your API limits" (composite.ts), each paged on alone from its answer. A first load's field
// history, match and owner reads made one call per part (ARCHITECTURE.md "One group of records"). A
// part past one page leaves its query locator open until its turn: five at most, inside the ten a user
// may hold open before Salesforce drops the oldest (SOAP API Developer Guide, "QueryLocator"), beside
// the one a change stream holds between its pages.
import { compositeUnanswered, MAX_QUERIES, sendGets } from "./composite.js";
import type { SalesforceClient } from "./connection.js";
import { QUERY_HEADERS, type QueryOptions, type QueryRow, queryAllRows, queryPath } from "./query-pages.js";

/**
 * Every row of each query, in the order asked. A query whose subrequest failed, or all of a call's when
 * the server has no Composite resource or answers it out of its documented shape, is sent on its own,
 * where its failure is classified and retried as any call's; a system that is down fails the read.
 */
export async function queryRowsTogether(
  client: SalesforceClient,
  soqls: readonly string[],
  options: Omit<QueryOptions, "first"> = {},
): Promise<QueryRow[][]> {
  const out: QueryRow[][] = [];
  for (let i = 0; i < soqls.length; i += MAX_QUERIES) {
    const part = soqls.slice(i, i + MAX_QUERIES);
    const firsts = part.length > 1 ? await firstPages(client, part, options) : new Map<number, unknown>();
    for (const [n, soql] of part.entries()) {
      const first = firsts.get(n);
      out.push(await queryAllRows(client, soql, first === undefined ? options : { ...options, first }));
    }
  }
  return out;
}

/** The first page of each query that one composite call answered, by the query's place in `soqls`. */
async function firstPages(
  client: SalesforceClient,
  soqls: readonly string[],
  options: Omit<QueryOptions, "first">,
): Promise<Map<number, unknown>> {
  const root = client.versionRoot();
  let answers;
  try {
    answers = await sendGets(
      client,
      soqls.map((soql, n) => ({ url: `${root}${queryPath(soql, options)}`, referenceId: `q${n}`, httpHeaders: { ...QUERY_HEADERS } })),
      "composite.queries",
    );
  } catch (err) {
    // Each query on its own instead.
    if (compositeUnanswered(err)) return new Map();
    throw err;
  }
  const firsts = new Map<number, unknown>();
  soqls.forEach((_, n) => {
    const answer = answers.get(`q${n}`);
    if (answer?.status === 200) firsts.set(n, answer.body);
  });
  return firsts;
}
