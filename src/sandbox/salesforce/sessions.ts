// Access tokens the org accepts. Expiring sessions models a session timeout or a revoked token: the old
// token then gets 401 INVALID_SESSION_ID and a client must fetch a new one from the token endpoint.
import { randomBytes } from "node:crypto";

export class Sessions {
  private readonly valid = new Set<string>();
  private current: string;

  constructor(initialToken: string) {
    this.current = initialToken;
    this.valid.add(initialToken);
  }

  get token(): string {
    return this.current;
  }

  isValid(token: string): boolean {
    return this.valid.has(token);
  }

  /** A new session, shaped like Salesforce's `<orgId>!<opaque>` tokens. */
  issue(orgId: string): string {
    this.current = `${orgId}!${randomBytes(24).toString("base64url")}`;
    this.valid.add(this.current);
    return this.current;
  }

  expireAll(): void {
    this.valid.clear();
  }
}
