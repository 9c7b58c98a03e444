// The user the API runs as, from the OpenID Connect UserInfo endpoint (Salesforce Help, "UserInfo
// Endpoint": https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm):
// Salesforce makes it the owner of a record created without one.
import { z } from "zod";
import type { SalesforceClient } from "./connection.js";
import { documentedAnswer } from "./errors.js";

const userInfo = z.object({ user_id: z.string().min(1), email: z.string().nullable().optional() }).loose();

export interface RunningUser {
  id: string;
  email: string | null;
}

export async function readRunningUser(client: SalesforceClient): Promise<RunningUser> {
  const raw = await client.call<unknown>({
    method: "GET",
    path: "/services/oauth2/userinfo",
    idempotent: true,
    purpose: "userinfo",
  });
  const parsed = documentedAnswer(userInfo, raw, "UNEXPECTED_USERINFO", "UserInfo endpoint");
  return { id: parsed.user_id, email: parsed.email ?? null };
}
