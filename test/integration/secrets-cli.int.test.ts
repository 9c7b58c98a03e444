// README's "Commands": logs go to stderr with tokens and secrets redacted. What stderr ends with and
// `--json`'s `failure` are the run.failed line's `error`, so they blank the same secrets: here a gateway
// in front of HubSpot echoes the request's credentials in its refusal, as a misconfigured proxy does.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { generateSeed } from "../../src/sandbox/seed/generate.js";
import { runCli } from "../support/cli-run.js";
import { openSandboxWorld, type SandboxWorld } from "../support/sandbox-world.js";

const TOKEN = "pat-eu1-3f9a1c2e-5b7d-4e8f-9a0b-c1d2e3f4a5b6";

describe("a failure that quotes a secret", () => {
  let world: SandboxWorld;
  const gateway = createServer((req, res) => {
    res.writeHead(400, { "content-type": "application/json;charset=utf-8" });
    res.end(
      JSON.stringify({
        status: "error",
        message: `Zugriff verweigert für Token ${TOKEN} (Authorization: ${req.headers.authorization ?? ""}) – Mandant „Müller & Söhne“ unbekannt`,
        correlationId: "3c5e1f0a-9b8d-4c7e-a6f5-0d1e2c3b4a59",
        category: "VALIDATION_ERROR",
      }),
    );
  });

  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 5, now: new Date(), contacts: 8 }), "secrets");
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    const text = readFileSync(world.configPath, "utf8");
    expect(text).toContain(world.hubspot.accessToken);
    writeFileSync(world.configPath, text.replaceAll(world.hubspot.url, url).replaceAll(world.hubspot.accessToken, TOKEN));
  });
  afterAll(async () => {
    await new Promise((resolve) => gateway.close(resolve));
    await world.close();
  });

  it("is said on stderr and in sync --json's failure with the token blanked, as its log line says it", async () => {
    const result = await runCli(["--log-level", "debug", "sync", "--json", "-c", world.configPath]);
    expect(result.code).toBe(1);
    const failedLine = result.stderr.split("\n").find((l) => l.includes('"run.failed"'))!;
    const logged = (JSON.parse(failedLine) as { error: string }).error;
    expect(logged).toContain("Mandant „Müller & Söhne“ unbekannt");
    expect(logged).toContain("[redacted]");

    // The line stderr ends with and --json's failure are the logged error, word for word.
    expect(result.stderr.trim().split("\n").at(-1)).toBe(`leadloop: ${logged}`);
    expect((JSON.parse(result.stdout) as { status: string; failure: string })).toMatchObject({ status: "failed", failure: logged });
    expect(result.stderr).not.toContain(TOKEN);
    expect(result.stdout).not.toContain(TOKEN);
  });
});

describe("a failure that quotes a secret in the middle of a run", () => {
  let world: SandboxWorld;
  let hubspotUrl = "";
  // Passes every call on to HubSpot but the change search, which it refuses quoting the request's token.
  const gateway = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.url?.startsWith("/crm/v3/objects/contacts/search")) {
        res.writeHead(400, { "content-type": "application/json;charset=utf-8" });
        res.end(JSON.stringify({ status: "error", message: `Suche abgelehnt: Token ${String(req.headers.authorization).replace(/^Bearer /, "")} gesperrt`, category: "VALIDATION_ERROR" }));
        return;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length")) as Record<string, string>;
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      fetch(`${hubspotUrl}${req.url}`, { method: req.method, headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => res.destroy());
    });
  });

  beforeAll(async () => {
    world = await openSandboxWorld(generateSeed({ seed: 6, now: new Date(), contacts: 8 }), "secrets-mid-run");
    hubspotUrl = world.hubspot.url;
    await new Promise<void>((resolve) => gateway.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    writeFileSync(world.configPath, readFileSync(world.configPath, "utf8").replaceAll(world.hubspot.url, url));
  });
  afterAll(async () => {
    await new Promise((resolve) => gateway.close(resolve));
    await world.close();
  });

  it("is kept in the store (the run's failure) with the token blanked", async () => {
    const token = world.hubspot.accessToken;
    const result = await runCli(["sync", "--json", "-c", world.configPath]);
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { failure: string }).failure).toContain("Suche abgelehnt: Token [redacted] gesperrt");
    const stored = ["", "-wal"].map((s) => `${world.storePath}${s}`).filter(existsSync).map((f) => readFileSync(f));
    expect(stored.some((bytes) => bytes.includes("Suche abgelehnt"))).toBe(true);
    for (const bytes of stored) expect(bytes.includes(token)).toBe(false);
  });
});
