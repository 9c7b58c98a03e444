// The loopback HTTP server both emulators run on: routing, JSON bodies, call counting, fault injection
// and a `/__control` API for tests and the sandbox. What each system answers is in its own folder.
import { createServer, type IncomingHttpHeaders, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { CallCounter } from "./call-counter.js";
import { FaultInjector, type RequestFault } from "./faults.js";
import type { Router } from "./router.js";

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  params: Record<string, string>;
  /** Parsed JSON, or the fields of a form-encoded body; undefined when there was no body or it is CSV. */
  body: unknown;
  rawBody: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless `text` is given. */
  body?: unknown;
  text?: string;
  /** Set by a handler whose call, though sent by a writing method, changed no record (a composite of reads). */
  changedNothing?: boolean;
}

export type EmulatorHandler = (req: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

/** What makes an emulator one system rather than another: its auth, limits and error shapes. */
export interface SystemBehaviour {
  /** Runs before routing for every API call (auth, rate limits); a response returned answers the call. */
  guard?(req: EmulatorRequest, endpoint: string): EmulatorResponse | undefined;
  /** Headers added to every API response (rate-limit headers). */
  decorate?(req: EmulatorRequest): Record<string, string>;
  /**
   * The system's own 429 for an injected rate_limit fault on this request; `retryAfterSeconds` as the
   * fault names it (absent: the system's own choice).
   */
  rateLimited(req: EmulatorRequest, retryAfterSeconds: number | undefined, fault?: RequestFault): EmulatorResponse;
  /** The system's own error body for an injected status fault. */
  failure(status: number): EmulatorResponse;
  notFound(req: EmulatorRequest): EmulatorResponse;
}

export interface EmulatorOptions {
  api: Router<EmulatorHandler>;
  /** Endpoints (`METHOD /pattern`) that read although their method writes, such as a search by POST. */
  readsByWriteMethod?: readonly string[];
  /** System-specific control routes, served under `/__control` beside the shared ones. */
  control?: Router<EmulatorHandler>;
  behaviour: SystemBehaviour;
  port?: number;
  /** `gzip`: answers compressed, and so chunked, to clients that accept it (default: plain, with a length). */
  compression?: "gzip";
}

/**
 * Told of each data write the emulator answered: a POST, PATCH, PUT or DELETE to an API route that is
 * not a read (control routes and refused or faulted calls are not writes). It runs after the write took
 * effect and before the response leaves, and the response waits for it: a crash test can stop the caller
 * at a known point, with the write made and the caller not yet told.
 */
/**
 * `endpoint` is the route pattern (`POST /crm/v3/objects/:objectType/batch/create`), `path` the request's.
 * A listener that answers `"lose answer"` has the caller told 502 instead, the write made all the same:
 * a fault `applied` (faults.ts) at a write counted by the test rather than named by its path.
 */
export type WriteListener = (write: {
  endpoint: string;
  path: string;
  status: number;
}) => void | "lose answer" | Promise<void | "lose answer">;

export interface RunningEmulator {
  url: string;
  port: number;
  calls: CallCounter;
  faults: FaultInjector;
  /** Sets the one write listener (undefined removes it). */
  onWrite(listener: WriteListener | undefined): void;
  close(): Promise<void>;
}

const WRITE_METHODS = new Set(["POST", "PATCH", "PUT", "DELETE"]);

const CONTROL_PREFIX = "/__control";

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const calls = new CallCounter();
  const faults = new FaultInjector();
  const { api, control, behaviour } = options;
  const readsByWriteMethod = new Set(options.readsByWriteMethod ?? []);
  let writeListener: WriteListener | undefined;

  const sharedControl: Record<string, EmulatorHandler> = {
    "GET /calls": () => ({ status: 200, body: { total: calls.total(), byEndpoint: calls.byEndpoint() } }),
    "DELETE /calls": () => {
      calls.reset();
      return { status: 204 };
    },
    "POST /faults": (req) => {
      faults.add(req.body);
      return { status: 204 };
    },
    "DELETE /faults": () => {
      faults.clear();
      return { status: 204 };
    },
  };

  // Node's own 16 KB limit would answer 431 before the system's rules (Salesforce's 414) are applied.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (incoming, res) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (c: Buffer) => chunks.push(c));
    incoming.on("end", () => {
      const url = new URL(incoming.url ?? "/", "http://127.0.0.1");
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const req: EmulatorRequest = {
        method: (incoming.method ?? "GET").toUpperCase(),
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        params: {},
        body: undefined,
        rawBody,
      };
      void answer(req, res).catch((err: unknown) => {
        send(res, { status: 500, body: { message: err instanceof Error ? err.message : String(err) } });
      });
    });
  });

  async function answer(req: EmulatorRequest, res: ServerResponse): Promise<void> {
    try {
      req.body = parseBody(req);
    } catch {
      send(res, { status: 400, body: { message: "Request body is not valid JSON" } });
      return;
    }
    if (req.path.startsWith(CONTROL_PREFIX)) {
      const sub = req.path.slice(CONTROL_PREFIX.length) || "/";
      const shared = sharedControl[`${req.method} ${sub}`];
      const own = control?.match(req.method, sub);
      if (own) req.params = own.params;
      const handler = shared ?? own?.handler;
      if (!handler) {
        send(res, { status: 404, body: { message: `No control route ${req.method} ${sub}` } });
        return;
      }
      try {
        send(res, await handler(req));
      } catch (err) {
        send(res, { status: 400, body: { message: err instanceof Error ? err.message : String(err) } });
      }
      return;
    }

    const match = api.match(req.method, req.path);
    const endpoint = match ? `${req.method} ${match.pattern}` : `${req.method} (unrouted)`;
    calls.record(endpoint, { path: req.path, query: req.query, body: req.body });

    // Compressed (and so chunked) when the emulator is set to and the client takes it (RFC 9110 §12.5.3).
    const gzip = options.compression === "gzip" && /\bgzip\b/i.test(String(req.headers["accept-encoding"] ?? ""));
    const reply = (response: EmulatorResponse, lost?: "cut" | "stall") => send(res, response, { gzip, ...(lost ? { lost } : {}) });

    const fault = faults.take(req.method, req.path);
    // A fault `applied` answers in place of the request's own answer, once the request was carried out;
    // a `cut` or `stall` answer is the request's own, carried out too, broken off or stopped half-way.
    const lostAnswer =
      fault?.kind === "cut" || fault?.kind === "stall" || (fault?.applied && (fault.kind === "drop" || fault.kind === "status"))
        ? fault
        : undefined;
    const before = lostAnswer ? undefined : fault;
    if (before?.kind === "drop") {
      res.socket?.destroy();
      return;
    }
    if (before?.kind === "slow") await sleep(before.delayMs ?? 1000);
    const extra = behaviour.decorate?.(req) ?? {};
    if (before?.kind === "rate_limit") {
      reply(withHeaders(behaviour.rateLimited(req, before.retryAfterSeconds, before), extra));
      return;
    }
    if (before?.kind === "status") {
      reply(withHeaders(faultAnswer(behaviour, before, 503), extra));
      return;
    }
    // The guard may spend rate-limit budget, so headers are taken again after it.
    const refused = behaviour.guard?.(req, endpoint);
    if (refused) {
      reply(withHeaders(refused, behaviour.decorate?.(req) ?? extra));
      return;
    }
    if (!match) {
      reply(withHeaders(behaviour.notFound(req), extra));
      return;
    }
    req.params = match.params;
    const response = await match.handler(req);
    let lost: RequestFault | undefined = lostAnswer;
    if (writeListener && WRITE_METHODS.has(req.method) && !readsByWriteMethod.has(endpoint) && !response.changedNothing) {
      const told = await writeListener({ endpoint, path: req.path, status: response.status });
      if (told === "lose answer") lost ??= { kind: "status", status: 502, applied: true };
    }
    if (lost?.kind === "drop") res.socket?.destroy();
    else if (lost?.kind === "cut" || lost?.kind === "stall") reply(withHeaders(response, behaviour.decorate?.(req) ?? extra), lost.kind);
    else if (lost) reply(withHeaders(faultAnswer(behaviour, lost, 502), extra));
    else reply(withHeaders(response, behaviour.decorate?.(req) ?? extra));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    calls,
    faults,
    onWrite: (listener) => {
      writeListener = listener;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A status fault's answer: the system's own error body, or a gateway's HTML page (`page`). */
function faultAnswer(behaviour: SystemBehaviour, fault: RequestFault, status: number): EmulatorResponse {
  const code = fault.status ?? status;
  if (!fault.page) return behaviour.failure(code);
  const title = `${code} ${STATUS_CODES[code] ?? "Error"}`;
  return {
    status: code,
    headers: { "content-type": "text/html" },
    text: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
  };
}

function parseBody(req: EmulatorRequest): unknown {
  if (req.rawBody.length === 0) return undefined;
  const type = String(req.headers["content-type"] ?? "");
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(req.rawBody));
  }
  // CSV uploads (Salesforce Bulk API 2.0 job data) stay text: the handler reads `rawBody`.
  if (type.includes("text/csv")) return undefined;
  return JSON.parse(req.rawBody);
}

