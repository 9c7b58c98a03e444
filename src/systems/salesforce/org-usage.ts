// What `leadloop forecast --live` reads from a Salesforce org: its Leads and Contacts (SELECT COUNT()),
// its daily API allocation from the Limits resource (REST API Developer Guide, "Limits":
// `DailyApiRequests: { Max, Remaining }`), and the reps' updates: the Leads and Opportunities someone
// other than the user the API runs as (leadloop's integration user, running-user.ts) last modified in the
// window, by their `LastModifiedDate` and `LastModifiedById` (Object Reference, "System Fields"). A record
// changed twice counts once, and a conversion counts its Lead and the Opportunity it opened.
import { z } from "zod";
import type { SalesforceClient } from "./connection.js";
import { documentedAnswer } from "./errors.js";
import { totalSizeAnswer } from "./query-pages.js";
import { soqlDateTime, soqlString } from "./soql.js";

export interface OrgUsage {
  leads: number;
  contacts: number;
  dailyCalls: number;
  dailyRemaining: number;
  /** Records others than the API's user last modified since `since`; none when not asked. */
  salesUpdates?: { leads: number; opportunities: number; since: string };
}

const limitsBody = z.object({ DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }) }).loose();

export async function readOrgUsage(
  client: SalesforceClient,
  /** When asked: since when, and the user the API runs as, whose own writes are not the reps'. */
  sales?: { since: string; apiUserId: string },
): Promise<OrgUsage> {
  const count = async (object: string, where = "") =>
    parse(
      totalSizeAnswer,
      await client.call<unknown>({
        method: "GET",
        path: `/query?q=${encodeURIComponent(`SELECT COUNT() FROM ${object}${where ? ` WHERE ${where}` : ""}`)}`,
        idempotent: true,
        purpose: `count ${object}`,
      }),
      "query",
    ).totalSize;
  const limits = parse(
    limitsBody,
    await client.call<unknown>({ method: "GET", path: "/limits", idempotent: true, purpose: "limits" }),
    "limits",
  );
  return {
    leads: await count("Lead"),
    contacts: await count("Contact"),
    dailyCalls: limits.DailyApiRequests.Max,
    dailyRemaining: limits.DailyApiRequests.Remaining,
    ...(sales ? { salesUpdates: await salesUpdates(sales.since, sales.apiUserId) } : {}),
  };

  async function salesUpdates(since: string, apiUserId: string): Promise<NonNullable<OrgUsage["salesUpdates"]>> {
    const byOthers = `LastModifiedDate >= ${soqlDateTime(since)} AND LastModifiedById != ${soqlString(apiUserId)}`;
    return { leads: await count("Lead", byOthers), opportunities: await count("Opportunity", byOthers), since };
  }
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, resource: string): z.output<S> {
  return documentedAnswer(schema, raw, "UNEXPECTED_RESPONSE", `${resource} resource`);
}
