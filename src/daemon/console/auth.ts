// Who may see the console: with `daemon.token` set, a request carries `Authorization: Bearer <token>` or
// the cookie the login form sets; /healthz is always open (orchestrators probe it). Without a token the
// daemon listens on loopback only (the config refuses otherwise), and a page is served only to a Host
// that names loopback, so a web page elsewhere cannot reach it through DNS rebinding; a form post must
// come from the console's own origin.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isLoopbackHost } from "../../config/leadloop-config.js";

export const TOKEN_COOKIE = "leadloop_token";

/** Compares digests, so neither the length nor the first wrong character shows in the timing. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(given), digest(token));
}

export function requestToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  const bearer = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (bearer) return bearer[1]!.trim();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(value.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The Host header's name without its port; "" when absent. */
function hostName(host: string | undefined): string {
  if (!host) return "";
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1]!;
  return host.replace(/:\d+$/, "");
}

export function loopbackHostHeader(req: IncomingMessage): boolean {
  return isLoopbackHost(hostName(req.headers.host));
}

/** A browser's form post carries Origin; it must be this console's own. Clients without one (curl) pass. */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

export const CLEARED_COOKIE = `${TOKEN_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