function withHeaders(res: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return { ...res, headers: { ...headers, ...res.headers } };
}

/**
 * `gzip`: the body compressed (`Content-Encoding: gzip`) and sent in two chunks, as servers that compress
 * stream their answers; `lost` "cut": the connection broken after the first half of the body (headers
 * sent); "stall": the first half sent and then nothing, the connection left open.
 */
function send(res: ServerResponse, response: EmulatorResponse, how: { gzip?: boolean; lost?: "cut" | "stall" } = {}): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  let payload = "";
  if (response.text !== undefined) {
    payload = response.text;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else if (response.body !== undefined) {
    payload = jsonText(response.body);
    headers["content-type"] = "application/json;charset=UTF-8";
  }
  // Encoded once: measuring the text for content-length and then writing it would encode it twice.
  let bytes = Buffer.from(payload, "utf8");
  if (how.gzip && bytes.length > 0) {
    bytes = gzipSync(bytes);
    headers["content-encoding"] = "gzip";
  }
  if (!how.gzip && !how.lost) {
    headers["content-length"] = String(bytes.length);
    res.writeHead(response.status, headers);
    res.end(bytes);
    return;
  }
  // No content-length: Node sends the body chunked (Transfer-Encoding: chunked).
  res.writeHead(response.status, headers);
  const half = Math.ceil(bytes.length / 2);
  if (how.lost === "cut") res.write(bytes.subarray(0, half), () => res.socket?.destroy());
  else if (how.lost === "stall") res.write(bytes.subarray(0, half));
  else {
    res.write(bytes.subarray(0, half));
    res.end(bytes.subarray(half));
  }
}

/**
 * A body as JSON, a bigint in it as the integer it is (an int64 past 2^53, which no JS number holds and
 * JSON.stringify refuses): the plain stringify first, so bodies without one cost nothing more.
 */
function jsonText(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch (err) {
    if (!(err instanceof TypeError) || !err.message.includes("BigInt")) throw err;
  }
  return JSON.stringify(body, (_key, value: unknown) => (typeof value === "bigint" ? `\u0000int:${value}` : value)).replace(
    /"\\u0000int:(-?\d+)"/g,
    "$1",
  );
}
