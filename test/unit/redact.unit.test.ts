import { Writable } from "node:stream";
import { createLogger } from "../../src/log/logger.js";
import { redactFields, redactText } from "../../src/log/redact.js";

describe("redaction", () => {
  it("blanks bearer tokens and configured secrets inside text", () => {
    const text = "GET /crm failed: Authorization: Bearer pat-na1-abc.DEF_123 (client secret s3cr3t-Ω)";
    expect(redactText(text, ["s3cr3t-Ω"])).toBe(
      "GET /crm failed: Authorization: Bearer [redacted] (client secret [redacted])",
    );
  });

  it("blanks credential-named fields at any depth and keeps the rest", () => {
    const out = redactFields(
      {
        runId: "r1",
        headers: { Authorization: "Bearer x", "content-type": "json" },
        oauth: { clientSecret: "x" },
      },
      [],
    );
    expect(out).toEqual({
      runId: "r1",
      headers: { Authorization: "[redacted]", "content-type": "json" },
      oauth: { clientSecret: "[redacted]" },
    });
  });

  it("the logger writes JSON lines without the secret", () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ level: "debug", pretty: false, secrets: ["00Dxx!tok"], stream });
    log.info("run.started", { runId: "r-1", note: "token 00Dxx!tok in text", accessToken: "00Dxx!tok" });
    log.debug("batch.applied", { count: 3 });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]).toMatchObject({
      level: "info",
      message: "run.started",
      runId: "r-1",
      note: "token [redacted] in text",
      accessToken: "[redacted]",
    });
    expect(parsed[1]).toMatchObject({ level: "debug", message: "batch.applied", count: 3 });
    expect(lines.join("")).not.toContain("00Dxx!tok");
  });
});
