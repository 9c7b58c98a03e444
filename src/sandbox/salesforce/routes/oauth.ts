// The OAuth 2.0 token endpoint for the client credentials flow (Salesforce Help, "OAuth 2.0 Client
// Credentials Flow for Server-to-Server Integration"), and the UserInfo endpoint that names the user a
// session runs as (Salesforce Help, "UserInfo Endpoint"). Errors use OAuth's {error, error_description}.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Router } from "../../emulator/router.js";
import type { EmulatorHandler, EmulatorRequest } from "../../emulator/server.js";
import type { SalesforceContext } from "./context.js";

const tokenRequest = z.object({
  grant_type: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export function addOAuthRoutes(
  router: Router<EmulatorHandler>,
  ctx: SalesforceContext,
  integrationUserId: () => string,
): void {
  router.add("POST", "/services/oauth2/token", (req) => {
    const parsed = tokenRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      return {
        status: 400,
        body: { error: "invalid_request", error_description: "grant type not supported" },
      };
    }
    if (parsed.data.grant_type !== "client_credentials") {
      return {
        status: 400,
        body: { error: "unsupported_grant_type", error_description: "grant type not supported" },
      };
    }
    const { id, secret } = credentials(req, parsed.data);
    if (!same(id, ctx.clientId) || !same(secret, ctx.clientSecret)) {
      return {
        status: 400,
        body: { error: "invalid_client", error_description: "invalid client credentials" },
      };
    }
    const accessToken = ctx.sessions.issue(ctx.orgId);
    const issuedAt = String(Date.now());
    const identity = `${ctx.baseUrl()}/id/${ctx.orgId}/${integrationUserId()}`;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        signature: createHmac("sha256", ctx.clientSecret)
          .update(identity + issuedAt)
          .digest("base64"),
        scope: "api",
        instance_url: ctx.baseUrl(),
        id: identity,
        token_type: "Bearer",
        issued_at: issuedAt,
      },
    };
  });
}

/**
 * GET /services/oauth2/userinfo with the session's bearer token: the OpenID Connect claims of the user
 * the session runs as (`user_id`, `organization_id`, `email` …). An invalid token gets 403 "Bad_OAuth_Token".
 */
export function addUserInfoRoute(
  router: Router<EmulatorHandler>,
  ctx: SalesforceContext,
  integrationUserId: () => string,
): void {
  router.add("GET", "/services/oauth2/userinfo", (req) => {
    const header = String(req.headers.authorization ?? "");
    const token = /^(Bearer|OAuth)\s+(.+)$/i.exec(header)?.[2]?.trim();
    if (!token || !ctx.sessions.isValid(token)) return { status: 403, body: "Bad_OAuth_Token" };
    const user = ctx.data.get("User", integrationUserId())!;
    return {
      status: 200,
      body: {
        sub: `${ctx.baseUrl()}/id/${ctx.orgId}/${integrationUserId()}`,
        user_id: integrationUserId(),
        organization_id: ctx.orgId,
        preferred_username: user.Username,
        name: `${String(user.FirstName)} ${String(user.LastName)}`,
        email: user.Email,
        email_verified: true,
        active: true,
        user_type: "STANDARD",
      },
    };
  });
}

/** The client may send its credentials in the body or as HTTP Basic auth. */
function credentials(
  req: EmulatorRequest,
  body: z.infer<typeof tokenRequest>,
): { id: string; secret: string } {
  const header = String(req.headers.authorization ?? "");
  if (header.startsWith("Basic ")) {
    const [id = "", secret = ""] = Buffer.from(header.slice(6), "base64").toString("utf8").split(":");
    return { id: decodeURIComponent(id), secret: decodeURIComponent(secret) };
  }
  return { id: body.client_id ?? "", secret: body.client_secret ?? "" };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
