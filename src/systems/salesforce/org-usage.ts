// What `leadloop forecast --live` reads from a Salesforce org: its Leads and Contacts (SELECT COUNT())
// and its daily API allocation from the Limits resource (REST API Developer Guide, "Limits":
// `DailyApiRequests: { Max, Remaining }`).
import { z } from "zod";
import { SystemError } from "../../sync/system-error.js";
import type { SalesforceClient } from "./connection.js";
import { SYSTEM } from "./errors.js";
import { totalSizeAnswer } from "./query-pages.js";

export interface OrgUsage {
  leads: number;
  contacts: number;
  dailyCalls: number;
  dailyRemaining: number;
}

const limitsBody = z.object({ DailyApiRequests: z.object({ Max: z.number(), Remaining: z.number() }) }).loose();

export async function readOrgUsage(client: SalesforceClient): Promise<OrgUsage> {
  const count = async (object: string) =>
    parse(
      totalSizeAnswer,
      await client.call<unknown>({
        method: "GET",
        path: `/query?q=${encodeURIComponent(`SELECT COUNT() FROM ${object}`)}`,
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
  };
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, resource: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new SystemError({
    system: SYSTEM,
    errorClass: "bug",
    code: "UNEXPECTED_RESPONSE",
    message: `Salesforce's ${resource} resource did not have the documented shape: ${parsed.error.issues[0]?.message ?? ""}`,
    retriable: false,
  });
}
